//! Plan items: manual add, the calendar across plans, edit (a new date is the calendar's drag
//! and drop), delete, and "Make a task" (a card on the plan's project board, or the caller's own
//! board, due on the item's date).
use super::types::*;
use super::{check_date, check_platform, check_text, editable, store};
use crate::access::{self, Viewer};
use crate::db::Db;
use crate::domain::tasks::{self, types::CreateTask};
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use crate::state::AppState;
use rusqlite::Connection;
use serde_json::json;

fn check_status(s: &str) -> ApiResult<String> {
    if !ITEM_STATUSES.contains(&s) {
        return Err(ApiError::unprocessable(format!(
            "status must be one of {}",
            ITEM_STATUSES.join(", ")
        )));
    }
    Ok(s.to_string())
}

fn inside(plan: &Plan, date: &str) -> ApiResult<()> {
    if date < plan.start_date.as_str() || date > plan.end_date.as_str() {
        return Err(ApiError::conflict(format!(
            "date {date} is outside the plan ({} to {})",
            plan.start_date, plan.end_date
        )));
    }
    Ok(())
}

/// Insert an item and emit `plan.item_created`, inside the caller's write.
pub fn insert_in(c: &Connection, v: &Viewer, plan: &Plan, n: &NewItem) -> ApiResult<PlanItem> {
    let item = store::insert_item(c, &plan.id, n)?;
    crate::events::emit(
        c,
        "plan.item_created",
        Some(&v.user_id),
        json!({"item_id": item.id, "plan_id": plan.id, "date": item.date, "platform": item.platform,
               "title": item.title, "client_id": plan.client_id, "project_id": plan.project_id}),
    )?;
    Ok(item)
}

pub async fn create(
    db: &Db,
    v: Viewer,
    plan_id: String,
    r: CreatePlanItemRequest,
) -> ApiResult<Option<PlanItem>> {
    let n = NewItem {
        date: check_date("date", &r.date)?,
        platform: check_platform(&r.platform)?,
        title: check_text("title", &r.title, 1, 200)?,
        brief: check_text("brief", r.brief.as_deref().unwrap_or(""), 0, 4000)?,
        status: check_status(r.status.as_deref().unwrap_or("planned"))?,
    };
    db.write(move |tx| -> ApiResult<Option<PlanItem>> {
        let Some(plan) = editable(tx, &v, &plan_id)? else {
            return Ok(None);
        };
        inside(&plan, &n.date)?;
        Ok(Some(insert_in(tx, &v, &plan, &n)?))
    })
    .await
}

pub async fn list(db: &Db, v: Viewer, mut f: ItemFilter, page: Page) -> ApiResult<Paged<PlanItem>> {
    f.from = f.from.map(|d| check_date("from", &d)).transpose()?;
    f.to = f.to.map(|d| check_date("to", &d)).transpose()?;
    f.platform = f.platform.map(|p| check_platform(&p)).transpose()?;
    if let Some(s) = &f.status {
        check_status(s)?;
    }
    let (items, total) = db.read(move |c| store::list_items(c, &v, &f, page)).await?;
    Ok(Paged::new(items, total, page))
}

/// An item whose plan the caller may change: (item, plan); invisible → None, read-only → 403.
fn editable_item(c: &Connection, v: &Viewer, id: &str) -> ApiResult<Option<(PlanItem, Plan)>> {
    let Some(item) = store::get_item(c, v, id)? else {
        return Ok(None);
    };
    Ok(editable(c, v, &item.plan_id)?.map(|p| (item, p)))
}

/// Whether the viewer may see row `id` of a registered kind; an unregistered kind has no rows.
fn visible(state: &AppState, c: &Connection, v: &Viewer, kind: &str, id: &str) -> ApiResult<bool> {
    Ok(match state.registry.resources.get(kind) {
        Some(res) => access::can_view(c, v, res, id)?,
        None => false,
    })
}

pub async fn update(
    state: &AppState,
    v: Viewer,
    id: String,
    u: UpdatePlanItemRequest,
) -> ApiResult<Option<PlanItem>> {
    let date = u.date.map(|d| check_date("date", &d)).transpose()?;
    let platform = u.platform.map(|p| check_platform(&p)).transpose()?;
    let title = u
        .title
        .map(|t| check_text("title", &t, 1, 200))
        .transpose()?;
    let brief = u
        .brief
        .map(|b| check_text("brief", &b, 0, 4000))
        .transpose()?;
    let status_given = u.status.is_some();
    let status = u.status.map(|s| check_status(&s)).transpose()?;
    let st = state.clone();
    state
        .db
        .write(move |tx| -> ApiResult<Option<PlanItem>> {
            let Some((mut item, plan)) = editable_item(tx, &v, &id)? else {
                return Ok(None);
            };
            if let Some(d) = date {
                inside(&plan, &d)?;
                item.date = d;
            }
            item.platform = platform.unwrap_or(item.platform);
            item.title = title.unwrap_or(item.title);
            item.brief = brief.unwrap_or(item.brief);
            item.status = status.unwrap_or(item.status);
            if let Some(cid) = u.content_id {
                item.content_id = match cid.trim() {
                    "" => None,
                    cid if visible(&st, tx, &v, "content", cid)? => Some(cid.to_string()),
                    _ => return Err(ApiError::missing("content not found")),
                };
                // Linking a draft moves an idea or a planned item on, as "Draft it" does.
                if item.content_id.is_some()
                    && !status_given
                    && ["idea", "planned"].contains(&item.status.as_str())
                {
                    item.status = "drafted".into();
                }
            }
            if let Some(tid) = u.task_id {
                item.task_id = match tid.trim() {
                    "" => None,
                    tid if visible(&st, tx, &v, "task", tid)? => Some(tid.to_string()),
                    _ => return Err(ApiError::missing("task not found")),
                };
            }
            store::update_item(tx, &item)?;
            Ok(Some(store::load_item(tx, &item.id)?))
        })
        .await
}

pub async fn delete(db: &Db, v: Viewer, id: String) -> ApiResult<bool> {
    db.write(move |tx| -> ApiResult<bool> {
        if editable_item(tx, &v, &id)?.is_none() {
            return Ok(false);
        }
        Ok(store::delete_item(tx, &id)?)
    })
    .await
}

/// "Make a task": a card titled like the item, its brief as the description, due on the item's
/// date, on the plan's project board (the caller's own board without a project), linked to the
/// item in the same write. An item that already has a task is returned as it is.
pub async fn make_task(db: &Db, v: Viewer, id: String) -> ApiResult<Option<PlanItem>> {
    db.write(move |tx| -> ApiResult<Option<PlanItem>> {
        let Some((mut item, plan)) = editable_item(tx, &v, &id)? else {
            return Ok(None);
        };
        if item.task_id.is_some() {
            return Ok(Some(item));
        }
        let task = tasks::create_in(
            tx,
            &v,
            CreateTask {
                title: item.title.clone(),
                description: item.brief.clone(),
                client_id: plan.client_id.clone(),
                project_id: plan.project_id.clone(),
                due_date: Some(item.date.clone()),
                labels: vec![item.platform.clone()],
                ..Default::default()
            },
        )?;
        item.task_id = Some(task.id);
        store::update_item(tx, &item)?;
        Ok(Some(store::load_item(tx, &item.id)?))
    })
    .await
}
