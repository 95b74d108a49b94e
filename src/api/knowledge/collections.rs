//! /collections CRUD and cross-reference (related passages in the other collections).
use super::types::*;
use crate::access::Viewer;
use crate::domain::knowledge::collections;
use crate::error::{ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};

#[utoipa::path(tag = "collections", request_body = CollectionIn, responses((status = 201, body = Collection), (status = 422, body = ErrorBody)))]
#[post("/collections")]
pub async fn create_collection(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<CollectionIn>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let k = collections::create(
        &state,
        viewer,
        b.name,
        b.description,
        b.client_id,
        b.project_id,
    )
    .await?;
    Ok(HttpResponse::Created().json(k))
}

#[utoipa::path(tag = "collections", params(Page),
    responses((status = 200, body = Paged<Collection>), (status = 422, body = ErrorBody)))]
#[get("/collections")]
pub async fn list_collections(
    state: web::Data<AppState>,
    viewer: Viewer,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Collection>>> {
    Ok(web::Json(
        collections::list(&state, viewer, page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "collections", responses((status = 200, body = Collection), (status = 404, body = ErrorBody)))]
#[get("/collections/{id}")]
pub async fn get_collection(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<Collection>> {
    Ok(web::Json(
        collections::get(&state, viewer, id.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "collections", request_body = CollectionPatch,
    responses((status = 200, body = Collection), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/collections/{id}")]
pub async fn update_collection(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<CollectionPatch>,
) -> ApiResult<web::Json<Collection>> {
    let b = body.into_inner();
    Ok(web::Json(
        collections::update(&state, viewer, id.into_inner(), b.name, b.description).await?,
    ))
}

#[utoipa::path(tag = "collections", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/collections/{id}")]
pub async fn delete_collection(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    collections::delete(&state, viewer, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "collections", request_body = CrossReference,
    responses((status = 409, body = ErrorBody, description = "the embedding provider is not usable as configured (its model not installed, or without its key)"), (status = 200, body = SearchResults), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/collections/{id}/cross-reference")]
pub async fn cross_reference(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<CrossReference>,
) -> ApiResult<web::Json<SearchResults>> {
    let b = body.into_inner();
    let results = collections::cross_reference(
        &state,
        viewer,
        id.into_inner(),
        b.query.clone(),
        b.collection_ids.unwrap_or_default(),
        b.limit,
    )
    .await?;
    Ok(web::Json(SearchResults {
        query: b.query,
        results,
    }))
}
