//! Thin handlers of /webhooks (admin only, but the event catalog).
use super::types::{DeliveryAttempt, EventDef, Webhook, WebhookIn, WebhookPatch};
use crate::auth::{AdminUser, AuthUser};
use crate::domain::webhooks::{self, catalog};
use crate::error::{ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};

#[utoipa::path(tag = "webhooks", responses((status = 200, body = Vec<EventDef>), (status = 401, body = ErrorBody)))]
#[get("/webhooks/events")]
pub async fn event_catalog(_user: AuthUser) -> web::Json<Vec<EventDef>> {
    web::Json(catalog::events())
}

#[utoipa::path(tag = "webhooks", params(Page),
    responses((status = 200, body = Paged<Webhook>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/webhooks/")]
pub async fn list(
    state: web::Data<AppState>,
    _admin: AdminUser,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Webhook>>> {
    Ok(web::Json(webhooks::list(&state, page.into_inner()).await?))
}

#[utoipa::path(tag = "webhooks", request_body = WebhookIn,
    responses((status = 201, body = Webhook, description = "the secret is shown in full only here"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/webhooks/")]
pub async fn create(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: web::Json<WebhookIn>,
) -> ApiResult<HttpResponse> {
    let hook = webhooks::create(&state, &admin.id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(hook))
}

#[utoipa::path(tag = "webhooks", responses((status = 200, body = Webhook), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/webhooks/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Webhook>> {
    Ok(web::Json(webhooks::get(&state, id.into_inner()).await?))
}

#[utoipa::path(tag = "webhooks", request_body = WebhookPatch,
    responses((status = 200, body = Webhook), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "a masked header value matches no stored header of that name"), (status = 422, body = ErrorBody)))]
#[put("/webhooks/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
    body: web::Json<WebhookPatch>,
) -> ApiResult<web::Json<Webhook>> {
    Ok(web::Json(
        webhooks::update(&state, id.into_inner(), body.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "webhooks", responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/webhooks/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    webhooks::delete(&state, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "webhooks", responses((status = 200, body = DeliveryAttempt, description = "the attempt, made now"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/webhooks/{id}/test")]
pub async fn test(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<DeliveryAttempt>> {
    Ok(web::Json(
        webhooks::test(&state, id.into_inner(), &admin.email).await?,
    ))
}

#[utoipa::path(tag = "webhooks", params(Page),
    responses((status = 200, body = Paged<DeliveryAttempt>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/webhooks/{id}/deliveries")]
pub async fn deliveries(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<DeliveryAttempt>>> {
    Ok(web::Json(
        webhooks::deliveries(&state, id.into_inner(), page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "webhooks", responses((status = 200, body = DeliveryAttempt, description = "the manual attempt, made now"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(
    state: web::Data<AppState>,
    _admin: AdminUser,
    path: web::Path<(String, String)>,
) -> ApiResult<web::Json<DeliveryAttempt>> {
    let (wid, did) = path.into_inner();
    Ok(web::Json(webhooks::redeliver(&state, wid, did).await?))
}
