//! Thin handlers of /timesheets.
use super::store;
use super::types::*;
use crate::access::Viewer;
use crate::api::tasks::store as tasks;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};

fn check_minutes(m: i64) -> ApiResult<()> {
    if !(1..=24 * 60).contains(&m) {
        return Err(ApiError::unprocessable(
            "minutes must be between 1 and 1440",
        ));
    }
    Ok(())
}

fn check_date(d: &str) -> ApiResult<String> {
    chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
        .map(|x| x.format("%Y-%m-%d").to_string())
        .map_err(|_| ApiError::unprocessable(format!("date must be YYYY-MM-DD, not {d:?}")))
}

#[utoipa::path(tag = "timesheets", request_body = CreateEntry, responses((status = 201, body = Entry), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/timesheets/")]
pub async fn create(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<CreateEntry>,
) -> ApiResult<HttpResponse> {
    let v = Viewer::from(&user);
    let b = body.into_inner();
    check_minutes(b.minutes)?;
    let date = match &b.date {
        Some(d) => check_date(d)?,
        None => chrono::Utc::now().format("%Y-%m-%d").to_string(),
    };
    let description = b.description.unwrap_or_default();
    if description.len() > 5000 {
        return Err(ApiError::unprocessable("description is too long"));
    }
    let e = state
        .db
        .run(move |c| -> ApiResult<_> {
            let t = tasks::get(c, &v, &b.task_id)?.ok_or(ApiError::NotFound("task"))?;
            let id = store::insert(
                c,
                &v.user_id,
                &t,
                b.minutes,
                b.billable,
                description.trim(),
                &date,
                "manual",
            )?;
            Ok(store::get(c, &v, &id)?.expect("just inserted"))
        })
        .await?;
    Ok(HttpResponse::Created().json(e))
}

#[utoipa::path(tag = "timesheets", params(EntryQuery), responses((status = 200, body = Vec<Entry>)))]
#[get("/timesheets/")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<EntryQuery>,
) -> ApiResult<web::Json<Vec<Entry>>> {
    let v = Viewer::from(&user);
    let q = q.into_inner();
    for d in [&q.date_from, &q.date_to].into_iter().flatten() {
        check_date(d)?;
    }
    Ok(web::Json(
        state.db.run(move |c| store::list(c, &v, &q)).await?,
    ))
}

/// Own entries, or any visible entry for an admin.
fn editable(c: &rusqlite::Connection, v: &Viewer, id: &str) -> ApiResult<Entry> {
    let e = store::get(c, v, id)?.ok_or(ApiError::NotFound("timesheet entry"))?;
    if !v.admin && e.user_id != v.user_id {
        return Err(ApiError::forbidden(
            "only your own entries (or an admin) may change them",
        ));
    }
    Ok(e)
}

#[utoipa::path(tag = "timesheets", request_body = UpdateEntry, responses((status = 200, body = Entry), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/timesheets/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<UpdateEntry>,
) -> ApiResult<web::Json<Entry>> {
    let v = Viewer::from(&user);
    let b = body.into_inner();
    if let Some(m) = b.minutes {
        check_minutes(m)?;
    }
    let date = b.date.as_deref().map(check_date).transpose()?;
    let e = state
        .db
        .run(move |c| -> ApiResult<_> {
            editable(c, &v, &id)?;
            store::update(
                c,
                &id,
                b.minutes,
                b.billable,
                b.description.as_deref().map(str::trim),
                date.as_deref(),
            )?;
            Ok(store::get(c, &v, &id)?.expect("exists"))
        })
        .await?;
    Ok(web::Json(e))
}

#[utoipa::path(tag = "timesheets", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/timesheets/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let v = Viewer::from(&user);
    state
        .db
        .run(move |c| -> ApiResult<_> {
            editable(c, &v, &id)?;
            Ok(store::delete(c, &id)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "timesheets", params(ReportQuery), responses((status = 200, body = TimesheetReport)))]
#[get("/timesheets/report")]
pub async fn report(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<ReportQuery>,
) -> ApiResult<web::Json<TimesheetReport>> {
    let v = Viewer::from(&user);
    let q = q.into_inner();
    let r = state
        .db
        .run(move |c| {
            store::report(
                c,
                &v,
                q.days.unwrap_or(30),
                q.user_id.as_deref(),
                q.client_id.as_deref(),
                q.project_id.as_deref(),
            )
        })
        .await?;
    Ok(web::Json(r))
}
