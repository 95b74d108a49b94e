//! Thin handlers of /planner: extract, call one domain operation, respond.
use super::types::*;
use crate::access::Viewer;
use crate::api::learnings::sse;
use crate::domain::planner::{self as domain, generate, items, types::*};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};

const SSE: &str =
    "text/event-stream of {stage} | {item: PlanItem} | {done: true, item_ids} | {error}";
const SSE_PLAN: &str = "text/event-stream of {plan: Plan}, then {stage} | {item: PlanItem} | {done: true, plan_id, item_ids} | {error}";

#[utoipa::path(tag = "planner", params(PlanQuery, Page),
    responses((status = 200, body = Paged<Plan>), (status = 422, body = ErrorBody)))]
#[get("/planner/plans")]
pub async fn list_plans(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<PlanQuery>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Plan>>> {
    let q = q.into_inner();
    let f = PlanFilter {
        client_id: q.client_id,
        project_id: q.project_id,
        status: q.status,
    };
    Ok(web::Json(
        domain::list(&state.db, viewer, f, page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "planner", request_body = CreatePlanRequest,
    responses((status = 201, body = Plan), (status = 422, body = ErrorBody, description = "bad dates, cadence, platform or placement")))]
#[post("/planner/plans")]
pub async fn create_plan(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<CreatePlanRequest>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(domain::create(&state.db, viewer, body.into_inner()).await?))
}

#[utoipa::path(tag = "planner", request_body = AutonomousPlanRequest,
    responses((status = 200, description = SSE_PLAN), (status = 409, body = ErrorBody, description = "the provider is not configured (or has no model installed)"),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody, description = "too many generations running (for this user or in all); `Retry-After`")))]
#[post("/planner/generate")]
pub async fn generate_plan(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<AutonomousPlanRequest>,
) -> ApiResult<HttpResponse> {
    let rx = generate::autonomous(&state, viewer, body.into_inner()).await?;
    Ok(sse(rx))
}

#[utoipa::path(tag = "planner", responses((status = 200, body = PlanDetail), (status = 404, body = ErrorBody)))]
#[get("/planner/plans/{id}")]
pub async fn get_plan(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<PlanDetail>> {
    domain::get(&state.db, viewer, id.into_inner())
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("plan"))
}

#[utoipa::path(tag = "planner", request_body = UpdatePlanRequest,
    responses((status = 200, body = Plan), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/planner/plans/{id}")]
pub async fn update_plan(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<UpdatePlanRequest>,
) -> ApiResult<web::Json<Plan>> {
    domain::update(&state.db, viewer, id.into_inner(), body.into_inner())
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("plan"))
}

#[utoipa::path(tag = "planner", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/planner/plans/{id}")]
pub async fn delete_plan(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    if !domain::delete(&state.db, viewer, id.into_inner()).await? {
        return Err(ApiError::NotFound("plan"));
    }
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "planner", request_body = CreatePlanItemRequest,
    responses((status = 201, body = PlanItem), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the date is outside the plan"),
        (status = 422, body = ErrorBody, description = "unknown platform, bad title")))]
#[post("/planner/plans/{id}/items")]
pub async fn create_item(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<CreatePlanItemRequest>,
) -> ApiResult<HttpResponse> {
    let item = items::create(&state.db, viewer, id.into_inner(), body.into_inner())
        .await?
        .ok_or(ApiError::NotFound("plan"))?;
    Ok(HttpResponse::Created().json(item))
}

#[utoipa::path(tag = "planner", request_body = GeneratePlanItemsRequest,
    responses((status = 200, description = SSE), (status = 409, body = ErrorBody, description = "the provider is not configured (or has no model installed)"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "too many generations running (for this user or in all); `Retry-After`")))]
#[post("/planner/plans/{id}/generate")]
pub async fn generate_items(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<GeneratePlanItemsRequest>,
) -> ApiResult<HttpResponse> {
    let rx = generate::start(&state, viewer, id.into_inner(), body.into_inner())
        .await?
        .ok_or(ApiError::NotFound("plan"))?;
    Ok(sse(rx))
}

#[utoipa::path(tag = "planner", params(PlanItemQuery, Page),
    responses((status = 200, body = Paged<PlanItem>), (status = 422, body = ErrorBody)))]
#[get("/planner/items")]
pub async fn list_items(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<PlanItemQuery>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<PlanItem>>> {
    let q = q.into_inner();
    let f = ItemFilter {
        from: q.from,
        to: q.to,
        plan_id: q.plan_id,
        client_id: q.client_id,
        status: q.status,
        platform: q.platform,
    };
    Ok(web::Json(
        items::list(&state.db, viewer, f, page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "planner", request_body = UpdatePlanItemRequest,
    responses((status = 200, body = PlanItem), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the date is outside the plan"),
        (status = 422, body = ErrorBody, description = "unknown platform, content or task not found")))]
#[put("/planner/items/{id}")]
pub async fn update_item(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<UpdatePlanItemRequest>,
) -> ApiResult<web::Json<PlanItem>> {
    items::update(&state, viewer, id.into_inner(), body.into_inner())
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("plan item"))
}

#[utoipa::path(tag = "planner", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/planner/items/{id}")]
pub async fn delete_item(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    if !items::delete(&state.db, viewer, id.into_inner()).await? {
        return Err(ApiError::NotFound("plan item"));
    }
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "planner",
    responses((status = 200, body = PlanItem, description = "the item with task_id set"), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody, description = "the plan's project is not the caller's")))]
#[post("/planner/items/{id}/task")]
pub async fn make_task(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<PlanItem>> {
    items::make_task(&state.db, viewer, id.into_inner())
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("plan item"))
}
