//! Board columns: which board a request names, who may use it, and column edits that keep the
//! board densely ordered with one done column.
use super::columns_store as store;
use super::types::{Column, CreateColumn, UpdateColumn};
use crate::access::{self, Viewer};
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use rusqlite::Connection;

/// The board a request names: `project_id`, or `scope_type` + `scope_id`, or the caller's
/// personal board.
#[derive(Clone, Default)]
pub struct Board {
    pub project_id: Option<String>,
    /// `project` or `personal`.
    pub scope_type: Option<String>,
    pub scope_id: Option<String>,
}

/// Resolve a board and check the viewer may use it (404 otherwise).
fn resolve(c: &Connection, v: &Viewer, b: &Board) -> ApiResult<(String, String)> {
    if let Some(other) = b
        .scope_type
        .as_deref()
        .filter(|t| !matches!(*t, "project" | "personal"))
    {
        return Err(ApiError::unprocessable(format!(
            "scope_type must be project or personal, not {other:?}"
        )));
    }
    let (st, sid) = match (b.project_id.as_deref(), b.scope_type.as_deref()) {
        (Some(p), _) => ("project".to_string(), p.to_string()),
        (None, Some("project")) => (
            "project".to_string(),
            b.scope_id
                .clone()
                .ok_or_else(|| ApiError::unprocessable("scope_id is required"))?,
        ),
        (None, Some("personal")) | (None, None) => (
            "personal".to_string(),
            b.scope_id.clone().unwrap_or_else(|| v.user_id.clone()),
        ),
        (None, Some(other)) => {
            return Err(ApiError::unprocessable(format!(
                "scope_type must be project or personal, not {other:?}"
            )));
        }
    };
    let ok = match st.as_str() {
        "project" => access::in_project(c, v, &sid)?,
        _ => sid == v.user_id || (v.admin && store::user_exists(c, &sid)?),
    };
    if !ok {
        return Err(ApiError::NotFound("board"));
    }
    Ok((st, sid))
}

/// A column the viewer may use (its board is theirs or their project's), else 404.
pub(super) fn visible_in(c: &Connection, v: &Viewer, id: &str) -> ApiResult<Column> {
    let col = store::get(c, id)?.ok_or(ApiError::NotFound("column"))?;
    let board = Board {
        project_id: None,
        scope_type: Some(col.scope_type.clone()),
        scope_id: Some(col.scope_id.clone()),
    };
    resolve(c, v, &board).map_err(|_| ApiError::NotFound("column"))?;
    Ok(col)
}

/// The columns of a board in order, creating the default ones the first time a board is used
/// (only then does this take the write lock).
pub async fn list(db: &Db, v: Viewer, b: Board, page: Page) -> ApiResult<Paged<Column>> {
    let (cols, scope) = {
        let v = v.clone();
        db.read(move |c| -> ApiResult<_> {
            let (st, sid) = resolve(c, &v, &b)?;
            Ok((store::list(c, &st, &sid)?, (st, sid)))
        })
        .await?
    };
    if !cols.is_empty() {
        return Ok(page.slice(cols));
    }
    let (st, sid) = scope;
    let cols = db.write(move |c| store::list_or_seed(c, &st, &sid)).await?;
    Ok(page.slice(cols))
}

fn check_name(name: &str) -> ApiResult<()> {
    if name.trim().is_empty() || name.chars().count() > 100 {
        return Err(ApiError::unprocessable("name must be 1–100 characters"));
    }
    Ok(())
}

/// The most a WIP limit may be.
pub const MAX_WIP_LIMIT: i64 = 10_000;

fn check_wip_limit(w: Option<i64>) -> ApiResult<()> {
    match w {
        Some(w) if !(1..=MAX_WIP_LIMIT).contains(&w) => Err(ApiError::unprocessable(format!(
            "wip_limit must be between 1 and {MAX_WIP_LIMIT} (null for none)"
        ))),
        _ => Ok(()),
    }
}

pub async fn create(db: &Db, v: Viewer, b: CreateColumn) -> ApiResult<Column> {
    check_name(&b.name)?;
    super::check_position(b.position)?;
    check_wip_limit(b.wip_limit)?;
    db.write(move |c| -> ApiResult<_> {
        let board = Board {
            project_id: b.project_id.clone(),
            scope_type: b.scope_type.clone(),
            scope_id: b.scope_id.clone(),
        };
        let (st, sid) = resolve(c, &v, &board)?;
        store::list_or_seed(c, &st, &sid)?;
        Ok(store::insert(
            c,
            (&st, &sid),
            b.name.trim(),
            b.position,
            b.is_done,
            b.color.as_deref().unwrap_or(""),
            b.wip_limit,
        )?)
    })
    .await
}

pub async fn update(db: &Db, v: Viewer, id: String, u: UpdateColumn) -> ApiResult<Column> {
    if let Some(n) = &u.name {
        check_name(n)?;
    }
    super::check_position(u.position)?;
    check_wip_limit(u.wip_limit.flatten())?;
    db.write(move |c| -> ApiResult<_> {
        let col = visible_in(c, &v, &id)?;
        Ok(store::update(c, &col, &u)?)
    })
    .await
}

/// Delete a column, first appending its tasks to `target` (another column of the same board).
/// 409 when the column is not empty and no target was given.
pub async fn delete(db: &Db, v: Viewer, id: String, target: Option<String>) -> ApiResult<()> {
    db.write(move |c| -> ApiResult<_> {
        let col = visible_in(c, &v, &id)?;
        let target = target.map(|t| visible_in(c, &v, &t)).transpose()?;
        let count = store::task_count(c, &col.id)?;
        if count > 0 {
            let Some(t) = target else {
                return Err(ApiError::Conflict(format!(
                    "the column holds {count} task(s): pass target_column_id to move them"
                )));
            };
            if t.id == col.id || t.scope_type != col.scope_type || t.scope_id != col.scope_id {
                return Err(ApiError::conflict(
                    "target_column_id must be another column of the same board",
                ));
            }
            store::move_tasks(c, &col, &t)?;
        }
        store::delete(c, &col)?;
        Ok(())
    })
    .await
}

/// The columns of the board a task sits on (for the chat agent, which names columns by name).
pub fn of_task_board(c: &Connection, column_id: &str) -> rusqlite::Result<Vec<Column>> {
    match store::get(c, column_id)? {
        Some(col) => store::list(c, &col.scope_type, &col.scope_id),
        None => Ok(vec![]),
    }
}
