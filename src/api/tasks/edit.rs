//! Editing tasks: field updates (with reassignment and re-parenting), assignment and deletion —
//! reused outside HTTP like the rest of the store.
use super::store::{
    check_assignee, check_due_date, check_estimate, check_priority, clean_labels, event_payload,
    get, get_raw, immediate, move_task_in, siblings, write_guard,
};
use super::types::{MoveTask, Task, UpdateTask};
use crate::access::Viewer;
use crate::error::{ApiError, ApiResult};
use rusqlite::{Connection, params};
use serde_json::json;

/// Whether making `parent` the parent of `id` would create a cycle.
fn would_cycle(c: &Connection, id: &str, parent: &str) -> rusqlite::Result<bool> {
    c.prepare_cached(
        "WITH RECURSIVE up(id) AS (SELECT ?2 UNION SELECT t.parent_task_id FROM tasks t JOIN up ON t.id = up.id
                                   WHERE t.parent_task_id IS NOT NULL)
         SELECT EXISTS(SELECT 1 FROM up WHERE id = ?1)",
    )?
    .query_row(params![id, parent], |r| r.get(0))
}

pub fn update_task(c: &mut Connection, v: &Viewer, id: &str, u: UpdateTask) -> ApiResult<Task> {
    let _queue = write_guard();
    let tx = immediate(c)?;
    let t = get(&tx, v, id)?.ok_or(ApiError::NotFound("task"))?;
    if let Some(title) = &u.title
        && (title.trim().is_empty() || title.chars().count() > 500)
    {
        return Err(ApiError::unprocessable("title must be 1–500 characters"));
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
            &tx,
            a,
            t.owner_id.as_deref(),
            t.client_id.as_deref(),
            t.project_id.as_deref(),
        )?;
    }
    if let Some(new_parent) = &u.parent_task_id {
        reparent(&tx, v, &t, new_parent.as_deref())?;
    }
    let now = crate::time::now_rfc3339();
    tx.prepare_cached(
        "UPDATE tasks SET title = COALESCE(?2, title), description = COALESCE(?3, description),
            priority = COALESCE(?4, priority),
            assignee_id = CASE WHEN ?5 THEN ?6 ELSE assignee_id END,
            due_date = CASE WHEN ?7 THEN ?8 ELSE due_date END,
            overdue_fired_at = CASE WHEN ?7 THEN NULL ELSE overdue_fired_at END,
            estimated_minutes = CASE WHEN ?9 THEN ?10 ELSE estimated_minutes END,
            labels = COALESCE(?11, labels), updated_at = ?12
         WHERE id = ?1",
    )?
    .execute(params![
        t.id,
        u.title.as_deref().map(str::trim),
        u.description,
        u.priority,
        u.assignee_id.is_some(),
        u.assignee_id.clone().flatten(),
        due.is_some(),
        due.flatten(),
        u.estimated_minutes.is_some(),
        u.estimated_minutes.flatten(),
        labels,
        now
    ])?;
    let mut updated = get_raw(&tx, &t.id)?;
    crate::events::emit(
        &tx,
        "task.updated",
        Some(&v.user_id),
        event_payload(&updated),
    )?;
    if u.assignee_id.is_some()
        && updated.assignee_id != t.assignee_id
        && updated.assignee_id.is_some()
    {
        let mut p = event_payload(&updated);
        p["previous_assignee_id"] = json!(t.assignee_id);
        crate::events::emit(&tx, "task.assigned", Some(&v.user_id), p)?;
    }
    if let Some(col) = u.column_id
        && col != updated.column_id
    {
        updated = move_task_in(
            &tx,
            v,
            &t.id,
            MoveTask {
                column_id: col,
                position: None,
            },
        )?;
    }
    tx.commit()?;
    Ok(updated)
}

/// Change a task's parent (None: make it a top-level card), refusing cycles and foreign parents.
fn reparent(c: &Connection, v: &Viewer, t: &Task, parent: Option<&str>) -> ApiResult<()> {
    if parent == t.parent_task_id.as_deref() {
        return Ok(());
    }
    if let Some(p) = parent {
        let pt = get(c, v, p)?.ok_or(ApiError::NotFound("parent task"))?;
        if p == t.id || would_cycle(c, &t.id, p)? {
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
    c.prepare_cached("UPDATE tasks SET position = position - 1 WHERE column_id = ?1 AND parent_task_id IS ?2 AND position > ?3")?
        .execute(params![t.column_id, t.parent_task_id, t.position])?;
    let n = siblings(c, &t.column_id, parent)?;
    c.prepare_cached("UPDATE tasks SET parent_task_id = ?2, position = ?3 WHERE id = ?1")?
        .execute(params![t.id, parent, n])?;
    Ok(())
}

/// Assign (or unassign with None) — the same checks and events as `PUT /tasks/{id}`.
pub fn assign_task(
    c: &mut Connection,
    v: &Viewer,
    id: &str,
    assignee: Option<String>,
) -> ApiResult<Task> {
    update_task(
        c,
        v,
        id,
        UpdateTask {
            assignee_id: Some(assignee),
            ..Default::default()
        },
    )
}

/// Delete a task and its subtasks (the owner, a project member, or an admin).
pub fn delete_task(c: &mut Connection, v: &Viewer, id: &str) -> ApiResult<()> {
    let _queue = write_guard();
    let tx = immediate(c)?;
    let t = get(&tx, v, id)?.ok_or(ApiError::NotFound("task"))?;
    tx.prepare_cached("DELETE FROM tasks WHERE id = ?1")?
        .execute([&t.id])?;
    tx.prepare_cached("UPDATE tasks SET position = position - 1 WHERE column_id = ?1 AND parent_task_id IS ?2 AND position > ?3")?
        .execute(params![t.column_id, t.parent_task_id, t.position])?;
    crate::events::emit(&tx, "task.deleted", Some(&v.user_id), event_payload(&t))?;
    tx.commit()?;
    Ok(())
}
