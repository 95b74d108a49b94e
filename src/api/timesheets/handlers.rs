//! Thin handlers of /timesheets: extract, call one `domain::timesheets` operation, respond.
use super::types::*;
use crate::access::Viewer;
use crate::domain::timesheets;
use crate::error::{ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};

#[utoipa::path(tag = "timesheets", request_body = CreateEntry, responses((status = 201, body = TimeEntry), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/timesheets/")]
pub async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<CreateEntry>,
) -> ApiResult<HttpResponse> {
    let e = timesheets::create(&state.db, viewer, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(e))
}

#[utoipa::path(tag = "timesheets", params(EntryQuery, Page), responses((status = 200, body = Paged<TimeEntry>), (status = 422, body = ErrorBody)))]
#[get("/timesheets/")]
pub async fn list(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<EntryQuery>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<TimeEntry>>> {
    Ok(web::Json(
        timesheets::list(&state.db, viewer, q.into_inner(), page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "timesheets", request_body = UpdateEntry, responses((status = 200, body = TimeEntry), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/timesheets/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<UpdateEntry>,
) -> ApiResult<web::Json<TimeEntry>> {
    Ok(web::Json(
        timesheets::update(&state.db, viewer, id.into_inner(), body.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "timesheets", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/timesheets/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    timesheets::delete(&state.db, viewer, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "timesheets", params(ReportQuery), responses((status = 200, body = TimesheetReport)))]
#[get("/timesheets/report")]
pub async fn report(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ReportQuery>,
) -> ApiResult<web::Json<TimesheetReport>> {
    Ok(web::Json(
        timesheets::report(&state.db, viewer, q.into_inner()).await?,
    ))
}
