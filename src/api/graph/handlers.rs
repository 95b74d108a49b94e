//! Thin handlers of /graph.
use super::types::*;
use crate::access::Viewer;
use crate::domain::graph::{self as domain, types::*};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{get, web};

#[utoipa::path(tag = "graph", params(GraphQuery),
    responses((status = 200, body = KnowledgeGraph), (status = 422, body = ErrorBody, description = "unknown type or limit out of range")))]
#[get("/graph/knowledge")]
pub async fn knowledge(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<GraphQuery>,
) -> ApiResult<web::Json<KnowledgeGraph>> {
    let q = q.into_inner();
    let f = GraphFilter {
        client_id: q.client_id,
        types: q.types,
        limit: q.limit,
    };
    Ok(web::Json(domain::knowledge(&state, viewer, f).await?))
}

#[utoipa::path(tag = "graph", responses((status = 200, body = GraphStats)))]
#[get("/graph/stats")]
pub async fn stats(state: web::Data<AppState>, viewer: Viewer) -> ApiResult<web::Json<GraphStats>> {
    Ok(web::Json(domain::stats(&state, viewer).await?))
}

#[utoipa::path(tag = "graph", params(InfluenceQuery),
    responses((status = 200, body = Influence), (status = 404, body = ErrorBody, description = "content not found"),
        (status = 422, body = ErrorBody)))]
#[get("/graph/influence")]
pub async fn influence(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<InfluenceQuery>,
) -> ApiResult<web::Json<Influence>> {
    let q = q.into_inner();
    domain::influence(&state, viewer, q.client_id, q.content_id, q.limit)
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("content"))
}
