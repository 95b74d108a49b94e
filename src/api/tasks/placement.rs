//! Moving a task (with its subtasks) to another client/project: it lands at the end of the first
//! column of the new board, and the board it left stays densely ordered.
use super::columns;
use crate::access::Viewer;
use crate::error::{ApiError, ApiResult};
use rusqlite::{Connection, params};

pub fn relocate(
    c: &Connection,
    v: &Viewer,
    id: &str,
    client: Option<&str>,
    project: Option<&str>,
) -> ApiResult<()> {
    let t = super::store::get(c, v, id)?.ok_or(ApiError::NotFound("task"))?;
    if t.parent_task_id.is_some() {
        return Err(ApiError::bad_request(
            "a subtask moves with its parent task",
        ));
    }
    let owner = t.owner_id.clone().unwrap_or_else(|| v.user_id.clone());
    let (st, sid) = match project {
        Some(p) => ("project", p.to_string()),
        None => ("personal", owner),
    };
    let cols = columns::list_or_seed(c, st, &sid)?;
    let target = &cols[0];
    c.prepare_cached("UPDATE tasks SET position = position - 1 WHERE column_id = ?1 AND parent_task_id IS NULL AND position > ?2")?
        .execute(params![t.column_id, t.position])?;
    let now = crate::time::now_rfc3339();
    c.prepare_cached(
        "UPDATE tasks SET client_id = ?2, project_id = ?3, column_id = ?4, completed_at = NULL, updated_at = ?5,
            position = (SELECT COUNT(*) FROM tasks o WHERE o.column_id = ?4 AND o.parent_task_id IS NULL)
         WHERE id = ?1",
    )?
    .execute(params![t.id, client, project, target.id, now])?;
    // Subtasks follow into the same first column, keeping their order under the parent.
    c.prepare_cached(
        "WITH RECURSIVE sub(id) AS (SELECT id FROM tasks WHERE parent_task_id = ?1
                                    UNION SELECT t.id FROM tasks t JOIN sub ON t.parent_task_id = sub.id)
         UPDATE tasks SET client_id = ?2, project_id = ?3, column_id = ?4, completed_at = NULL, updated_at = ?5
         WHERE id IN (SELECT id FROM sub)",
    )?
    .execute(params![t.id, client, project, target.id, now])?;
    // Re-number each moved sibling group densely.
    let parents: Vec<String> = c
        .prepare_cached("SELECT DISTINCT parent_task_id FROM tasks WHERE column_id = ?1 AND parent_task_id IS NOT NULL")?
        .query_map([&target.id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for p in parents {
        let ids: Vec<String> = c
            .prepare_cached("SELECT id FROM tasks WHERE parent_task_id = ?1 AND column_id = ?2 ORDER BY position, id")?
            .query_map(params![p, target.id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for (i, id) in ids.iter().enumerate() {
            c.prepare_cached("UPDATE tasks SET position = ?2 WHERE id = ?1")?
                .execute(params![id, i as i64])?;
        }
    }
    Ok(())
}
