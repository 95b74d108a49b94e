//! /memory (the log of what happened across the app) and the /claude-code memory and query
//! routes.
use super::types::*;
use crate::access::Viewer;
use crate::domain::knowledge::{claude_code, memory};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, web};

#[utoipa::path(tag = "memory", params(RecentQuery, Page),
    responses((status = 200, body = Paged<Memory>), (status = 422, body = ErrorBody)))]
#[get("/memory/")]
pub async fn recent(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<RecentQuery>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Memory>>> {
    let kind = q.into_inner().kind;
    Ok(web::Json(
        memory::recent(&state, viewer.user_id, kind, page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "memory", params(SearchQuery), responses((status = 409, body = ErrorBody, description = "the embedding provider is not usable as configured (its model not installed, or without its key)"), (status = 200, body = SearchResults), (status = 422, body = ErrorBody)))]
#[get("/memory/search")]
pub async fn search_memory(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<SearchQuery>,
) -> ApiResult<web::Json<SearchResults>> {
    let q = q.into_inner();
    let results = memory::search(
        &state,
        viewer,
        q.q.clone(),
        q.limit,
        q.mode.as_deref(),
        q.kind,
    )
    .await?;
    Ok(web::Json(SearchResults {
        query: q.q,
        results,
    }))
}

#[utoipa::path(tag = "memory", responses((status = 200, body = Stats)))]
#[get("/memory/stats")]
pub async fn memory_stats(
    state: web::Data<AppState>,
    viewer: Viewer,
) -> ApiResult<web::Json<Stats>> {
    Ok(web::Json(memory::stats(&state, viewer.user_id).await?))
}

#[utoipa::path(tag = "memory", responses((status = 204), (status = 404, body = ErrorBody)))]
#[delete("/memory/{id}")]
pub async fn delete_memory(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    if memory::delete(&state, viewer.user_id, id.into_inner()).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound("memory entry"))
    }
}

#[utoipa::path(tag = "claude-code", request_body = MemoryIn, responses((status = 409, body = ErrorBody, description = "the embedding provider is not usable as configured (its model not installed, or without its key)"), (status = 201, body = Memory), (status = 422, body = ErrorBody)))]
#[post("/claude-code/memory")]
pub async fn add_memory(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<MemoryIn>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let m = memory::add(&state, viewer.user_id, b.kind, b.content, b.metadata).await?;
    Ok(HttpResponse::Created().json(m))
}

#[utoipa::path(tag = "claude-code", request_body = QueryIn, responses((status = 409, body = ErrorBody, description = "the embedding provider is not usable as configured (its model not installed, or without its key)"), (status = 200, body = SearchResults)))]
#[post("/claude-code/query")]
pub async fn cc_query(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<QueryIn>,
) -> ApiResult<web::Json<SearchResults>> {
    let b = body.into_inner();
    let results =
        claude_code::query(&state, viewer, b.query.clone(), b.collection_id, b.limit).await?;
    Ok(web::Json(SearchResults {
        query: b.query,
        results,
    }))
}
