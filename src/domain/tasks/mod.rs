//! Kanban boards: tasks, columns, subtasks, comments, timers, time logs, the productivity report.
//!
//! Operations here validate, authorize (access.rs) and write through `Db::write`. Each write
//! also has an `*_in` form that runs inside a caller's transaction, for other areas that act on
//! tasks as part of their own write (automations, enterprise associations, the chat agent):
//! [`create_in`], [`move_in`], [`edit::update_in`], [`edit::assign_in`], [`edit::delete_in`],
//! [`activity::comment_in`], [`relocate_in`], [`activity::log_time_in`].
pub mod activity;
mod activity_store;
pub mod board;
pub mod columns;
mod columns_store;
pub mod edit;
pub mod jobs;
pub mod report;
mod report_store;
mod store;
pub mod tools;
pub mod types;

use crate::access::{self, Viewer};
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use rusqlite::Connection;
use serde_json::{Value, json};
use types::{Column, CreateTask, MoveTask, Task, TaskQuery};

pub const PRIORITIES: &[&str] = &["low", "medium", "high", "urgent"];

/// Tasks as a resource kind of the access rule (registered in `app.rs`).
pub const RESOURCE: access::Resource = access::Resource::shareable("task", "tasks");

/// A task the viewer may change: 404 when they cannot see it, 403 when it is only shared with
/// them (a share grants read only).
fn editable(c: &Connection, v: &Viewer, id: &str) -> ApiResult<Task> {
    let t = store::get(c, v, id)?.ok_or(ApiError::NotFound("task"))?;
    if !access::can_edit(c, v, &RESOURCE, &t.id)? {
        return Err(ApiError::forbidden("a task shared with you is read-only"));
    }
    Ok(t)
}

/// The fields automations filter on, flat, plus the whole task under `task`.
pub fn event_payload(t: &Task) -> Value {
    json!({
        "task_id": t.id, "id": t.id, "title": t.title, "column_id": t.column_id, "column": t.column,
        "project_id": t.project_id, "client_id": t.client_id, "assignee_id": t.assignee_id,
        "owner_id": t.owner_id, "priority": t.priority, "due_date": t.due_date,
        "parent_task_id": t.parent_task_id, "labels": t.labels, "completed_at": t.completed_at,
        "task": t,
    })
}

/// A task the viewer may see (None otherwise — the caller answers 404), on the caller's connection.
pub fn find(c: &Connection, v: &Viewer, id: &str) -> rusqlite::Result<Option<Task>> {
    store::get(c, v, id)
}

pub async fn get(db: &Db, v: Viewer, id: String) -> ApiResult<Task> {
    db.read(move |c| find(c, &v, &id))
        .await?
        .ok_or(ApiError::NotFound("task"))
}

/// One page of the visible tasks matching `q`, in board order, on the caller's connection.
pub fn list_in(
    c: &Connection,
    v: &Viewer,
    q: &TaskQuery,
    page: Page,
) -> rusqlite::Result<Paged<Task>> {
    let (items, total) = store::list(c, v, q, page)?;
    Ok(Paged::new(items, total, page))
}

/// `YYYY-MM-DD` or RFC 3339; anything else is a 422 with a clear detail.
pub fn check_due_date(d: &str) -> ApiResult<String> {
    let d = d.trim();
    if chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()
        || chrono::DateTime::parse_from_rfc3339(d).is_ok()
    {
        Ok(d.to_string())
    } else {
        Err(ApiError::unprocessable(format!(
            "due_date must be a date (YYYY-MM-DD), not {d:?}"
        )))
    }
}

fn check_priority(p: &str) -> ApiResult<()> {
    if PRIORITIES.contains(&p) {
        Ok(())
    } else {
        Err(ApiError::unprocessable(
            "priority must be low, medium, high or urgent",
        ))
    }
}

/// The most a stated position may be (positions past the end put the item last).
pub const MAX_POSITION: i64 = 100_000;

/// A board position as stated: 0–`MAX_POSITION`.
pub fn check_position(p: Option<i64>) -> ApiResult<()> {
    match p {
        Some(p) if !(0..=MAX_POSITION).contains(&p) => Err(ApiError::unprocessable(format!(
            "position must be between 0 and {MAX_POSITION}"
        ))),
        _ => Ok(()),
    }
}

fn check_estimate(m: Option<i64>) -> ApiResult<()> {
    match m {
        Some(m) if !(0..=100_000).contains(&m) => Err(ApiError::unprocessable(
            "estimated_minutes must be between 0 and 100000",
        )),
        _ => Ok(()),
    }
}

fn check_title(title: &str) -> ApiResult<()> {
    if title.trim().is_empty() || title.chars().count() > 500 {
        return Err(ApiError::unprocessable("title must be 1–500 characters"));
    }
    Ok(())
}

/// Trimmed, de-duplicated labels as a JSON array.
fn clean_labels(labels: &[String]) -> ApiResult<String> {
    let mut out: Vec<String> = Vec::new();
    for l in labels {
        let l = l.trim();
        if l.is_empty() || l.chars().count() > 50 {
            return Err(ApiError::unprocessable("labels must be 1–50 characters"));
        }
        if !out.iter().any(|x| x == l) {
            out.push(l.to_string());
        }
    }
    if out.len() > 30 {
        return Err(ApiError::unprocessable("at most 30 labels"));
    }
    Ok(serde_json::to_string(&out).expect("strings serialize"))
}

/// The assignee must work on the task's project (or client); personal tasks stay with their owner.
fn check_assignee(
    c: &Connection,
    assignee: &str,
    owner: Option<&str>,
    client_id: Option<&str>,
    project_id: Option<&str>,
) -> ApiResult<()> {
    let who =
        access::viewer_of(c, assignee)?.ok_or_else(|| ApiError::missing("assignee not found"))?;
    let ok = match (project_id, client_id) {
        (Some(p), _) => access::in_project(c, &who, p)?,
        (None, Some(cl)) => access::in_client(c, &who, cl)?,
        (None, None) => owner == Some(assignee),
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "the assignee is not a member of the task's project",
        ))
    }
}

/// The board a task of this placement lives on.
fn board_of(owner: &str, project_id: Option<&str>) -> (&'static str, String) {
    match project_id {
        Some(p) => ("project", p.to_string()),
        None => ("personal", owner.to_string()),
    }
}

/// Create a task (or a subtask with `parent_task_id`).
pub async fn create(db: &Db, v: Viewer, dto: CreateTask) -> ApiResult<Task> {
    db.write(move |c| create_in(c, &v, dto)).await
}

/// [`create`] inside the caller's transaction.
pub fn create_in(c: &Connection, v: &Viewer, dto: CreateTask) -> ApiResult<Task> {
    check_title(&dto.title)?;
    let title = dto.title.trim();
    let priority = dto.priority.unwrap_or_else(|| "medium".into());
    check_priority(&priority)?;
    check_estimate(dto.estimated_minutes)?;
    check_position(dto.position)?;
    let due = dto.due_date.as_deref().map(check_due_date).transpose()?;
    let labels = clean_labels(&dto.labels)?;
    // A subtask lives where its parent lives, and adding one changes the parent: a shared
    // (read-only) parent is a 403.
    let parent = match dto.parent_task_id.as_deref() {
        Some(pid) => Some(editable(c, v, pid).map_err(|e| match e {
            ApiError::NotFound(_) => ApiError::NotFound("parent task"),
            other => other,
        })?),
        None => None,
    };
    let (client_id, project_id) = match &parent {
        Some(p) => {
            if dto
                .project_id
                .as_ref()
                .is_some_and(|x| Some(x) != p.project_id.as_ref())
            {
                return Err(ApiError::bad_request(
                    "a subtask belongs to its parent's project",
                ));
            }
            (p.client_id.clone(), p.project_id.clone())
        }
        None => access::check_placement(c, v, dto.client_id.as_deref(), dto.project_id.as_deref())?
            .map_err(ApiError::from)?,
    };
    let board_owner = parent
        .as_ref()
        .and_then(|p| p.owner_id.clone())
        .unwrap_or_else(|| v.user_id.clone());
    let (st, sid) = board_of(&board_owner, project_id.as_deref());
    let cols = columns_store::list_or_seed(c, st, &sid)?;
    let column: Column =
        match dto.column_id.as_deref() {
            Some(cid) => cols.iter().find(|x| x.id == cid).cloned().ok_or_else(|| {
                ApiError::missing("column_id: no such column on this task's board")
            })?,
            None => parent
                .as_ref()
                .and_then(|p| cols.iter().find(|x| x.id == p.column_id))
                .unwrap_or(&cols[0])
                .clone(),
        };
    if let Some(a) = dto.assignee_id.as_deref() {
        check_assignee(
            c,
            a,
            Some(&board_owner),
            client_id.as_deref(),
            project_id.as_deref(),
        )?;
    }
    let parent_id = parent.as_ref().map(|p| p.id.as_str());
    let n = store::siblings(c, &column.id, parent_id, None)?;
    let pos = dto.position.unwrap_or(n).clamp(0, n);
    store::open_gap(c, &column.id, parent_id, pos, None)?;
    let id = store::insert(
        c,
        &store::NewTask {
            title,
            description: &dto.description,
            column_id: &column.id,
            position: pos,
            priority: &priority,
            owner_id: &v.user_id,
            client_id: client_id.as_deref(),
            project_id: project_id.as_deref(),
            parent_task_id: parent_id,
            assignee_id: dto.assignee_id.as_deref(),
            due_date: due.as_deref(),
            estimated_minutes: dto.estimated_minutes,
            labels: &labels,
            completed: column.is_done,
        },
    )?;
    let task = store::load(c, &id)?;
    crate::events::emit(c, "task.created", Some(&v.user_id), event_payload(&task))?;
    if column.is_done {
        crate::events::emit(c, "task.completed", Some(&v.user_id), event_payload(&task))?;
    }
    if task.assignee_id.is_some() {
        crate::events::emit(c, "task.assigned", Some(&v.user_id), event_payload(&task))?;
    }
    Ok(task)
}

/// Move a task to `column_id` at `position`, densely and atomically: one write closes the gap
/// it leaves and opens one where it lands, so concurrent moves serialize.
pub async fn move_task(db: &Db, v: Viewer, id: String, m: MoveTask) -> ApiResult<Task> {
    db.write(move |c| move_in(c, &v, &id, m)).await
}

/// [`move_task`] inside the caller's transaction.
pub fn move_in(c: &Connection, v: &Viewer, id: &str, m: MoveTask) -> ApiResult<Task> {
    check_position(m.position)?;
    let t = editable(c, v, id)?;
    let from = columns_store::get(c, &t.column_id)?.ok_or(ApiError::NotFound("column"))?;
    let to = columns::visible_in(c, v, &m.column_id)?;
    if to.scope_type != from.scope_type || to.scope_id != from.scope_id {
        return Err(ApiError::conflict(
            "the column belongs to another board; tasks move within their own project's board",
        ));
    }
    let parent = t.parent_task_id.as_deref();
    store::close_gap(c, &from.id, parent, t.position)?;
    let n = store::siblings(c, &to.id, parent, Some(&t.id))?;
    let pos = m.position.unwrap_or(n).clamp(0, n);
    store::open_gap(c, &to.id, parent, pos, Some(&t.id))?;
    store::set_column(c, &t.id, &to.id, pos, to.is_done)?;
    let moved = store::load(c, &t.id)?;
    if from.id != to.id {
        let mut p = event_payload(&moved);
        p["from_column_id"] = json!(from.id);
        p["from_column"] = json!(from.name);
        p["to_column_id"] = json!(to.id);
        p["to_column"] = json!(to.name);
        p["position"] = json!(pos);
        crate::events::emit(c, "task.moved", Some(&v.user_id), p)?;
        if to.is_done && !from.is_done {
            crate::events::emit(c, "task.completed", Some(&v.user_id), event_payload(&moved))?;
        }
    }
    Ok(moved)
}

/// Move a task (with its subtasks) to another client/project, inside the caller's transaction
/// (the placement already checked): it lands at the end of the first column of the new board,
/// and the board it left stays densely ordered.
pub fn relocate_in(
    c: &Connection,
    v: &Viewer,
    id: &str,
    client: Option<&str>,
    project: Option<&str>,
) -> ApiResult<()> {
    let t = store::get(c, v, id)?.ok_or(ApiError::NotFound("task"))?;
    if t.parent_task_id.is_some() {
        return Err(ApiError::bad_request(
            "a subtask moves with its parent task",
        ));
    }
    let owner = t.owner_id.clone().unwrap_or_else(|| v.user_id.clone());
    let (st, sid) = board_of(&owner, project);
    let cols = columns_store::list_or_seed(c, st, &sid)?;
    store::relocate(c, &t, client, project, &cols[0].id)?;
    Ok(())
}
