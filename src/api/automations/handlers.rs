//! Thin handlers of /automations (each user manages their own; admins see all).
use super::types::{ActionDef, Automation, AutomationIn, AutomationPatch, Run, TestIn, TriggerDef};
use crate::access::Viewer;
use crate::domain::automations::{self, catalog};
use crate::error::{ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};

#[utoipa::path(tag = "automations", responses((status = 200, body = Vec<TriggerDef>), (status = 401, body = ErrorBody)))]
#[get("/automations/triggers")]
pub async fn triggers(_viewer: Viewer) -> web::Json<Vec<TriggerDef>> {
    web::Json(automations::triggers())
}

#[utoipa::path(tag = "automations", responses((status = 200, body = Vec<ActionDef>), (status = 401, body = ErrorBody)))]
#[get("/automations/actions")]
pub async fn action_catalog(_viewer: Viewer) -> web::Json<Vec<ActionDef>> {
    web::Json(catalog::actions())
}

#[utoipa::path(tag = "automations", params(Page),
    responses((status = 200, body = Paged<Automation>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/automations/")]
pub async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Automation>>> {
    Ok(web::Json(
        automations::list(&state, &viewer, page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "automations", request_body = AutomationIn,
    responses((status = 201, body = Automation), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/automations/")]
pub async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<AutomationIn>,
) -> ApiResult<HttpResponse> {
    let a = automations::create(&state, &viewer, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(a))
}

#[utoipa::path(tag = "automations", responses((status = 200, body = Automation), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/automations/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<Automation>> {
    Ok(web::Json(
        automations::get(&state, &viewer, id.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "automations", request_body = AutomationPatch,
    responses((status = 200, body = Automation), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "changed by someone else while this edit was checked"), (status = 422, body = ErrorBody)))]
#[put("/automations/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<AutomationPatch>,
) -> ApiResult<web::Json<Automation>> {
    Ok(web::Json(
        automations::update(&state, &viewer, id.into_inner(), body.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "automations", responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/automations/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    automations::delete(&state, &viewer, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "automations", params(Page),
    responses((status = 200, body = Paged<Run>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/automations/{id}/runs")]
pub async fn runs(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Run>>> {
    Ok(web::Json(
        automations::runs(&state, &viewer, id.into_inner(), page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "automations", request_body(content = Option<TestIn>, description = "optional: no body tests with the trigger's example event"),
    responses((status = 200, body = Run, description = "the finished test run (status succeeded or failed)"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/automations/{id}/test")]
pub async fn test(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: crate::api::optional_json::OptionalJson<TestIn>,
) -> ApiResult<web::Json<Run>> {
    let payload = body.into_inner().and_then(|b| b.payload);
    Ok(web::Json(
        automations::test(&state, &viewer, id.into_inner(), payload).await?,
    ))
}
