//! SQL of kanban columns: per-scope boards (a project's, or a user's personal board), seeded with
//! default columns on first use, kept densely ordered.
use super::types::{Column, UpdateColumn};
use rusqlite::{Connection, OptionalExtension, Row, params};

const DEFAULTS: &[(&str, bool)] = &[
    ("Backlog", false),
    ("To do", false),
    ("In progress", false),
    ("Review", false),
    ("Done", true),
];

const COLS: &str = "id, scope_type, scope_id, name, position, is_done, color, wip_limit";

fn row(r: &Row) -> rusqlite::Result<Column> {
    Ok(Column {
        id: r.get(0)?,
        scope_type: r.get(1)?,
        scope_id: r.get(2)?,
        name: r.get(3)?,
        position: r.get(4)?,
        is_done: r.get(5)?,
        color: r.get(6)?,
        wip_limit: r.get(7)?,
    })
}

/// Whether a user exists (an admin may open anyone's personal board).
pub fn user_exists(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    c.prepare_cached("SELECT EXISTS(SELECT 1 FROM users WHERE id = ?1)")?
        .query_row([id], |r| r.get(0))
}

/// The board's columns in order, creating the default ones the first time a board is used.
pub fn list_or_seed(
    c: &Connection,
    scope_type: &str,
    scope_id: &str,
) -> rusqlite::Result<Vec<Column>> {
    let cols = list(c, scope_type, scope_id)?;
    if !cols.is_empty() {
        return Ok(cols);
    }
    let now = crate::time::now_rfc3339();
    let mut ins = c.prepare_cached(
        "INSERT INTO task_columns (id, scope_type, scope_id, name, position, is_done, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
    )?;
    for (i, (name, done)) in DEFAULTS.iter().enumerate() {
        ins.execute(params![
            uuid::Uuid::now_v7().to_string(),
            scope_type,
            scope_id,
            name,
            i as i64,
            done,
            now
        ])?;
    }
    list(c, scope_type, scope_id)
}

pub fn list(c: &Connection, scope_type: &str, scope_id: &str) -> rusqlite::Result<Vec<Column>> {
    c.prepare_cached(&format!(
        "SELECT {COLS} FROM task_columns WHERE scope_type = ?1 AND scope_id = ?2 ORDER BY position"
    ))?
    .query_map(params![scope_type, scope_id], row)?
    .collect()
}

pub fn get(c: &Connection, id: &str) -> rusqlite::Result<Option<Column>> {
    c.prepare_cached(&format!("SELECT {COLS} FROM task_columns WHERE id = ?1"))?
        .query_row([id], row)
        .optional()
}

pub fn insert(
    c: &Connection,
    scope: (&str, &str),
    name: &str,
    position: Option<i64>,
    is_done: bool,
    color: &str,
    wip_limit: Option<i64>,
) -> rusqlite::Result<Column> {
    let n = list(c, scope.0, scope.1)?.len() as i64;
    let pos = position.unwrap_or(n).clamp(0, n);
    c.prepare_cached(
        "UPDATE task_columns SET position = position + 1 WHERE scope_type = ?1 AND scope_id = ?2 AND position >= ?3",
    )?
    .execute(params![scope.0, scope.1, pos])?;
    if is_done {
        clear_done(c, scope.0, scope.1)?;
    }
    let id = uuid::Uuid::now_v7().to_string();
    c.prepare_cached(
        "INSERT INTO task_columns (id, scope_type, scope_id, name, position, is_done, color, wip_limit, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    )?
    .execute(params![id, scope.0, scope.1, name, pos, is_done, color, wip_limit, crate::time::now_rfc3339()])?;
    Ok(get(c, &id)?.expect("just inserted"))
}

/// One done column per board: marking a column done unmarks the others.
fn clear_done(c: &Connection, scope_type: &str, scope_id: &str) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE task_columns SET is_done = 0 WHERE scope_type = ?1 AND scope_id = ?2",
    )?
    .execute(params![scope_type, scope_id])?;
    Ok(())
}

pub fn update(c: &Connection, col: &Column, u: &UpdateColumn) -> rusqlite::Result<Column> {
    if let Some(p) = u.position {
        let n = list(c, &col.scope_type, &col.scope_id)?.len() as i64;
        let p = p.clamp(0, n - 1);
        c.prepare_cached("UPDATE task_columns SET position = position - 1 WHERE scope_type = ?1 AND scope_id = ?2 AND position > ?3")?
            .execute(params![col.scope_type, col.scope_id, col.position])?;
        c.prepare_cached("UPDATE task_columns SET position = position + 1 WHERE scope_type = ?1 AND scope_id = ?2 AND position >= ?3 AND id != ?4")?
            .execute(params![col.scope_type, col.scope_id, p, col.id])?;
        c.prepare_cached("UPDATE task_columns SET position = ?2 WHERE id = ?1")?
            .execute(params![col.id, p])?;
    }
    if u.is_done == Some(true) {
        clear_done(c, &col.scope_type, &col.scope_id)?;
    }
    let wip_set = u.wip_limit.is_some();
    c.prepare_cached(
        "UPDATE task_columns SET name = COALESCE(?2, name), is_done = COALESCE(?3, is_done),
            color = COALESCE(?4, color), wip_limit = CASE WHEN ?5 THEN ?6 ELSE wip_limit END, updated_at = ?7
         WHERE id = ?1",
    )?
    .execute(params![
        col.id,
        u.name.as_deref().map(str::trim),
        u.is_done,
        u.color,
        wip_set,
        u.wip_limit.flatten(),
        crate::time::now_rfc3339()
    ])?;
    Ok(get(c, &col.id)?.expect("exists"))
}

/// How many tasks (subtasks included) sit in a column.
pub fn task_count(c: &Connection, column_id: &str) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT COUNT(*) FROM tasks WHERE column_id = ?1")?
        .query_row([column_id], |r| r.get(0))
}

/// Append the tasks of `col` to `target` (same board), each to the end of its sibling group in
/// their order, and set their completion as a move into `target` would.
pub fn move_tasks(c: &Connection, col: &Column, target: &Column) -> rusqlite::Result<()> {
    let moving: Vec<(String, Option<String>)> = c
        .prepare_cached(
            "SELECT id, parent_task_id FROM tasks WHERE column_id = ?1 ORDER BY parent_task_id, position",
        )?
        .query_map([&col.id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let now = crate::time::now_rfc3339();
    for (id, parent) in moving {
        c.prepare_cached(
            "UPDATE tasks SET column_id = ?2, updated_at = ?4,
                position = (SELECT COUNT(*) FROM tasks o WHERE o.column_id = ?2 AND o.parent_task_id IS ?3)
             WHERE id = ?1",
        )?
        .execute(params![id, target.id, parent, now])?;
    }
    if target.is_done {
        c.prepare_cached(
            "UPDATE tasks SET completed_at = COALESCE(completed_at, ?2) WHERE column_id = ?1",
        )?
        .execute(params![target.id, now])?;
    } else {
        c.prepare_cached("UPDATE tasks SET completed_at = NULL WHERE column_id = ?1")?
            .execute([&target.id])?;
    }
    Ok(())
}

/// Delete an (emptied) column and close the gap it leaves on its board.
pub fn delete(c: &Connection, col: &Column) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM task_columns WHERE id = ?1")?
        .execute([&col.id])?;
    c.prepare_cached("UPDATE task_columns SET position = position - 1 WHERE scope_type = ?1 AND scope_id = ?2 AND position > ?3")?
        .execute(params![col.scope_type, col.scope_id, col.position])?;
    Ok(())
}
