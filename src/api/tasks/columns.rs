//! SQL of kanban columns: per-scope boards (a project's, or a user's personal board), seeded with
//! default columns on first use, kept densely ordered.
use super::types::Column;
use crate::access::{self, Viewer};
use crate::error::{ApiError, ApiResult};
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

/// Resolve the board a request names: `project_id`, or `scope_type`+`scope_id`, or the caller's
/// personal board. Checks the viewer may use it (404 otherwise).
pub fn resolve_scope(
    c: &Connection,
    v: &Viewer,
    project_id: Option<&str>,
    scope_type: Option<&str>,
    scope_id: Option<&str>,
) -> ApiResult<(String, String)> {
    let (st, sid) = match (project_id, scope_type) {
        (Some(p), _) => ("project".to_string(), p.to_string()),
        (None, Some("project")) => (
            "project".to_string(),
            scope_id
                .ok_or_else(|| ApiError::unprocessable("scope_id is required"))?
                .to_string(),
        ),
        (None, Some("personal")) | (None, None) => (
            "personal".to_string(),
            scope_id.unwrap_or(&v.user_id).to_string(),
        ),
        (None, Some(other)) => {
            return Err(ApiError::unprocessable(format!(
                "scope_type must be project or personal, not {other:?}"
            )));
        }
    };
    let ok = match st.as_str() {
        "project" => access::in_project(c, v, &sid)?,
        _ => sid == v.user_id || (v.admin && user_exists(c, &sid)?),
    };
    if !ok {
        return Err(ApiError::NotFound("board"));
    }
    Ok((st, sid))
}

fn user_exists(c: &Connection, id: &str) -> rusqlite::Result<bool> {
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

/// A column the viewer may use (its board is theirs or their project's).
pub fn get_visible(c: &Connection, v: &Viewer, id: &str) -> ApiResult<Column> {
    let col = get(c, id)?.ok_or(ApiError::NotFound("column"))?;
    resolve_scope(c, v, None, Some(&col.scope_type), Some(&col.scope_id))
        .map_err(|_| ApiError::NotFound("column"))?;
    Ok(col)
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

pub fn update(
    c: &Connection,
    col: &Column,
    u: &super::types::UpdateColumn,
) -> rusqlite::Result<Column> {
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

/// Delete a column, first appending its tasks to `target` (same board). `Err` detail when the
/// column is not empty and no target was given.
pub fn delete(c: &Connection, col: &Column, target: Option<&Column>) -> ApiResult<()> {
    let count: i64 = c
        .prepare_cached("SELECT COUNT(*) FROM tasks WHERE column_id = ?1")?
        .query_row([&col.id], |r| r.get(0))?;
    if count > 0 {
        let Some(t) = target else {
            return Err(ApiError::Conflict(format!(
                "the column holds {count} task(s): pass target_column_id to move them"
            )));
        };
        if t.id == col.id || t.scope_type != col.scope_type || t.scope_id != col.scope_id {
            return Err(ApiError::bad_request(
                "target_column_id must be another column of the same board",
            ));
        }
        // Append in their order to the same sibling group of the target, keeping positions dense.
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
            .execute(params![id, t.id, parent, now])?;
        }
        // Moving into / out of a done column changes completion like a move would.
        if t.is_done {
            c.prepare_cached(
                "UPDATE tasks SET completed_at = COALESCE(completed_at, ?2) WHERE column_id = ?1",
            )?
            .execute(params![t.id, now])?;
        } else {
            c.prepare_cached("UPDATE tasks SET completed_at = NULL WHERE column_id = ?1")?
                .execute([&t.id])?;
        }
    }
    c.prepare_cached("DELETE FROM task_columns WHERE id = ?1")?
        .execute([&col.id])?;
    c.prepare_cached("UPDATE task_columns SET position = position - 1 WHERE scope_type = ?1 AND scope_id = ?2 AND position > ?3")?
        .execute(params![col.scope_type, col.scope_id, col.position])?;
    Ok(())
}
