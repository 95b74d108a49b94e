//! Time entries on tasks (manual, or recorded by a task's timer) and the aggregated report.
//! Entries carry the task's client/project, so the access rule decides who sees them; only
//! their author (or an admin) changes them — a project colleague's hours are not theirs to edit.
mod report;
mod store;
pub mod types;

use crate::access::Viewer;
use crate::db::Db;
use crate::domain::tasks;
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use rusqlite::Connection;
use types::{CreateEntry, EntryQuery, ReportQuery, TimeEntry, TimesheetReport, UpdateEntry};

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

/// Log time on a task the viewer can see.
pub async fn create(db: &Db, v: Viewer, b: CreateEntry) -> ApiResult<TimeEntry> {
    check_minutes(b.minutes)?;
    let date = match &b.date {
        Some(d) => check_date(d)?,
        None => chrono::Utc::now().format("%Y-%m-%d").to_string(),
    };
    let description = b.description.unwrap_or_default();
    if description.chars().count() > 5000 {
        return Err(ApiError::unprocessable("description is too long"));
    }
    db.write(move |c| -> ApiResult<_> {
        let t = tasks::find(c, &v, &b.task_id)?.ok_or(ApiError::NotFound("task"))?;
        let id = tasks::activity::log_time_in(
            c,
            &v,
            &t,
            &tasks::activity::TimeLog {
                minutes: b.minutes,
                billable: b.billable,
                description: description.trim(),
                date: &date,
                source: "manual",
            },
        )?;
        Ok(store::get(c, &v, &id)?.expect("just inserted"))
    })
    .await
}

pub async fn list(db: &Db, v: Viewer, q: EntryQuery, page: Page) -> ApiResult<Paged<TimeEntry>> {
    for d in [&q.date_from, &q.date_to].into_iter().flatten() {
        check_date(d)?;
    }
    let (items, total) = db.read(move |c| store::list(c, &v, &q, page)).await?;
    Ok(Paged::new(items, total, page))
}

/// Own entries, or any visible entry for an admin.
fn editable(c: &Connection, v: &Viewer, id: &str) -> ApiResult<TimeEntry> {
    let e = store::get(c, v, id)?.ok_or(ApiError::NotFound("timesheet entry"))?;
    if !v.admin && e.user_id != v.user_id {
        return Err(ApiError::forbidden(
            "only your own entries (or an admin) may change them",
        ));
    }
    Ok(e)
}

pub async fn update(db: &Db, v: Viewer, id: String, b: UpdateEntry) -> ApiResult<TimeEntry> {
    if let Some(m) = b.minutes {
        check_minutes(m)?;
    }
    if b.description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 5000)
    {
        return Err(ApiError::unprocessable("description is too long"));
    }
    let date = b.date.as_deref().map(check_date).transpose()?;
    db.write(move |c| -> ApiResult<_> {
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
    .await
}

pub async fn delete(db: &Db, v: Viewer, id: String) -> ApiResult<()> {
    db.write(move |c| -> ApiResult<_> {
        editable(c, &v, &id)?;
        Ok(store::delete(c, &id)?)
    })
    .await
}

pub async fn report(db: &Db, v: Viewer, q: ReportQuery) -> ApiResult<TimesheetReport> {
    if q.days.is_some_and(|d| !(1..=366).contains(&d)) {
        return Err(ApiError::unprocessable("days must be between 1 and 366"));
    }
    Ok(db
        .read(move |c| {
            report::build(
                c,
                &v,
                q.days.unwrap_or(30),
                q.user_id.as_deref(),
                q.client_id.as_deref(),
                q.project_id.as_deref(),
            )
        })
        .await?)
}
