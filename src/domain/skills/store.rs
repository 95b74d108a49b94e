//! All SQL of the skills area: skills, folders, and the once-per-workspace seed marker (shared
//! with personas).
use super::types::*;
use crate::access::{self, Viewer};
use crate::page::Page;
use rusqlite::{Connection, OptionalExtension, Row, params};

const COLS: &str = "k.id, k.owner_id, k.name, k.description, k.skill_type, k.instructions, k.active, \
                    k.folder_id, k.builtin, k.client_id, k.project_id, k.created_at, k.updated_at";

fn row(r: &Row) -> rusqlite::Result<Skill> {
    Ok(Skill {
        id: r.get(0)?,
        owner_id: r.get(1)?,
        name: r.get(2)?,
        description: r.get(3)?,
        skill_type: r.get(4)?,
        instructions: r.get(5)?,
        active: r.get(6)?,
        folder_id: r.get(7)?,
        builtin: r.get(8)?,
        client_id: r.get(9)?,
        project_id: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
    })
}

pub fn list(
    c: &Connection,
    v: &Viewer,
    skill_type: Option<&str>,
    page: Page,
) -> rusqlite::Result<(Vec<Skill>, u64)> {
    let filter = format!(
        "FROM skills k WHERE {} AND (?3 IS NULL OR k.skill_type = ?3)",
        access::visible("k", "skill", 1)
    );
    let total: i64 = c
        .prepare_cached(&format!("SELECT COUNT(*) {filter}"))?
        .query_row(params![v.user_id, v.admin, skill_type], |r| r.get(0))?;
    let (limit, offset) = page.sql();
    let items = c
        .prepare_cached(&format!(
            "SELECT {COLS} {filter} ORDER BY k.builtin DESC, k.name COLLATE NOCASE, k.id LIMIT ?4 OFFSET ?5"
        ))?
        .query_map(params![v.user_id, v.admin, skill_type, limit, offset], row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok((items, total as u64))
}

pub fn get(c: &Connection, v: &Viewer, id: &str) -> rusqlite::Result<Option<Skill>> {
    let sql = format!(
        "SELECT {COLS} FROM skills k WHERE k.id = ?3 AND {}",
        access::visible("k", "skill", 1)
    );
    c.prepare_cached(&sql)?
        .query_row(params![v.user_id, v.admin, id], row)
        .optional()
}

/// The owner's active skills in a stable order (name, then id).
pub fn active(c: &Connection, owner: &str) -> rusqlite::Result<Vec<Skill>> {
    let sql = format!(
        "SELECT {COLS} FROM skills k WHERE k.owner_id = ?1 AND k.active = 1 ORDER BY k.name COLLATE NOCASE, k.id"
    );
    c.prepare_cached(&sql)?.query_map([owner], row)?.collect()
}

pub fn insert(
    c: &Connection,
    owner: &str,
    s: &SkillInput,
    skill_type: &str,
    builtin: bool,
) -> rusqlite::Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    c.prepare_cached(
        "INSERT INTO skills (id, owner_id, client_id, project_id, folder_id, name, description, skill_type,
            instructions, active, builtin, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
    )?
    .execute(params![
        id,
        owner,
        s.client_id,
        s.project_id,
        s.folder_id,
        s.name,
        s.description,
        skill_type,
        s.instructions,
        s.active.unwrap_or(false),
        builtin,
        crate::time::now_rfc3339()
    ])?;
    Ok(id)
}

pub fn update(c: &Connection, id: &str, s: &SkillInput, skill_type: &str) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE skills SET name = ?2, description = ?3, skill_type = ?4, instructions = ?5,
            active = COALESCE(?6, active), updated_at = ?7 WHERE id = ?1",
    )?
    .execute(params![
        id,
        s.name,
        s.description,
        skill_type,
        s.instructions,
        s.active,
        crate::time::now_rfc3339()
    ])?;
    Ok(())
}

pub fn set_active(c: &Connection, id: &str, active: bool) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE skills SET active = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, active, crate::time::now_rfc3339()])?;
    Ok(())
}

pub fn set_folder(c: &Connection, id: &str, folder: Option<&str>) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE skills SET folder_id = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, folder, crate::time::now_rfc3339()])?;
    Ok(())
}

pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached("DELETE FROM skills WHERE id = ?1")?
        .execute([id])?
        > 0)
}

pub fn folders(c: &Connection, owner: &str) -> rusqlite::Result<Vec<Folder>> {
    c.prepare_cached(
        "SELECT id, name, parent_id, created_at FROM skill_folders WHERE owner_id = ?1
         ORDER BY name COLLATE NOCASE, id",
    )?
    .query_map([owner], |r| {
        Ok(Folder {
            id: r.get(0)?,
            name: r.get(1)?,
            parent_id: r.get(2)?,
            created_at: r.get(3)?,
        })
    })?
    .collect()
}

pub fn folder(c: &Connection, owner: &str, id: &str) -> rusqlite::Result<Option<Folder>> {
    Ok(folders(c, owner)?.into_iter().find(|f| f.id == id))
}

pub fn insert_folder(c: &Connection, owner: &str, f: &FolderInput) -> rusqlite::Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    c.prepare_cached(
        "INSERT INTO skill_folders (id, owner_id, parent_id, name, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id, owner, f.parent_id, f.name, crate::time::now_rfc3339()])?;
    Ok(id)
}

pub fn update_folder(c: &Connection, id: &str, f: &FolderInput) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE skill_folders SET name = ?2, parent_id = ?3 WHERE id = ?1")?
        .execute(params![id, f.name, f.parent_id])?;
    Ok(())
}

/// Delete a folder: its skills go to the root, its sub-folders to its parent.
pub fn delete_folder(c: &Connection, id: &str, parent: Option<&str>) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE skills SET folder_id = NULL WHERE folder_id = ?1")?
        .execute([id])?;
    c.prepare_cached("UPDATE skill_folders SET parent_id = ?2 WHERE parent_id = ?1")?
        .execute(params![id, parent])?;
    c.prepare_cached("DELETE FROM skill_folders WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Whether the built-ins of `kind` (skills, personas) were seeded for this owner.
pub fn seeded(c: &Connection, owner: &str, kind: &str) -> rusqlite::Result<bool> {
    c.prepare_cached("SELECT EXISTS(SELECT 1 FROM voice_seeds WHERE owner_id = ?1 AND kind = ?2)")?
        .query_row(params![owner, kind], |r| r.get(0))
}

pub fn mark_seeded(c: &Connection, owner: &str, kind: &str) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT OR IGNORE INTO voice_seeds (owner_id, kind, seeded_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![owner, kind, crate::time::now_rfc3339()])?;
    Ok(())
}
