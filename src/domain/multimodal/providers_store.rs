//! SQL of the media providers (api_key stays sealed here; the operations mask or open it).
use rusqlite::{Connection, OptionalExtension, params};

/// A provider row as stored (`api_key` sealed).
pub struct Row {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub base_url: Option<String>,
    pub api_key: Option<String>,
    pub model: String,
    pub defaults: String,
    pub created_at: String,
    pub updated_at: String,
}

const COLS: &str = "id, name, type, base_url, api_key, model, defaults, created_at, updated_at";

fn row(r: &rusqlite::Row) -> rusqlite::Result<Row> {
    Ok(Row {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: r.get(2)?,
        base_url: r.get(3)?,
        api_key: r.get(4)?,
        model: r.get(5)?,
        defaults: r.get(6)?,
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

pub fn list(c: &Connection, limit: i64, offset: i64) -> rusqlite::Result<(Vec<Row>, i64)> {
    let items = c
        .prepare_cached(&format!(
            "SELECT {COLS} FROM media_providers ORDER BY name, id LIMIT ?1 OFFSET ?2"
        ))?
        .query_map(params![limit, offset], row)?
        .collect::<rusqlite::Result<_>>()?;
    let total = c
        .prepare_cached("SELECT COUNT(*) FROM media_providers")?
        .query_row([], |r| r.get(0))?;
    Ok((items, total))
}

pub fn get(c: &Connection, id: &str) -> rusqlite::Result<Option<Row>> {
    c.prepare_cached(&format!("SELECT {COLS} FROM media_providers WHERE id = ?1"))?
        .query_row([id], row)
        .optional()
}

pub fn insert(c: &Connection, p: &Row, by: &str) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO media_providers (id, name, type, base_url, api_key, model, defaults, created_by, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
    )?
    .execute(params![p.id, p.name, p.kind, p.base_url, p.api_key, p.model, p.defaults, by, p.created_at])?;
    Ok(())
}

pub fn update(c: &Connection, p: &Row) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached(
        "UPDATE media_providers SET name = ?2, type = ?3, base_url = ?4, api_key = ?5, model = ?6,
            defaults = ?7, updated_at = ?8 WHERE id = ?1",
    )?
    .execute(params![
        p.id,
        p.name,
        p.kind,
        p.base_url,
        p.api_key,
        p.model,
        p.defaults,
        p.updated_at
    ])? > 0)
}

pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    Ok(
        c.prepare_cached("DELETE FROM media_providers WHERE id = ?1")?
            .execute([id])?
            > 0,
    )
}
