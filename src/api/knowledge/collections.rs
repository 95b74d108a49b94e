//! /collections CRUD and cross-reference (related passages in the other collections).
use super::collections_store::{self as store, Collection};
use super::sources::run_search;
use super::types::*;
use crate::access::{self, Viewer};
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::knowledge::search;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};

fn check_name(name: &str) -> ApiResult<()> {
    if name.trim().is_empty() || name.len() > 200 {
        return Err(ApiError::unprocessable("name must be 1–200 characters"));
    }
    Ok(())
}

#[utoipa::path(tag = "collections", request_body = CollectionIn, responses((status = 201, body = Collection), (status = 422, body = ErrorBody)))]
#[post("/collections")]
pub async fn create_collection(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<CollectionIn>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    check_name(&b.name)?;
    let v = Viewer::from(&user);
    let created = state
        .db
        .run(move |c| -> ApiResult<Option<Collection>> {
            let (client, project) =
                access::check_placement(c, &v, b.client_id.as_deref(), b.project_id.as_deref())?
                    .map_err(ApiError::from)?;
            let id = store::insert(
                c,
                &v.user_id,
                client.as_deref(),
                project.as_deref(),
                b.name.trim(),
                &b.description,
            )?;
            Ok(store::get(c, &v, &id)?)
        })
        .await?
        .ok_or(ApiError::NotFound("collection"))?;
    Ok(HttpResponse::Created().json(created))
}

#[utoipa::path(tag = "collections", responses((status = 200, body = Vec<Collection>)))]
#[get("/collections")]
pub async fn list_collections(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<Vec<Collection>>> {
    let v = Viewer::from(&user);
    Ok(web::Json(state.db.run(move |c| store::list(c, &v)).await?))
}

#[utoipa::path(tag = "collections", responses((status = 200, body = Collection), (status = 404, body = ErrorBody)))]
#[get("/collections/{id}")]
pub async fn get_collection(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Collection>> {
    let v = Viewer::from(&user);
    let id = id.into_inner();
    state
        .db
        .run(move |c| store::get(c, &v, &id))
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("collection"))
}

/// A visible collection the caller may change (owner or admin).
fn writable(c: &rusqlite::Connection, v: &Viewer, id: &str) -> ApiResult<Collection> {
    let k = store::get(c, v, id)?.ok_or(ApiError::NotFound("collection"))?;
    if !v.admin && k.owner_id != v.user_id {
        return Err(ApiError::forbidden(
            "only the owner can change a collection",
        ));
    }
    Ok(k)
}

#[utoipa::path(tag = "collections", request_body = CollectionPatch, responses((status = 200, body = Collection), (status = 404, body = ErrorBody)))]
#[put("/collections/{id}")]
pub async fn update_collection(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<CollectionPatch>,
) -> ApiResult<web::Json<Collection>> {
    let b = body.into_inner();
    if let Some(n) = &b.name {
        check_name(n)?;
    }
    let v = Viewer::from(&user);
    let id = id.into_inner();
    let k = state
        .db
        .run(move |c| -> ApiResult<Option<Collection>> {
            writable(c, &v, &id)?;
            store::update(
                c,
                &id,
                b.name.as_deref().map(str::trim),
                b.description.as_deref(),
            )?;
            Ok(store::get(c, &v, &id)?)
        })
        .await?;
    k.map(web::Json).ok_or(ApiError::NotFound("collection"))
}

#[utoipa::path(tag = "collections", responses((status = 204), (status = 404, body = ErrorBody)))]
#[delete("/collections/{id}")]
pub async fn delete_collection(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let v = Viewer::from(&user);
    let id = id.into_inner();
    state
        .db
        .run(move |c| -> ApiResult<bool> {
            writable(c, &v, &id)?;
            Ok(store::delete(c, &id)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "collections", request_body = CrossReference, responses((status = 200, body = SearchResults), (status = 404, body = ErrorBody)))]
#[post("/collections/{id}/cross-reference")]
pub async fn cross_reference(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<CrossReference>,
) -> ApiResult<web::Json<SearchResults>> {
    let b = body.into_inner();
    if b.query.trim().is_empty() {
        return Err(ApiError::unprocessable("query is empty"));
    }
    let v = Viewer::from(&user);
    let id = id.into_inner();
    let (vv, idc) = (v.clone(), id.clone());
    state
        .db
        .run(move |c| store::get(c, &vv, &idc))
        .await?
        .ok_or(ApiError::NotFound("collection"))?;
    let others: Vec<String> = b
        .collection_ids
        .unwrap_or_default()
        .into_iter()
        .filter(|c| *c != id)
        .collect();
    let q = search::Query {
        text: b.query.clone(),
        limit: b.limit.unwrap_or(10),
        filters: search::Filters {
            collection_ids: others,
            exclude_collection: Some(id),
            ..Default::default()
        },
        ..Default::default()
    };
    let results = run_search(&state, v, q).await?;
    Ok(web::Json(SearchResults {
        query: b.query,
        results,
    }))
}
