//! /sources: list, detail with chunks, delete, bulk delete, re-analyze, search, embedding status.
use super::types::*;
use crate::access::Viewer;
use crate::domain::knowledge::sources_store::ListFilter;
use crate::domain::knowledge::{search, sources};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, web};

#[utoipa::path(tag = "sources", params(SourceListQuery, Page),
    responses((status = 200, body = Paged<Source>), (status = 422, body = ErrorBody)))]
#[get("/sources/")]
pub async fn list_sources(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<SourceListQuery>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Source>>> {
    let q = q.into_inner();
    let f = ListFilter {
        collection_id: q.collection_id,
        status: q.status,
        platform: q.platform,
    };
    Ok(web::Json(
        sources::list(&state, viewer, f, page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "sources", responses((status = 200, body = SourceDetail), (status = 404, body = ErrorBody)))]
#[get("/sources/{id}")]
pub async fn get_source(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<SourceDetail>> {
    sources::get(&state, viewer, id.into_inner())
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("source"))
}

#[utoipa::path(tag = "sources", responses((status = 204), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[delete("/sources/{id}")]
pub async fn delete_source(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    match sources::delete_many(&state, viewer, vec![id.into_inner()]).await? {
        0 => Err(ApiError::NotFound("source")),
        _ => Ok(HttpResponse::NoContent().finish()),
    }
}

#[utoipa::path(tag = "sources", request_body = BulkDelete,
    responses((status = 200, body = Deleted), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/sources/bulk-delete")]
pub async fn bulk_delete(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<BulkDelete>,
) -> ApiResult<web::Json<Deleted>> {
    let deleted = sources::delete_many(&state, viewer, body.into_inner().ids).await?;
    Ok(web::Json(Deleted { deleted }))
}

#[utoipa::path(tag = "sources", responses((status = 202, body = Source), (status = 404, body = ErrorBody)))]
#[post("/sources/{id}/analyze")]
pub async fn analyze_source(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let s = sources::analyze(&state, viewer, id.into_inner())
        .await?
        .ok_or(ApiError::NotFound("source"))?;
    Ok(HttpResponse::Accepted().json(s))
}

#[utoipa::path(tag = "sources", params(SearchQuery),
    responses((status = 200, body = SearchResults), (status = 409, body = ErrorBody, description = "the embedding provider is not usable as configured (its model not installed, or without its key)"), (status = 422, body = ErrorBody), (status = 502, body = ErrorBody)))]
#[get("/sources/search")]
pub async fn search_sources(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<SearchQuery>,
) -> ApiResult<web::Json<SearchResults>> {
    let q = q.into_inner();
    let query = search::Query {
        text: q.q.clone(),
        limit: q.limit.unwrap_or(10),
        scope: search::Scope::Sources,
        mode: sources::parse_mode(q.mode.as_deref())?,
        filters: search::Filters {
            collection_ids: q.collection_id.into_iter().collect(),
            source_id: q.source_id,
            client_id: q.client_id,
            project_id: q.project_id,
            platform: q.platform,
            kind: q.kind,
            ..Default::default()
        },
        ..Default::default()
    };
    let results = sources::search(&state, viewer, query).await?;
    Ok(web::Json(SearchResults {
        query: q.q,
        results,
    }))
}

#[utoipa::path(tag = "sources", responses((status = 200, body = EmbeddingStatus), (status = 409, body = ErrorBody, description = "the embedding provider is not usable as configured (its model not installed, or without its key)")))]
#[get("/sources/embedding-status")]
pub async fn embedding_status(
    state: web::Data<AppState>,
    _viewer: Viewer,
) -> ApiResult<web::Json<EmbeddingStatus>> {
    Ok(web::Json(sources::embedding_status(&state).await?))
}
