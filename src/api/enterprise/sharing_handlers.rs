//! Thin handlers of /enterprise memberships, shares, associations and the legacy subtask route.
use super::types::*;
use crate::access::Viewer;
use crate::auth::AdminUser;
use crate::domain::enterprise::{orgs, sharing};
use crate::domain::tasks::types::Task;
use crate::error::{ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};

#[utoipa::path(tag = "enterprise", request_body = Membership, responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/enterprise/memberships")]
pub async fn add_membership(
    state: web::Data<AppState>,
    _admin: AdminUser,
    body: web::Json<Membership>,
) -> ApiResult<HttpResponse> {
    orgs::add_membership(&state.db, body.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "enterprise", request_body = Membership, responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/enterprise/memberships")]
pub async fn remove_membership(
    state: web::Data<AppState>,
    _admin: AdminUser,
    body: web::Json<Membership>,
) -> ApiResult<HttpResponse> {
    orgs::remove_membership(&state.db, body.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "enterprise", request_body = ShareInput, responses((status = 201, body = Share), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/enterprise/share")]
pub async fn share(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<ShareInput>,
) -> ApiResult<HttpResponse> {
    let resources = &state.registry.resources;
    let s = sharing::share(&state.db, resources, viewer, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(s))
}

#[utoipa::path(tag = "enterprise", params(ShareQuery, Page), responses((status = 200, body = Paged<Share>), (status = 422, body = ErrorBody)))]
#[get("/enterprise/shares")]
pub async fn list_shares(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ShareQuery>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Share>>> {
    Ok(web::Json(
        sharing::list(&state.db, viewer, q.into_inner(), page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "enterprise", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/enterprise/shares/{id}")]
pub async fn delete_share(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let resources = &state.registry.resources;
    sharing::unshare(&state.db, resources, viewer, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "enterprise", request_body = AssociateInput, responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/enterprise/associate")]
pub async fn associate(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<AssociateInput>,
) -> ApiResult<web::Json<serde_json::Value>> {
    let resources = &state.registry.resources;
    Ok(web::Json(
        sharing::associate(&state.db, resources, viewer, body.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "enterprise", request_body = LegacySubtask, responses((status = 201, body = Task), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/enterprise/projects/{id}/subtasks")]
pub async fn legacy_subtask(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<LegacySubtask>,
) -> ApiResult<HttpResponse> {
    let t = sharing::legacy_subtask(&state.db, viewer, id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(t))
}
