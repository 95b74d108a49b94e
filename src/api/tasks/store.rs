//! Tasks: SQL plus the operations reused outside HTTP (automations, the chat agent):
//! [`create_task`] and [`move_task`] here, update/assign/delete in `edit`. Each takes a
//! `Viewer`, enforces the same rules as the API, and emits its domain events in the transaction.
use super::columns;
use super::types::{Column, CreateTask, MoveTask, Task, TaskQuery};
use crate::access::{self, Viewer};
use crate::error::{ApiError, ApiResult};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use serde_json::{Value, json};

pub const PRIORITIES: &[&str] = &["low", "medium", "high", "urgent"];

const SELECT: &str = "SELECT t.id, t.title, t.description, t.column_id, col.name, t.position, t.priority,
    t.owner_id, t.client_id, t.project_id, t.parent_task_id, t.assignee_id, u.name, t.due_date,
    t.estimated_minutes, t.labels, t.completed_at,
    (SELECT COUNT(*) FROM tasks s WHERE s.parent_task_id = t.id),
    (SELECT COUNT(*) FROM tasks s WHERE s.parent_task_id = t.id AND s.completed_at IS NOT NULL),
    t.created_at, t.updated_at
  FROM tasks t JOIN task_columns col ON col.id = t.column_id LEFT JOIN users u ON u.id = t.assignee_id";

fn row(r: &Row) -> rusqlite::Result<Task> {
    let labels: String = r.get(15)?;
    Ok(Task {
        id: r.get(0)?,
        title: r.get(1)?,
        description: r.get(2)?,
        column_id: r.get(3)?,
        column: r.get(4)?,
        position: r.get(5)?,
        priority: r.get(6)?,
        owner_id: r.get(7)?,
        client_id: r.get(8)?,
        project_id: r.get(9)?,
        parent_task_id: r.get(10)?,
        assignee_id: r.get(11)?,
        assignee_name: r.get(12)?,
        due_date: r.get(13)?,
        estimated_minutes: r.get(14)?,
        labels: serde_json::from_str(&labels).unwrap_or_default(),
        completed_at: r.get(16)?,
        subtask_count: r.get(17)?,
        subtask_done_count: r.get(18)?,
        created_at: r.get(19)?,
        updated_at: r.get(20)?,
    })
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

/// A task the viewer may see (None otherwise — the caller answers 404).
pub fn get(c: &Connection, v: &Viewer, id: &str) -> rusqlite::Result<Option<Task>> {
    let sql = format!(
        "{SELECT} WHERE t.id = ?3 AND {}",
        access::visible("t", "task", 1)
    );
    c.prepare_cached(&sql)?
        .query_row(params![v.user_id, v.admin, id], row)
        .optional()
}

pub(super) fn get_raw(c: &Connection, id: &str) -> rusqlite::Result<Task> {
    c.prepare_cached(&format!("{SELECT} WHERE t.id = ?1"))?
        .query_row([id], row)
}

pub fn list(c: &Connection, v: &Viewer, q: &TaskQuery) -> rusqlite::Result<Vec<Task>> {
    let subtasks = q.include_subtasks.unwrap_or(false) || q.parent_task_id.is_some();
    let sql = format!(
        "{SELECT} WHERE {} AND (?3 IS NULL OR t.project_id = ?3) AND (?4 IS NULL OR t.client_id = ?4)
           AND (?5 IS NULL OR t.assignee_id = ?5) AND (?6 IS NULL OR t.column_id = ?6)
           AND (?7 IS NULL OR t.priority = ?7) AND (?8 IS NULL OR t.parent_task_id = ?8)
           AND (?9 OR t.parent_task_id IS NULL)
         ORDER BY col.position, t.parent_task_id IS NOT NULL, t.position LIMIT 5000",
        access::visible("t", "task", 1)
    );
    c.prepare_cached(&sql)?
        .query_map(
            params![
                v.user_id,
                v.admin,
                q.project_id,
                q.client_id,
                q.assignee_id,
                q.column_id,
                q.priority,
                q.parent_task_id,
                subtasks
            ],
            row,
        )?
        .collect()
}

/// Task writes queue here in-process before taking SQLite's write lock: waiting on a mutex is fair
/// and immediate, where SQLite's busy handler sleeps in growing steps under contention.
pub static WRITE_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub fn write_guard() -> std::sync::MutexGuard<'static, ()> {
    WRITE_LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

pub(super) fn immediate(c: &mut Connection) -> rusqlite::Result<rusqlite::Transaction<'_>> {
    c.transaction_with_behavior(TransactionBehavior::Immediate)
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

pub(super) fn check_priority(p: &str) -> ApiResult<()> {
    if PRIORITIES.contains(&p) {
        Ok(())
    } else {
        Err(ApiError::unprocessable(
            "priority must be low, medium, high or urgent",
        ))
    }
}

pub(super) fn check_estimate(m: Option<i64>) -> ApiResult<()> {
    match m {
        Some(m) if !(0..=100_000).contains(&m) => Err(ApiError::unprocessable(
            "estimated_minutes must be between 0 and 100000",
        )),
        _ => Ok(()),
    }
}

/// The assignee must work on the task's project (or client); personal tasks stay with their owner.
pub(super) fn check_assignee(
    c: &Connection,
    assignee: &str,
    owner: Option<&str>,
    client_id: Option<&str>,
    project_id: Option<&str>,
) -> ApiResult<()> {
    let role: Option<String> = c
        .prepare_cached("SELECT role FROM users WHERE id = ?1 AND active = 1")?
        .query_row([assignee], |r| r.get(0))
        .optional()?;
    let Some(role) = role else {
        return Err(ApiError::bad_request("assignee not found"));
    };
    let who = Viewer {
        user_id: assignee.to_string(),
        admin: role == "admin",
    };
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

pub(super) fn siblings(
    c: &Connection,
    column_id: &str,
    parent: Option<&str>,
) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT COUNT(*) FROM tasks WHERE column_id = ?1 AND parent_task_id IS ?2")?
        .query_row(params![column_id, parent], |r| r.get(0))
}

/// Create a task (or a subtask with `parent_task_id`) in one IMMEDIATE transaction.
pub fn create_task(c: &mut Connection, v: &Viewer, dto: CreateTask) -> ApiResult<Task> {
    let _queue = write_guard();
    let tx = immediate(c)?;
    let task = create_task_in(&tx, v, dto)?;
    tx.commit()?;
    Ok(task)
}

/// [`create_task`] inside the caller's transaction.
pub fn create_task_in(c: &Connection, v: &Viewer, dto: CreateTask) -> ApiResult<Task> {
    let title = dto.title.trim();
    if title.is_empty() || title.chars().count() > 500 {
        return Err(ApiError::unprocessable("title must be 1–500 characters"));
    }
    let priority = dto.priority.unwrap_or_else(|| "medium".into());
    check_priority(&priority)?;
    check_estimate(dto.estimated_minutes)?;
    let due = dto.due_date.as_deref().map(check_due_date).transpose()?;
    // A subtask lives where its parent lives.
    let parent = match dto.parent_task_id.as_deref() {
        Some(pid) => Some(get(c, v, pid)?.ok_or(ApiError::NotFound("parent task"))?),
        None => None,
    };
    let owner = v.user_id.clone();
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
        .unwrap_or_else(|| owner.clone());
    let (st, sid) = board_of(&board_owner, project_id.as_deref());
    let cols = columns::list_or_seed(c, st, &sid)?;
    let column: Column = match dto.column_id.as_deref() {
        Some(cid) => cols
            .iter()
            .find(|x| x.id == cid)
            .cloned()
            .ok_or_else(|| ApiError::bad_request("the column is not on this task's board"))?,
        None => match &parent {
            Some(p) => cols
                .iter()
                .find(|x| x.id == p.column_id)
                .cloned()
                .unwrap_or_else(|| cols[0].clone()),
            None => cols[0].clone(),
        },
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
    let parent_id = parent.as_ref().map(|p| p.id.clone());
    let n = siblings(c, &column.id, parent_id.as_deref())?;
    let pos = dto.position.unwrap_or(n).clamp(0, n);
    c.prepare_cached("UPDATE tasks SET position = position + 1 WHERE column_id = ?1 AND parent_task_id IS ?2 AND position >= ?3")?
        .execute(params![column.id, parent_id, pos])?;
    let id = uuid::Uuid::now_v7().to_string();
    let now = crate::time::now_rfc3339();
    let labels = clean_labels(&dto.labels)?;
    c.prepare_cached(
        "INSERT INTO tasks (id, title, description, column_id, position, priority, owner_id, client_id, project_id,
            parent_task_id, assignee_id, due_date, estimated_minutes, labels, completed_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)",
    )?
    .execute(params![
        id, title, dto.description, column.id, pos, priority, owner, client_id, project_id, parent_id,
        dto.assignee_id, due, dto.estimated_minutes, labels, column.is_done.then_some(&now), now
    ])?;
    let task = get_raw(c, &id)?;
    crate::events::emit(c, "task.created", Some(&v.user_id), event_payload(&task))?;
    if column.is_done {
        crate::events::emit(c, "task.completed", Some(&v.user_id), event_payload(&task))?;
    }
    if task.assignee_id.is_some() {
        crate::events::emit(c, "task.assigned", Some(&v.user_id), event_payload(&task))?;
    }
    Ok(task)
}

pub(super) fn clean_labels(labels: &[String]) -> ApiResult<String> {
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

/// Move a task to `column_id` at `position`, densely and atomically: one IMMEDIATE transaction
/// closes the gap it leaves and opens one where it lands, so concurrent moves serialize.
pub fn move_task(c: &mut Connection, v: &Viewer, id: &str, m: MoveTask) -> ApiResult<Task> {
    let _queue = write_guard();
    let tx = immediate(c)?;
    let task = move_task_in(&tx, v, id, m)?;
    tx.commit()?;
    Ok(task)
}

pub fn move_task_in(c: &Connection, v: &Viewer, id: &str, m: MoveTask) -> ApiResult<Task> {
    let t = get(c, v, id)?.ok_or(ApiError::NotFound("task"))?;
    let from = columns::get(c, &t.column_id)?.ok_or(ApiError::NotFound("column"))?;
    let to = columns::get_visible(c, v, &m.column_id)?;
    if to.scope_type != from.scope_type || to.scope_id != from.scope_id {
        return Err(ApiError::bad_request(
            "the column belongs to another board; tasks move within their own project's board",
        ));
    }
    let parent = t.parent_task_id.as_deref();
    c.prepare_cached("UPDATE tasks SET position = position - 1 WHERE column_id = ?1 AND parent_task_id IS ?2 AND position > ?3")?
        .execute(params![from.id, parent, t.position])?;
    let n = c
        .prepare_cached(
            "SELECT COUNT(*) FROM tasks WHERE column_id = ?1 AND parent_task_id IS ?2 AND id != ?3",
        )?
        .query_row(params![to.id, parent, t.id], |r| r.get::<_, i64>(0))?;
    let pos = m.position.unwrap_or(n).clamp(0, n);
    c.prepare_cached("UPDATE tasks SET position = position + 1 WHERE column_id = ?1 AND parent_task_id IS ?2 AND position >= ?3 AND id != ?4")?
        .execute(params![to.id, parent, pos, t.id])?;
    let now = crate::time::now_rfc3339();
    c.prepare_cached(
        "UPDATE tasks SET column_id = ?2, position = ?3, updated_at = ?4,
            completed_at = CASE WHEN ?5 THEN COALESCE(completed_at, ?4) ELSE NULL END
         WHERE id = ?1",
    )?
    .execute(params![t.id, to.id, pos, now, to.is_done])?;
    let moved = get_raw(c, &t.id)?;
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
