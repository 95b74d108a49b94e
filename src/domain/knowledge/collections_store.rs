//! SQL of collections.
use crate::access::{self, Viewer};
use crate::page::{Page, Paged};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Collection {
    pub id: String,
    pub owner_id: String,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub name: String,
    pub description: String,
    pub source_count: i64,
    pub created_at: String,
    pub updated_at: String,
}

const COLS: &str = "k.id, k.owner_id, k.client_id, k.project_id, k.name, k.description,
    (SELECT COUNT(*) FROM sources s WHERE s.collection_id = k.id), k.created_at, k.updated_at";

fn row(r: &rusqlite::Row) -> rusqlite::Result<Collection> {
    Ok(Collection {
        id: r.get(0)?,
        owner_id: r.get(1)?,
        client_id: r.get(2)?,
        project_id: r.get(3)?,
        name: r.get(4)?,
        description: r.get(5)?,
        source_count: r.get(6)?,
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

pub fn insert(
    c: &Connection,
    owner: &str,
    client_id: Option<&str>,
    project_id: Option<&str>,
    name: &str,
    description: &str,
) -> rusqlite::Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    let now = crate::time::now_rfc3339();
    c.prepare_cached(
        "INSERT INTO collections (id, owner_id, client_id, project_id, name, description, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
    )?
    .execute(params![id, owner, client_id, project_id, name, description, now])?;
    Ok(id)
}

pub fn get(c: &Connection, v: &Viewer, id: &str) -> rusqlite::Result<Option<Collection>> {
    let sql = format!(
        "SELECT {COLS} FROM collections k WHERE k.id = ?3 AND {}",
        access::visible("k", "collection", 1)
    );
    c.prepare_cached(&sql)?
        .query_row(params![v.user_id, v.admin, id], row)
        .optional()
}

pub fn list(c: &Connection, v: &Viewer, page: Page) -> rusqlite::Result<Paged<Collection>> {
    let vis = access::visible("k", "collection", 1);
    let total: i64 = c
        .prepare_cached(&format!("SELECT COUNT(*) FROM collections k WHERE {vis}"))?
        .query_row(params![v.user_id, v.admin], |r| r.get(0))?;
    let (limit, offset) = page.sql();
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLS} FROM collections k WHERE {vis} ORDER BY k.name COLLATE NOCASE, k.id LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = stmt.query_map(params![v.user_id, v.admin, limit, offset], row)?;
    Ok(Paged::new(
        rows.collect::<rusqlite::Result<_>>()?,
        total as u64,
        page,
    ))
}

pub fn update(
    c: &Connection,
    id: &str,
    name: Option<&str>,
    description: Option<&str>,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE collections SET name = COALESCE(?2, name), description = COALESCE(?3, description), updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id, name, description, crate::time::now_rfc3339()])?;
    Ok(())
}

pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached("DELETE FROM collections WHERE id = ?1")?
        .execute([id])?
        > 0)
}
