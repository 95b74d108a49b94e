//! SQL of the memory log (personal: each user reads their own entries).
use crate::page::{Page, Paged};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema, Clone)]
pub struct Memory {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub content: String,
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
    pub created_at: String,
}

fn row(r: &rusqlite::Row) -> rusqlite::Result<Memory> {
    let meta: String = r.get(3)?;
    Ok(Memory {
        id: r.get(0)?,
        kind: r.get(1)?,
        content: r.get(2)?,
        metadata: serde_json::from_str(&meta).unwrap_or_default(),
        created_at: r.get(4)?,
    })
}

pub fn insert(
    c: &Connection,
    owner: &str,
    kind: &str,
    content: &str,
    metadata: &serde_json::Value,
) -> rusqlite::Result<Memory> {
    let m = Memory {
        id: uuid::Uuid::now_v7().to_string(),
        kind: kind.to_string(),
        content: content.to_string(),
        metadata: if metadata.is_null() {
            serde_json::json!({})
        } else {
            metadata.clone()
        },
        created_at: crate::time::now_rfc3339(),
    };
    c.prepare_cached("INSERT INTO memory (id, owner_id, type, content, metadata, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
        .execute(params![m.id, owner, m.kind, m.content, m.metadata.to_string(), m.created_at])?;
    Ok(m)
}

/// The owner's entries, newest first.
pub fn recent(
    c: &Connection,
    owner: &str,
    kind: Option<&str>,
    page: Page,
) -> rusqlite::Result<Paged<Memory>> {
    let total: i64 = c
        .prepare_cached(
            "SELECT COUNT(*) FROM memory WHERE owner_id = ?1 AND (?2 IS NULL OR type = ?2)",
        )?
        .query_row(params![owner, kind], |r| r.get(0))?;
    let (limit, offset) = page.sql();
    let mut stmt = c.prepare_cached(
        "SELECT id, type, content, metadata, created_at FROM memory
         WHERE owner_id = ?1 AND (?2 IS NULL OR type = ?2) ORDER BY created_at DESC, id DESC LIMIT ?3 OFFSET ?4",
    )?;
    let rows = stmt.query_map(params![owner, kind, limit, offset], row)?;
    Ok(Paged::new(
        rows.collect::<rusqlite::Result<_>>()?,
        total as u64,
        page,
    ))
}

pub fn get(c: &Connection, owner: &str, id: &str) -> rusqlite::Result<Option<Memory>> {
    c.prepare_cached("SELECT id, type, content, metadata, created_at FROM memory WHERE owner_id = ?1 AND id = ?2")?
        .query_row(params![owner, id], row)
        .optional()
}

pub fn delete(c: &Connection, owner: &str, id: &str) -> rusqlite::Result<bool> {
    Ok(
        c.prepare_cached("DELETE FROM memory WHERE owner_id = ?1 AND id = ?2")?
            .execute(params![owner, id])?
            > 0,
    )
}

#[derive(Serialize, ToSchema)]
pub struct Stats {
    pub total: i64,
    pub by_type: BTreeMap<String, i64>,
    pub latest_at: Option<String>,
}

pub fn stats(c: &Connection, owner: &str) -> rusqlite::Result<Stats> {
    let mut stmt = c.prepare_cached(
        "SELECT type, COUNT(*), MAX(created_at) FROM memory WHERE owner_id = ?1 GROUP BY type",
    )?;
    let mut out = Stats {
        total: 0,
        by_type: BTreeMap::new(),
        latest_at: None,
    };
    let rows = stmt.query_map([owner], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    for r in rows {
        let (t, n, latest) = r?;
        out.total += n;
        out.by_type.insert(t, n);
        if latest > out.latest_at {
            out.latest_at = latest;
        }
    }
    Ok(out)
}

/// Chunk texts of the visible, ready sources of one collection (for pattern analysis).
pub fn collection_texts(
    c: &Connection,
    v: &crate::access::Viewer,
    collection_id: &str,
    limit: i64,
) -> rusqlite::Result<Vec<(String, String)>> {
    // Only the sources the viewer may see: a visible collection can hold others' private ones.
    let sql = format!(
        "SELECT s.title, s.content FROM sources s WHERE s.collection_id = ?3 AND s.status = 'ready'
           AND {} ORDER BY s.created_at DESC LIMIT ?4",
        crate::access::visible("s", "source", 1)
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![v.user_id, v.admin, collection_id, limit], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    rows.collect()
}
