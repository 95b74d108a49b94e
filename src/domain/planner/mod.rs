//! The editorial planner: plans over a date range and their dated items, generated from the
//! user's material or written by hand; items become contents ("Draft it") and tasks. Plans are
//! a shareable resource ("plan"); an item is visible and editable with its plan. Creating a plan
//! emits `plan.created`, adding an item `plan.item_created`.
pub mod generate;
pub mod items;
pub mod schedule;
pub mod store;
pub mod themes;
pub mod types;

use crate::access::{self, Resource, Viewer};
use crate::db::Db;
use crate::domain::content::platforms;
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use rusqlite::Connection;
use schedule::{Cadence, MAX_DAYS};
use serde_json::json;
use types::*;

/// Plans as a shareable resource (registered in `app.rs`).
pub const RESOURCE: Resource = Resource::shareable("plan", "plans");

/// Known platform names, normalized (`twitter` → `x`), deduplicated; 422 otherwise.
pub fn check_platforms(list: &[String]) -> ApiResult<Vec<String>> {
    if list.len() > 10 {
        return Err(ApiError::unprocessable("platforms: give 1–10 platforms"));
    }
    let mut out: Vec<String> = Vec::new();
    for p in list {
        let rules =
            platforms::find(p).ok_or_else(|| ApiError::unprocessable(platforms::unknown(p)))?;
        if !out.iter().any(|x| x == rules.name) {
            out.push(rules.name.to_string());
        }
    }
    if out.is_empty() || out.len() > 10 {
        return Err(ApiError::unprocessable("platforms: give 1–10 platforms"));
    }
    Ok(out)
}

pub fn check_platform(p: &str) -> ApiResult<String> {
    platforms::find(p)
        .map(|r| r.name.to_string())
        .ok_or_else(|| ApiError::unprocessable(platforms::unknown(p)))
}

pub fn check_cadence(c: Option<String>) -> ApiResult<Option<String>> {
    match c.map(|c| c.trim().to_string()).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(c) if Cadence::parse(&c).is_some() => Ok(Some(c)),
        Some(c) => Err(ApiError::unprocessable(format!(
            "unknown cadence '{c}'; use daily, weekdays, weekly or <n>_per_week with n from 1 to 7"
        ))),
    }
}

pub fn check_date(what: &str, d: &str) -> ApiResult<String> {
    schedule::parse_date(d)
        .map(|d| d.to_string())
        .ok_or_else(|| ApiError::unprocessable(format!("{what} must be a date YYYY-MM-DD")))
}

fn check_range(start: &str, end: &str) -> ApiResult<()> {
    let (s, e) = (
        check_date("start_date", start)?,
        check_date("end_date", end)?,
    );
    let (s, e) = (
        schedule::parse_date(&s).unwrap_or_default(),
        schedule::parse_date(&e).unwrap_or_default(),
    );
    if e < s {
        return Err(ApiError::unprocessable(
            "end_date must be on or after start_date",
        ));
    }
    if schedule::span_days(s, e) > MAX_DAYS {
        return Err(ApiError::unprocessable(format!(
            "a plan spans at most {MAX_DAYS} days"
        )));
    }
    Ok(())
}

pub fn check_text(what: &str, s: &str, min: usize, max: usize) -> ApiResult<String> {
    let s = s.trim();
    let n = s.chars().count();
    if n < min || n > max {
        return Err(ApiError::unprocessable(if min > 0 {
            format!("{what} must be {min}–{max} characters")
        } else {
            format!("{what} is longer than {max} characters")
        }));
    }
    Ok(s.to_string())
}

fn check_status(s: &str) -> ApiResult<String> {
    if !PLAN_STATUSES.contains(&s) {
        return Err(ApiError::unprocessable(format!(
            "status must be one of {}",
            PLAN_STATUSES.join(", ")
        )));
    }
    Ok(s.to_string())
}

fn optional(s: Option<String>, what: &str) -> ApiResult<Option<String>> {
    s.map(|g| check_text(what, &g, 0, 4000))
        .transpose()
        .map(|g| g.filter(|g| !g.is_empty()))
}

/// Validate a new plan (everything but the placement, checked in the write).
pub fn validate_new(r: CreatePlanRequest) -> ApiResult<PlanRow> {
    check_range(&r.start_date, &r.end_date)?;
    Ok(PlanRow {
        title: check_text("title", &r.title, 1, 200)?,
        description: check_text(
            "description",
            r.description.as_deref().unwrap_or(""),
            0,
            4000,
        )?,
        start_date: check_date("start_date", &r.start_date)?,
        end_date: check_date("end_date", &r.end_date)?,
        platforms: check_platforms(&r.platforms)?,
        cadence: check_cadence(r.cadence)?,
        goals: optional(r.goals, "goals")?,
        client_id: r.client_id.filter(|c| !c.is_empty()),
        project_id: r.project_id.filter(|p| !p.is_empty()),
        status: "active".into(),
    })
}

/// Insert a validated plan inside the caller's write (placement checked, `plan.created` emitted).
pub fn create_in(c: &Connection, v: &Viewer, mut row: PlanRow) -> ApiResult<Plan> {
    (row.client_id, row.project_id) =
        access::check_placement(c, v, row.client_id.as_deref(), row.project_id.as_deref())?
            .map_err(ApiError::from)?;
    let id = store::insert(c, &v.user_id, &row)?;
    crate::events::emit(
        c,
        "plan.created",
        Some(&v.user_id),
        json!({"plan_id": id, "title": row.title, "start_date": row.start_date, "end_date": row.end_date,
               "platforms": row.platforms, "client_id": row.client_id, "project_id": row.project_id}),
    )?;
    store::get(c, v, &id)?.ok_or(ApiError::NotFound("plan"))
}

pub async fn create(db: &Db, v: Viewer, r: CreatePlanRequest) -> ApiResult<Plan> {
    let row = validate_new(r)?;
    db.write(move |tx| create_in(tx, &v, row)).await
}

pub async fn list(db: &Db, v: Viewer, f: PlanFilter, page: Page) -> ApiResult<Paged<Plan>> {
    if let Some(s) = &f.status {
        check_status(s)?;
    }
    let (items, total) = db.read(move |c| store::list(c, &v, &f, page)).await?;
    Ok(Paged::new(items, total, page))
}

pub async fn get(db: &Db, v: Viewer, id: String) -> ApiResult<Option<PlanDetail>> {
    db.read(move |c| -> ApiResult<Option<PlanDetail>> {
        let Some(plan) = store::get(c, &v, &id)? else {
            return Ok(None);
        };
        let items = store::items_of(c, &id)?;
        Ok(Some(PlanDetail { plan, items }))
    })
    .await
}

/// A visible plan the caller may change; invisible → None (404), read-only → 403.
pub fn editable(c: &Connection, v: &Viewer, id: &str) -> ApiResult<Option<Plan>> {
    let Some(plan) = store::get(c, v, id)? else {
        return Ok(None);
    };
    if !access::can_edit(c, v, &RESOURCE, id)? {
        return Err(ApiError::forbidden(
            "only the owner, members of its project or client, or an admin may change this plan",
        ));
    }
    Ok(Some(plan))
}

pub async fn update(
    db: &Db,
    v: Viewer,
    id: String,
    u: UpdatePlanRequest,
) -> ApiResult<Option<Plan>> {
    db.write(move |tx| -> ApiResult<Option<Plan>> {
        let Some(p) = editable(tx, &v, &id)? else {
            return Ok(None);
        };
        let start = u.start_date.unwrap_or(p.start_date);
        let end = u.end_date.unwrap_or(p.end_date);
        check_range(&start, &end)?;
        let mut row = PlanRow {
            title: match u.title {
                Some(t) => check_text("title", &t, 1, 200)?,
                None => p.title,
            },
            description: match u.description {
                Some(d) => check_text("description", &d, 0, 4000)?,
                None => p.description,
            },
            start_date: check_date("start_date", &start)?,
            end_date: check_date("end_date", &end)?,
            platforms: match u.platforms {
                Some(list) => check_platforms(&list)?,
                None => p.platforms,
            },
            cadence: match u.cadence {
                Some(c) => check_cadence(Some(c))?,
                None => p.cadence,
            },
            goals: match u.goals {
                Some(g) => optional(Some(g), "goals")?,
                None => p.goals,
            },
            client_id: p.client_id.clone(),
            project_id: p.project_id.clone(),
            status: match u.status {
                Some(s) => check_status(&s)?,
                None => p.status,
            },
        };
        if u.client_id.is_some() || u.project_id.is_some() {
            let client = u.client_id.or(p.client_id).filter(|c| !c.is_empty());
            let project = u.project_id.or(p.project_id).filter(|c| !c.is_empty());
            (row.client_id, row.project_id) =
                access::check_placement(tx, &v, client.as_deref(), project.as_deref())?
                    .map_err(ApiError::from)?;
        }
        let outside = store::items_outside(tx, &id, &row.start_date, &row.end_date)?;
        if outside > 0 {
            return Err(ApiError::unprocessable(format!(
                "{outside} item(s) fall outside the new dates; move or delete them first"
            )));
        }
        store::update(tx, &id, &row)?;
        Ok(store::get(tx, &v, &id)?)
    })
    .await
}

pub async fn delete(db: &Db, v: Viewer, id: String) -> ApiResult<bool> {
    db.write(move |tx| -> ApiResult<bool> {
        if editable(tx, &v, &id)?.is_none() {
            return Ok(false);
        }
        Ok(store::delete(tx, &id)?)
    })
    .await
}
