//! All SQL of the personas area.
use super::types::*;
use crate::access::{self, Viewer};
use crate::page::Page;
use rusqlite::{Connection, OptionalExtension, Row, params};

const COLS: &str = "p.id, p.owner_id, p.name, p.role, p.description, p.goals, p.pain_points, p.interests, \
                    p.objections, p.tone, p.platforms, p.builtin, p.client_id, p.project_id, p.created_at, p.updated_at";

fn list_of(r: &Row, i: usize) -> rusqlite::Result<Vec<String>> {
    let s: String = r.get(i)?;
    Ok(serde_json::from_str(&s).unwrap_or_default())
}

fn row(r: &Row) -> rusqlite::Result<Persona> {
    Ok(Persona {
        id: r.get(0)?,
        owner_id: r.get(1)?,
        name: r.get(2)?,
        role: r.get(3)?,
        description: r.get(4)?,
        goals: list_of(r, 5)?,
        pain_points: list_of(r, 6)?,
        interests: list_of(r, 7)?,
        objections: list_of(r, 8)?,
        tone: r.get(9)?,
        platforms: list_of(r, 10)?,
        builtin: r.get(11)?,
        client_id: r.get(12)?,
        project_id: r.get(13)?,
        created_at: r.get(14)?,
        updated_at: r.get(15)?,
    })
}

fn js(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

pub fn list(c: &Connection, v: &Viewer, page: Page) -> rusqlite::Result<(Vec<Persona>, u64)> {
    let filter = format!(
        "FROM personas p WHERE {}",
        access::visible("p", "persona", 1)
    );
    let total: i64 = c
        .prepare_cached(&format!("SELECT COUNT(*) {filter}"))?
        .query_row(params![v.user_id, v.admin], |r| r.get(0))?;
    let (limit, offset) = page.sql();
    let items = c
        .prepare_cached(&format!(
            "SELECT {COLS} {filter} ORDER BY p.builtin DESC, p.name COLLATE NOCASE, p.id LIMIT ?3 OFFSET ?4"
        ))?
        .query_map(params![v.user_id, v.admin, limit, offset], row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok((items, total as u64))
}

pub fn get(c: &Connection, v: &Viewer, id: &str) -> rusqlite::Result<Option<Persona>> {
    let sql = format!(
        "SELECT {COLS} FROM personas p WHERE p.id = ?3 AND {}",
        access::visible("p", "persona", 1)
    );
    c.prepare_cached(&sql)?
        .query_row(params![v.user_id, v.admin, id], row)
        .optional()
}

pub fn insert(
    c: &Connection,
    owner: &str,
    p: &PersonaInput,
    builtin: bool,
) -> rusqlite::Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    c.prepare_cached(
        "INSERT INTO personas (id, owner_id, client_id, project_id, name, role, description, goals, pain_points,
            interests, objections, tone, platforms, builtin, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)",
    )?
    .execute(params![
        id,
        owner,
        p.client_id,
        p.project_id,
        p.name,
        p.role,
        p.description,
        js(&p.goals),
        js(&p.pain_points),
        js(&p.interests),
        js(&p.objections),
        p.tone,
        js(&p.platforms),
        builtin,
        crate::time::now_rfc3339()
    ])?;
    Ok(id)
}

pub fn update(c: &Connection, id: &str, p: &PersonaInput) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE personas SET name = ?2, role = ?3, description = ?4, goals = ?5, pain_points = ?6,
            interests = ?7, objections = ?8, tone = ?9, platforms = ?10, updated_at = ?11 WHERE id = ?1",
    )?
    .execute(params![
        id,
        p.name,
        p.role,
        p.description,
        js(&p.goals),
        js(&p.pain_points),
        js(&p.interests),
        js(&p.objections),
        p.tone,
        js(&p.platforms),
        crate::time::now_rfc3339()
    ])?;
    Ok(())
}

pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached("DELETE FROM personas WHERE id = ?1")?
        .execute([id])?
        > 0)
}
