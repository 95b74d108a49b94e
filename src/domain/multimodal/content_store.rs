//! SQL reading what the renderer and the planner need from other areas' tables: a content's
//! text and placement, and the design-system learning of its client (or owner).
use rusqlite::{Connection, OptionalExtension, params};

pub struct ContentText {
    pub title: String,
    pub platform: String,
    pub brief: String,
    pub draft: String,
    pub client_id: Option<String>,
    pub owner_id: String,
}

pub fn text(c: &Connection, content_id: &str) -> rusqlite::Result<Option<ContentText>> {
    c.prepare_cached(
        "SELECT title, platform, brief, draft_content, client_id, owner_id FROM contents WHERE id = ?1",
    )?
    .query_row([content_id], |r| {
        Ok(ContentText {
            title: r.get(0)?,
            platform: r.get(1)?,
            brief: r.get(2)?,
            draft: r.get(3)?,
            client_id: r.get(4)?,
            owner_id: r.get(5)?,
        })
    })
    .optional()
}

/// The newest design-system learning's data: the client's when the content has a client,
/// else the owner's own (not placed under a client).
pub fn design_system(
    c: &Connection,
    client_id: Option<&str>,
    owner_id: &str,
) -> rusqlite::Result<Option<String>> {
    c.prepare_cached(
        "SELECT data FROM learnings
         WHERE type IN ('design_system', 'merged_design_system')
           AND ((?1 IS NOT NULL AND client_id = ?1) OR (?1 IS NULL AND client_id IS NULL AND owner_id = ?2))
         ORDER BY updated_at DESC LIMIT 1",
    )?
    .query_row(params![client_id, owner_id], |r| r.get(0))
    .optional()
}
