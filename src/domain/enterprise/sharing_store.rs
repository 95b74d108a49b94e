//! SQL of shares (a resource made visible to another client/project) and of moving a registered
//! resource into a client/project. Table and column names come from registered
//! `access::Resource` constants, never from input.
use super::types::{Share, ShareQuery};
use crate::access::{Resource, Viewer};
use crate::page::Page;
use rusqlite::{Connection, OptionalExtension, params};

const SHARE: &str = "SELECT id, resource_type, resource_id, target_type, target_id, created_by, created_at FROM shares";

fn share_row(r: &rusqlite::Row) -> rusqlite::Result<Share> {
    Ok(Share {
        id: r.get(0)?,
        resource_type: r.get(1)?,
        resource_id: r.get(2)?,
        target_type: r.get(3)?,
        target_id: r.get(4)?,
        created_by: r.get(5)?,
        created_at: r.get(6)?,
    })
}

/// Put a row of this kind in a client/project.
pub fn set_scope(
    c: &Connection,
    res: &Resource,
    id: &str,
    client: Option<&str>,
    project: Option<&str>,
) -> rusqlite::Result<()> {
    c.prepare_cached(&format!(
        "UPDATE {} SET {} = ?2, {} = ?3 WHERE id = ?1",
        res.table, res.client_col, res.project_col
    ))?
    .execute(params![id, client, project])?;
    Ok(())
}

/// Record a share (idempotent) and return it.
pub fn insert(
    c: &Connection,
    by: &str,
    resource_type: &str,
    resource_id: &str,
    target_type: &str,
    target_id: &str,
) -> rusqlite::Result<Share> {
    c.prepare_cached(
        "INSERT INTO shares (id, resource_type, resource_id, target_type, target_id, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
    )?
    .execute(params![
        uuid::Uuid::now_v7().to_string(), resource_type, resource_id, target_type, target_id, by,
        crate::time::now_rfc3339()
    ])?;
    c.prepare_cached(&format!("{SHARE} WHERE resource_type = ?1 AND resource_id = ?2 AND target_type = ?3 AND target_id = ?4"))?
        .query_row(params![resource_type, resource_id, target_type, target_id], share_row)
}

/// Shares the viewer made or that target one of their scopes (all for admins): ?1 user, ?2 admin.
const MINE: &str = "(?2 = 1 OR created_by = ?1
      OR (target_type = 'project' AND target_id IN (SELECT project_id FROM user_projects WHERE user_id = ?1))
      OR (target_type = 'client' AND target_id IN (SELECT client_id FROM user_clients WHERE user_id = ?1)))";

/// One page of the viewer's shares matching `q`, newest first, and how many match.
pub fn list(
    c: &Connection,
    v: &Viewer,
    q: &ShareQuery,
    page: Page,
) -> rusqlite::Result<(Vec<Share>, u64)> {
    let filter = format!(
        "WHERE {MINE} AND (?3 IS NULL OR resource_type = ?3) AND (?4 IS NULL OR resource_id = ?4)"
    );
    let total = c
        .prepare_cached(&format!("SELECT COUNT(*) FROM shares {filter}"))?
        .query_row(
            params![v.user_id, v.admin, q.resource_type, q.resource_id],
            |r| r.get::<_, i64>(0).map(|n| n as u64),
        )?;
    let (limit, offset) = page.sql();
    let items = c
        .prepare_cached(&format!(
            "{SHARE} {filter} ORDER BY created_at DESC, id DESC LIMIT ?5 OFFSET ?6"
        ))?
        .query_map(
            params![
                v.user_id,
                v.admin,
                q.resource_type,
                q.resource_id,
                limit,
                offset
            ],
            share_row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok((items, total))
}

/// A share the viewer can see (see [`list`]).
pub fn get(c: &Connection, v: &Viewer, id: &str) -> rusqlite::Result<Option<Share>> {
    c.prepare_cached(&format!("{SHARE} WHERE id = ?3 AND {MINE}"))?
        .query_row(params![v.user_id, v.admin, id], share_row)
        .optional()
}

pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM shares WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}
