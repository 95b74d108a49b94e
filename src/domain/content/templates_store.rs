//! SQL of custom content templates (the built-ins are files, never rows).
use super::types::*;
use rusqlite::{Connection, OptionalExtension, Row, params};

fn row(r: &Row) -> rusqlite::Result<ContentTemplate> {
    let structure: String = r.get(4)?;
    Ok(ContentTemplate {
        id: r.get(0)?,
        name: r.get(1)?,
        description: r.get(2)?,
        platform: r.get(3)?,
        builtin: false,
        structure: serde_json::from_str(&structure).unwrap_or(TemplateStructure {
            sections: vec![],
            notes: None,
        }),
        created_at: r.get(5)?,
    })
}

const COLS: &str = "id, name, description, platform, structure, created_at";

/// The custom templates of `owner`, oldest first.
pub fn list(c: &Connection, owner: &str) -> rusqlite::Result<Vec<ContentTemplate>> {
    c.prepare_cached(&format!(
        "SELECT {COLS} FROM content_templates WHERE owner_id = ?1 ORDER BY created_at, id"
    ))?
    .query_map([owner], row)?
    .collect()
}

/// A custom template of `owner`.
pub fn get(c: &Connection, owner: &str, id: &str) -> rusqlite::Result<Option<ContentTemplate>> {
    c.prepare_cached(&format!(
        "SELECT {COLS} FROM content_templates WHERE id = ?1 AND owner_id = ?2"
    ))?
    .query_row(params![id, owner], row)
    .optional()
}

pub fn insert(c: &Connection, owner: &str, t: &ContentTemplate) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO content_templates (id, owner_id, name, description, platform, structure, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        t.id,
        owner,
        t.name,
        t.description,
        t.platform,
        serde_json::to_string(&t.structure).unwrap_or_default(),
        t.created_at
    ])?;
    Ok(())
}

pub fn delete(c: &Connection, owner: &str, id: &str) -> rusqlite::Result<bool> {
    Ok(
        c.prepare_cached("DELETE FROM content_templates WHERE id = ?1 AND owner_id = ?2")?
            .execute(params![id, owner])?
            > 0,
    )
}
