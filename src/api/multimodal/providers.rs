//! Thin handlers of /multimodal/providers: the known types, CRUD (admin writes) and tests.
use super::types::*;
use crate::access::Viewer;
use crate::auth::AdminUser;
use crate::domain::multimodal::known::{KNOWN, KnownProvider};
use crate::domain::multimodal::providers::{self, Fields};
use crate::domain::multimodal::types::Provider;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};

#[utoipa::path(tag = "multimodal", responses((status = 200, body = [KnownProvider])))]
#[get("/multimodal/providers/known")]
pub async fn known_providers(_viewer: Viewer) -> web::Json<&'static [KnownProvider]> {
    web::Json(KNOWN)
}

#[utoipa::path(tag = "multimodal", params(Page),
    responses((status = 200, body = Paged<Provider>), (status = 422, body = ErrorBody)))]
#[get("/multimodal/providers")]
pub async fn list_providers(
    state: web::Data<AppState>,
    _viewer: Viewer,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Provider>>> {
    Ok(web::Json(providers::list(&state, page.into_inner()).await?))
}

#[utoipa::path(tag = "multimodal", request_body = CreateProviderRequest,
    responses((status = 201, body = Provider), (status = 403, body = ErrorBody, description = "admins only"), (status = 422, body = ErrorBody)))]
#[post("/multimodal/providers")]
pub async fn create_provider(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: web::Json<CreateProviderRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let f = Fields {
        name: Some(b.name),
        kind: Some(b.kind),
        base_url: Some(b.base_url),
        api_key: b.api_key,
        model: b.model,
        defaults: b.defaults,
    };
    Ok(HttpResponse::Created().json(providers::create(&state, &admin.id, f).await?))
}

#[utoipa::path(tag = "multimodal", responses((status = 200, body = Provider), (status = 404, body = ErrorBody)))]
#[get("/multimodal/providers/{id}")]
pub async fn get_provider(
    state: web::Data<AppState>,
    _viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<Provider>> {
    providers::get(&state, id.into_inner())
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("provider"))
}

#[utoipa::path(tag = "multimodal", request_body = UpdateProviderRequest,
    responses((status = 200, body = Provider), (status = 403, body = ErrorBody, description = "admins only"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the type asked needs a field the stored provider lacks (a key, a base URL, a model): send it too"),
        (status = 422, body = ErrorBody)))]
#[put("/multimodal/providers/{id}")]
pub async fn update_provider(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<String>,
    body: web::Json<UpdateProviderRequest>,
) -> ApiResult<web::Json<Provider>> {
    let b = body.into_inner();
    let f = Fields {
        name: b.name,
        kind: b.kind,
        base_url: b.base_url.map(Some),
        api_key: b.api_key,
        model: b.model,
        defaults: b.defaults,
    };
    providers::update(&state, &admin.id, id.into_inner(), f)
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("provider"))
}

#[utoipa::path(tag = "multimodal", responses((status = 204), (status = 403, body = ErrorBody, description = "admins only"), (status = 404, body = ErrorBody)))]
#[delete("/multimodal/providers/{id}")]
pub async fn delete_provider(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    if !providers::delete(&state, id.into_inner()).await? {
        return Err(ApiError::NotFound("provider"));
    }
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "multimodal",
    responses((status = 200, body = ProviderTest, description = "ok false with the provider's message when the check failed"),
        (status = 403, body = ErrorBody, description = "admins only"), (status = 404, body = ErrorBody)))]
#[post("/multimodal/providers/{id}/test")]
pub async fn test_provider(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<ProviderTest>> {
    let t = providers::test(&state, id.into_inner())
        .await?
        .ok_or(ApiError::NotFound("provider"))?;
    Ok(web::Json(ProviderTest {
        ok: t.ok,
        detail: t.detail,
        latency_ms: t.latency_ms,
    }))
}
