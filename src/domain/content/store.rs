//! All SQL of contents: rows, versions, provenance and feedback (templates: `templates_store`).
use super::RESOURCE;
use super::types::*;
use crate::access::Viewer;
use crate::page::Page;
use rusqlite::{Connection, OptionalExtension, Row, params};

const COLS: &str = "c.id, c.title, c.platform, c.brief, c.draft_content, c.status, c.version, c.persona_id, \
                    c.template_id, c.client_id, c.project_id, c.task_id, c.warnings, c.provider, c.model, \
                    c.owner_id, c.created_at, c.updated_at";

fn strings(s: String) -> Vec<String> {
    serde_json::from_str(&s).unwrap_or_default()
}

fn js(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn row(r: &Row) -> rusqlite::Result<Content> {
    Ok(Content {
        id: r.get(0)?,
        title: r.get(1)?,
        platform: r.get(2)?,
        brief: r.get(3)?,
        draft_content: r.get(4)?,
        status: r.get(5)?,
        version: r.get(6)?,
        persona_id: r.get(7)?,
        template_id: r.get(8)?,
        client_id: r.get(9)?,
        project_id: r.get(10)?,
        task_id: r.get(11)?,
        warnings: strings(r.get(12)?),
        provider: r.get(13)?,
        model: r.get(14)?,
        created_by: r.get(15)?,
        created_at: r.get(16)?,
        updated_at: r.get(17)?,
    })
}

pub fn list(
    c: &Connection,
    v: &Viewer,
    f: &ContentFilter,
    page: Page,
) -> rusqlite::Result<(Vec<Content>, u64)> {
    let filter = format!(
        "FROM contents c WHERE {}
           AND (?3 IS NULL OR c.task_id = ?3) AND (?4 IS NULL OR c.platform = ?4)
           AND (?5 IS NULL OR c.status = ?5) AND (?6 IS NULL OR c.client_id = ?6)
           AND (?7 IS NULL OR c.project_id = ?7)
           AND (?8 IS NULL OR instr(lower(c.title || ' ' || c.brief || ' ' || c.draft_content), lower(?8)) > 0)",
        RESOURCE.visible("c", 1)
    );
    let p = params![
        v.user_id,
        v.admin,
        f.task_id,
        f.platform,
        f.status,
        f.client_id,
        f.project_id,
        f.q
    ];
    let total: i64 = c
        .prepare_cached(&format!("SELECT COUNT(*) {filter}"))?
        .query_row(p, |r| r.get(0))?;
    let (limit, offset) = page.sql();
    let items = c
        .prepare_cached(&format!(
            "SELECT {COLS} {filter} ORDER BY c.updated_at DESC, c.id DESC LIMIT ?9 OFFSET ?10"
        ))?
        .query_map(
            params![
                v.user_id,
                v.admin,
                f.task_id,
                f.platform,
                f.status,
                f.client_id,
                f.project_id,
                f.q,
                limit,
                offset
            ],
            row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok((items, total as u64))
}

/// A content the viewer may see.
pub fn get(c: &Connection, v: &Viewer, id: &str) -> rusqlite::Result<Option<Content>> {
    let sql = format!(
        "SELECT {COLS} FROM contents c WHERE c.id = ?3 AND {}",
        RESOURCE.visible("c", 1)
    );
    c.prepare_cached(&sql)?
        .query_row(params![v.user_id, v.admin, id], row)
        .optional()
}

/// The current text of a visible content (what a persona simulation reads).
pub fn draft_text(c: &Connection, v: &Viewer, id: &str) -> rusqlite::Result<Option<String>> {
    Ok(get(c, v, id)?.map(|x| x.draft_content))
}

#[allow(clippy::too_many_arguments)]
pub fn insert(c: &Connection, owner: &str, x: &Content) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO contents (id, owner_id, client_id, project_id, task_id, persona_id, template_id, title,
            platform, brief, draft_content, status, version, warnings, provider, model, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17)",
    )?
    .execute(params![
        x.id,
        owner,
        x.client_id,
        x.project_id,
        x.task_id,
        x.persona_id,
        x.template_id,
        x.title,
        x.platform,
        x.brief,
        x.draft_content,
        x.status,
        x.version,
        js(&x.warnings),
        x.provider,
        x.model,
        x.created_at
    ])?;
    Ok(())
}

/// Rewrite the mutable columns of a content from `x`.
pub fn update(c: &Connection, x: &Content) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE contents SET title = ?2, draft_content = ?3, status = ?4, version = ?5, persona_id = ?6,
            task_id = ?7, client_id = ?8, project_id = ?9, warnings = ?10, provider = ?11, model = ?12,
            updated_at = ?13
         WHERE id = ?1",
    )?
    .execute(params![
        x.id,
        x.title,
        x.draft_content,
        x.status,
        x.version,
        x.persona_id,
        x.task_id,
        x.client_id,
        x.project_id,
        js(&x.warnings),
        x.provider,
        x.model,
        x.updated_at
    ])?;
    Ok(())
}

pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached("DELETE FROM contents WHERE id = ?1")?
        .execute([id])?
        > 0)
}

pub fn insert_version(
    c: &Connection,
    content_id: &str,
    version: i64,
    n: &NewVersion,
    by: &str,
    now: &str,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO content_versions (content_id, version, title, draft_content, origin, instructions, warnings,
            created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        content_id,
        version,
        n.title,
        n.draft,
        n.origin,
        n.instructions,
        js(n.warnings),
        by,
        now
    ])?;
    Ok(())
}

fn version_row(r: &Row) -> rusqlite::Result<ContentVersion> {
    Ok(ContentVersion {
        version: r.get(0)?,
        title: r.get(1)?,
        draft_content: r.get(2)?,
        origin: r.get(3)?,
        instructions: r.get(4)?,
        warnings: strings(r.get(5)?),
        created_by: r.get(6)?,
        created_at: r.get(7)?,
    })
}

const VERSION_COLS: &str =
    "version, title, draft_content, origin, instructions, warnings, created_by, created_at";

pub fn versions(
    c: &Connection,
    content_id: &str,
    page: Page,
) -> rusqlite::Result<(Vec<ContentVersion>, u64)> {
    let total = versions_count(c, content_id)?;
    let (limit, offset) = page.sql();
    let items = c
        .prepare_cached(&format!(
            "SELECT {VERSION_COLS} FROM content_versions WHERE content_id = ?1
             ORDER BY version DESC LIMIT ?2 OFFSET ?3"
        ))?
        .query_map(params![content_id, limit, offset], version_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok((items, total as u64))
}

pub fn version(
    c: &Connection,
    content_id: &str,
    n: i64,
) -> rusqlite::Result<Option<ContentVersion>> {
    c.prepare_cached(&format!(
        "SELECT {VERSION_COLS} FROM content_versions WHERE content_id = ?1 AND version = ?2"
    ))?
    .query_row(params![content_id, n], version_row)
    .optional()
}

pub fn versions_count(c: &Connection, content_id: &str) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT COUNT(*) FROM content_versions WHERE content_id = ?1")?
        .query_row([content_id], |r| r.get(0))
}

pub fn insert_provenance(
    c: &Connection,
    content_id: &str,
    version: i64,
    d: &Drawn,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO content_provenance (content_id, version, kind, ref_id, source_id, label, weight)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (content_id, version, kind, ref_id) DO UPDATE SET weight = max(weight, excluded.weight)",
    )?
    .execute(params![
        content_id,
        version,
        d.kind,
        d.ref_id,
        d.source_id,
        d.label,
        d.weight
    ])?;
    Ok(())
}

/// Carry what version `from` drew on over to version `to` (an edit or a restore builds on it).
pub fn copy_provenance(
    c: &Connection,
    content_id: &str,
    from: i64,
    to: i64,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT OR IGNORE INTO content_provenance (content_id, version, kind, ref_id, source_id, label, weight)
         SELECT content_id, ?3, kind, ref_id, source_id, label, weight FROM content_provenance
         WHERE content_id = ?1 AND version = ?2",
    )?
    .execute(params![content_id, from, to])?;
    Ok(())
}

pub fn provenance(
    c: &Connection,
    content_id: &str,
    version: i64,
) -> rusqlite::Result<Vec<ProvenanceItem>> {
    c.prepare_cached(
        "SELECT kind, ref_id, source_id, label, weight, version FROM content_provenance
         WHERE content_id = ?1 AND version = ?2 ORDER BY kind, weight DESC, ref_id",
    )?
    .query_map(params![content_id, version], |r| {
        Ok(ProvenanceItem {
            kind: r.get(0)?,
            ref_id: r.get(1)?,
            source_id: r.get(2)?,
            label: r.get(3)?,
            weight: r.get(4)?,
            version: r.get(5)?,
        })
    })?
    .collect()
}

fn feedback_row(r: &Row) -> rusqlite::Result<ContentFeedback> {
    Ok(ContentFeedback {
        id: r.get(0)?,
        score: r.get(1)?,
        summary: r.get(2)?,
        tags: strings(r.get(3)?),
        user_id: r.get(4)?,
        created_at: r.get(5)?,
    })
}

pub fn feedback(c: &Connection, content_id: &str) -> rusqlite::Result<Vec<ContentFeedback>> {
    c.prepare_cached(
        "SELECT id, score, summary, tags, user_id, created_at FROM content_feedback
         WHERE content_id = ?1 ORDER BY created_at DESC, id DESC",
    )?
    .query_map([content_id], feedback_row)?
    .collect()
}

pub fn add_feedback(
    c: &Connection,
    content_id: &str,
    user_id: &str,
    score: i64,
    summary: Option<&str>,
    tags: &[String],
) -> rusqlite::Result<ContentFeedback> {
    let id = uuid::Uuid::now_v7().to_string();
    c.prepare_cached(
        "INSERT INTO content_feedback (id, content_id, user_id, score, summary, tags, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        id,
        content_id,
        user_id,
        score,
        summary,
        js(tags),
        crate::time::now_rfc3339()
    ])?;
    c.prepare_cached(
        "SELECT id, score, summary, tags, user_id, created_at FROM content_feedback WHERE id = ?1",
    )?
    .query_row([id], feedback_row)
}

/// The plan item a content drafts, if one links it.
pub fn plan_item_of(c: &Connection, content_id: &str) -> rusqlite::Result<Option<String>> {
    c.prepare_cached("SELECT id FROM plan_items WHERE content_id = ?1 LIMIT 1")?
        .query_row([content_id], |r| r.get(0))
        .optional()
}

/// One rating a user gave one of their contents, with what was rated (for the preferences
/// learning): platform, characters of the current draft, score, summary, tags.
pub struct Rated {
    pub platform: String,
    pub chars: i64,
    pub score: i64,
    pub summary: Option<String>,
    pub tags: Vec<String>,
}

/// The feedback `user_id` gave on contents they own (newest first, at most `limit`).
pub fn ratings_of(c: &Connection, user_id: &str, limit: i64) -> rusqlite::Result<Vec<Rated>> {
    c.prepare_cached(
        "SELECT c.platform, length(c.draft_content), f.score, f.summary, f.tags
         FROM content_feedback f JOIN contents c ON c.id = f.content_id
         WHERE f.user_id = ?1 AND c.owner_id = ?1 ORDER BY f.created_at DESC LIMIT ?2",
    )?
    .query_map(params![user_id, limit], |r| {
        Ok(Rated {
            platform: r.get(0)?,
            chars: r.get(1)?,
            score: r.get(2)?,
            summary: r.get(3)?,
            tags: strings(r.get(4)?),
        })
    })?
    .collect()
}
