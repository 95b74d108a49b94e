//! SQL of tasks: reads filtered by the access rule, dense ordering within a sibling group
//! (same column, same parent), field updates, re-parenting, relocation to another board, the
//! overdue scan and the board version that retires cached board bodies.
use super::types::{Task, TaskQuery, UpdateTask};
use crate::access::{self, Viewer};
use crate::page::Page;
use rusqlite::{Connection, OptionalExtension, Row, params};

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

/// A task by id, regardless of who asks (after a write that just checked access).
pub fn load(c: &Connection, id: &str) -> rusqlite::Result<Task> {
    c.prepare_cached(&format!("{SELECT} WHERE t.id = ?1"))?
        .query_row([id], row)
}

/// The filter shared by the list and its count: ?1/?2 viewer, ?3–?9 the query's filters.
fn list_where() -> String {
    format!(
        "WHERE {} AND (?3 IS NULL OR t.project_id = ?3) AND (?4 IS NULL OR t.client_id = ?4)
           AND (?5 IS NULL OR t.assignee_id = ?5) AND (?6 IS NULL OR t.column_id = ?6)
           AND (?7 IS NULL OR t.priority = ?7) AND (?8 IS NULL OR t.parent_task_id = ?8)
           AND (?9 OR t.parent_task_id IS NULL)",
        access::visible("t", "task", 1)
    )
}

/// One page of the visible tasks matching `q`, in board order, and how many match in all.
pub fn list(
    c: &Connection,
    v: &Viewer,
    q: &TaskQuery,
    page: Page,
) -> rusqlite::Result<(Vec<Task>, u64)> {
    let subtasks = q.include_subtasks.unwrap_or(false) || q.parent_task_id.is_some();
    let (limit, offset) = page.sql();
    let filter = params![
        v.user_id,
        v.admin,
        q.project_id,
        q.client_id,
        q.assignee_id,
        q.column_id,
        q.priority,
        q.parent_task_id,
        subtasks,
    ];
    let total: u64 = c
        .prepare_cached(&format!(
            "SELECT COUNT(*) FROM tasks t JOIN task_columns col ON col.id = t.column_id {}",
            list_where()
        ))?
        .query_row(filter, |r| r.get::<_, i64>(0).map(|n| n as u64))?;
    let items = c
        .prepare_cached(&format!(
            "{SELECT} {} ORDER BY col.position, t.parent_task_id IS NOT NULL, t.position, t.id
             LIMIT ?10 OFFSET ?11",
            list_where()
        ))?
        .query_map(
            rusqlite::params_from_iter(filter.iter().chain(params![limit, offset].iter())),
            row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok((items, total))
}

/// How many tasks share this sibling group (`id_except` left out).
pub fn siblings(
    c: &Connection,
    column_id: &str,
    parent: Option<&str>,
    id_except: Option<&str>,
) -> rusqlite::Result<i64> {
    c.prepare_cached(
        "SELECT COUNT(*) FROM tasks WHERE column_id = ?1 AND parent_task_id IS ?2 AND (?3 IS NULL OR id != ?3)",
    )?
    .query_row(params![column_id, parent, id_except], |r| r.get(0))
}

/// Close the gap a task leaves at `position` in its sibling group.
pub fn close_gap(
    c: &Connection,
    column_id: &str,
    parent: Option<&str>,
    position: i64,
) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE tasks SET position = position - 1 WHERE column_id = ?1 AND parent_task_id IS ?2 AND position > ?3")?
        .execute(params![column_id, parent, position])?;
    Ok(())
}

/// Open a gap at `position` in a sibling group (`id_except`, the task landing there, left out).
pub fn open_gap(
    c: &Connection,
    column_id: &str,
    parent: Option<&str>,
    position: i64,
    id_except: Option<&str>,
) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE tasks SET position = position + 1 WHERE column_id = ?1 AND parent_task_id IS ?2 AND position >= ?3 AND (?4 IS NULL OR id != ?4)")?
        .execute(params![column_id, parent, position, id_except])?;
    Ok(())
}

/// The columns of a new task row, validated by the caller.
pub struct NewTask<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub column_id: &'a str,
    pub position: i64,
    pub priority: &'a str,
    pub owner_id: &'a str,
    pub client_id: Option<&'a str>,
    pub project_id: Option<&'a str>,
    pub parent_task_id: Option<&'a str>,
    pub assignee_id: Option<&'a str>,
    pub due_date: Option<&'a str>,
    pub estimated_minutes: Option<i64>,
    /// JSON array.
    pub labels: &'a str,
    pub completed: bool,
}

pub fn insert(c: &Connection, t: &NewTask) -> rusqlite::Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    let now = crate::time::now_rfc3339();
    c.prepare_cached(
        "INSERT INTO tasks (id, title, description, column_id, position, priority, owner_id, client_id, project_id,
            parent_task_id, assignee_id, due_date, estimated_minutes, labels, completed_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)",
    )?
    .execute(params![
        id, t.title, t.description, t.column_id, t.position, t.priority, t.owner_id, t.client_id, t.project_id,
        t.parent_task_id, t.assignee_id, t.due_date, t.estimated_minutes, t.labels, t.completed.then_some(&now), now
    ])?;
    Ok(id)
}

/// Apply the plain fields of an update (`due` and `labels` already validated and normalised).
pub fn update_fields(
    c: &Connection,
    id: &str,
    u: &UpdateTask,
    due: Option<Option<&str>>,
    labels: Option<&str>,
) -> rusqlite::Result<()> {
    c.prepare_cached(
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
        id,
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
        crate::time::now_rfc3339()
    ])?;
    Ok(())
}

/// Put a task in `column_id` at `position`; entering a done column completes it, leaving reopens.
pub fn set_column(
    c: &Connection,
    id: &str,
    column_id: &str,
    position: i64,
    done: bool,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE tasks SET column_id = ?2, position = ?3, updated_at = ?4,
            completed_at = CASE WHEN ?5 THEN COALESCE(completed_at, ?4) ELSE NULL END
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        column_id,
        position,
        crate::time::now_rfc3339(),
        done
    ])?;
    Ok(())
}

/// Whether making `parent` the parent of `id` would create a cycle.
pub fn would_cycle(c: &Connection, id: &str, parent: &str) -> rusqlite::Result<bool> {
    c.prepare_cached(
        "WITH RECURSIVE up(id) AS (SELECT ?2 UNION SELECT t.parent_task_id FROM tasks t JOIN up ON t.id = up.id
                                   WHERE t.parent_task_id IS NOT NULL)
         SELECT EXISTS(SELECT 1 FROM up WHERE id = ?1)",
    )?
    .query_row(params![id, parent], |r| r.get(0))
}

pub fn set_parent(
    c: &Connection,
    id: &str,
    parent: Option<&str>,
    position: i64,
) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE tasks SET parent_task_id = ?2, position = ?3 WHERE id = ?1")?
        .execute(params![id, parent, position])?;
    Ok(())
}

/// Delete a task (its subtasks cascade).
pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM tasks WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Move a top-level task and its whole subtree to another client/project, appended to
/// `column_id` (the first column of the new board), subtask groups renumbered densely.
pub fn relocate(
    c: &Connection,
    t: &Task,
    client: Option<&str>,
    project: Option<&str>,
    column_id: &str,
) -> rusqlite::Result<()> {
    close_gap(c, &t.column_id, None, t.position)?;
    let now = crate::time::now_rfc3339();
    c.prepare_cached(
        "UPDATE tasks SET client_id = ?2, project_id = ?3, column_id = ?4, completed_at = NULL, updated_at = ?5,
            position = (SELECT COUNT(*) FROM tasks o WHERE o.column_id = ?4 AND o.parent_task_id IS NULL)
         WHERE id = ?1",
    )?
    .execute(params![t.id, client, project, column_id, now])?;
    c.prepare_cached(
        "WITH RECURSIVE sub(id) AS (SELECT id FROM tasks WHERE parent_task_id = ?1
                                    UNION SELECT t.id FROM tasks t JOIN sub ON t.parent_task_id = sub.id)
         UPDATE tasks SET client_id = ?2, project_id = ?3, column_id = ?4, completed_at = NULL, updated_at = ?5
         WHERE id IN (SELECT id FROM sub)",
    )?
    .execute(params![t.id, client, project, column_id, now])?;
    let parents: Vec<String> = c
        .prepare_cached("SELECT DISTINCT parent_task_id FROM tasks WHERE column_id = ?1 AND parent_task_id IS NOT NULL")?
        .query_map([column_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for p in parents {
        let ids: Vec<String> = c
            .prepare_cached("SELECT id FROM tasks WHERE parent_task_id = ?1 AND column_id = ?2 ORDER BY position, id")?
            .query_map(params![p, column_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for (i, id) in ids.iter().enumerate() {
            c.prepare_cached("UPDATE tasks SET position = ?2 WHERE id = ?1")?
                .execute(params![id, i as i64])?;
        }
    }
    Ok(())
}

/// Open tasks past their due date (before `today`) that have not fired yet, visible to the viewer.
pub fn overdue_ids(c: &Connection, v: &Viewer, today: &str) -> rusqlite::Result<Vec<String>> {
    let sql = format!(
        "SELECT t.id FROM tasks t WHERE t.completed_at IS NULL AND t.overdue_fired_at IS NULL
           AND t.due_date IS NOT NULL AND substr(t.due_date, 1, 10) < ?3 AND {}",
        access::visible("t", "task", 1)
    );
    c.prepare_cached(&sql)?
        .query_map(params![v.user_id, v.admin, today], |r| r.get(0))?
        .collect()
}

pub fn mark_overdue(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE tasks SET overdue_fired_at = ?2 WHERE id = ?1")?
        .execute(params![id, crate::time::now_rfc3339()])?;
    Ok(())
}

/// The version of a project's board (bumped by triggers on any write to its tasks or columns).
pub fn board_version(c: &Connection, project_id: &str) -> rusqlite::Result<i64> {
    Ok(
        c.prepare_cached("SELECT version FROM board_versions WHERE project_id = ?1")?
            .query_row([project_id], |r| r.get(0))
            .optional()?
            .unwrap_or(0),
    )
}
