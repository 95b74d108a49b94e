//! Editing tasks: field updates (with reassignment, re-parenting and moving), assignment and
//! deletion — each as an operation and in an `*_in` form for a caller's transaction.
use super::types::{MoveTask, Task, UpdateTask};
use super::{
    check_assignee, check_due_date, check_estimate, check_priority, check_title, clean_labels,
    editable, event_payload, move_in, store,
};
use crate::access::Viewer;
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use rusqlite::Connection;
use serde_json::json;

pub async fn update(db: &Db, v: Viewer, id: String, u: UpdateTask) -> ApiResult<Task> {
    db.write(move |c| update_in(c, &v, &id, u)).await
}

/// [`update`] inside the caller's transaction.
pub fn update_in(c: &Connection, v: &Viewer, id: &str, u: UpdateTask) -> ApiResult<Task> {
    let t = editable(c, v, id)?;
    if let Some(title) = &u.title {
        check_title(title)?;
    }
    if let Some(p) = &u.priority {
        check_priority(p)?;
    }
    if let Some(e) = u.estimated_minutes {
        check_estimate(e)?;
    }
    let due = match &u.due_date {
        Some(Some(d)) => Some(Some(check_due_date(d)?)),
        Some(None) => Some(None),
        None => None,
    };
    let labels = u.labels.as_deref().map(clean_labels).transpose()?;
    if let Some(Some(a)) = &u.assignee_id {
        check_assignee(
            c,
            a,
            t.owner_id.as_deref(),
            t.client_id.as_deref(),
            t.project_id.as_deref(),
        )?;
    }
    if let Some(new_parent) = &u.parent_task_id {
        reparent(c, v, &t, new_parent.as_deref())?;
    }
    store::update_fields(
        c,
        &t.id,
        &u,
        due.as_ref().map(|d| d.as_deref()),
        labels.as_deref(),
    )?;
    let mut updated = store::load(c, &t.id)?;
    crate::events::emit(c, "task.updated", Some(&v.user_id), event_payload(&updated))?;
    if u.assignee_id.is_some()
        && updated.assignee_id != t.assignee_id
        && updated.assignee_id.is_some()
    {
        let mut p = event_payload(&updated);
        p["previous_assignee_id"] = json!(t.assignee_id);
        crate::events::emit(c, "task.assigned", Some(&v.user_id), p)?;
    }
    if let Some(col) = u.column_id
        && col != updated.column_id
    {
        updated = move_in(
            c,
            v,
            &t.id,
            MoveTask {
                column_id: col,
                position: None,
            },
        )?;
    }
    Ok(updated)
}

/// Change a task's parent (None: make it a top-level card), refusing cycles and foreign parents.
fn reparent(c: &Connection, v: &Viewer, t: &Task, parent: Option<&str>) -> ApiResult<()> {
    if parent == t.parent_task_id.as_deref() {
        return Ok(());
    }
    if let Some(p) = parent {
        let pt = store::get(c, v, p)?.ok_or(ApiError::NotFound("parent task"))?;
        if p == t.id || store::would_cycle(c, &t.id, p)? {
            return Err(ApiError::unprocessable(
                "that parent would create a cycle of subtasks",
            ));
        }
        if pt.project_id != t.project_id {
            return Err(ApiError::bad_request(
                "a subtask belongs to its parent's project",
            ));
        }
    }
    store::close_gap(c, &t.column_id, t.parent_task_id.as_deref(), t.position)?;
    let n = store::siblings(c, &t.column_id, parent, None)?;
    store::set_parent(c, &t.id, parent, n)?;
    Ok(())
}

/// Assign (or unassign with None) inside the caller's transaction — the same checks and events
/// as `PUT /tasks/{id}`.
pub fn assign_in(
    c: &Connection,
    v: &Viewer,
    id: &str,
    assignee: Option<String>,
) -> ApiResult<Task> {
    update_in(
        c,
        v,
        id,
        UpdateTask {
            assignee_id: Some(assignee),
            ..Default::default()
        },
    )
}

/// Delete a task and its subtasks (its owner, a member of its project, or an admin).
pub async fn delete(db: &Db, v: Viewer, id: String) -> ApiResult<()> {
    db.write(move |c| delete_in(c, &v, &id)).await
}

/// [`delete`] inside the caller's transaction.
pub fn delete_in(c: &Connection, v: &Viewer, id: &str) -> ApiResult<()> {
    let t = editable(c, v, id)?;
    store::delete(c, &t.id)?;
    store::close_gap(c, &t.column_id, t.parent_task_id.as_deref(), t.position)?;
    crate::events::emit(c, "task.deleted", Some(&v.user_id), event_payload(&t))?;
    Ok(())
}
