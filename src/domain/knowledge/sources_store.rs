//! SQL of sources (and their upload blobs). Visibility via `access::visible`.
use crate::access::{self, Viewer};
use crate::page::{Page, Paged};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use utoipa::ToSchema;

/// A source as the API shows it (its text is in the chunks of the detail view).
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct Source {
    pub id: String,
    pub owner_id: String,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub collection_id: Option<String>,
    /// paste, url, file, folder or platform.
    pub kind: String,
    pub platform: Option<String>,
    pub title: String,
    pub url: Option<String>,
    /// pending → processing → ready | failed.
    pub status: String,
    pub error: Option<String>,
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
    pub size_bytes: i64,
    pub chunk_count: i64,
    pub created_at: String,
    pub updated_at: String,
}

const COLS: &str = "s.id, s.owner_id, s.client_id, s.project_id, s.collection_id, s.kind, s.platform, s.title, s.url,
    s.status, s.error, s.metadata, s.size_bytes, s.chunk_count, s.created_at, s.updated_at";

fn row(r: &rusqlite::Row) -> rusqlite::Result<Source> {
    let meta: String = r.get(11)?;
    Ok(Source {
        id: r.get(0)?,
        owner_id: r.get(1)?,
        client_id: r.get(2)?,
        project_id: r.get(3)?,
        collection_id: r.get(4)?,
        kind: r.get(5)?,
        platform: r.get(6)?,
        title: r.get(7)?,
        url: r.get(8)?,
        status: r.get(9)?,
        error: r.get(10)?,
        // Always an object (rows written with no metadata read as `{}`).
        metadata: serde_json::from_str::<serde_json::Value>(&meta)
            .ok()
            .filter(serde_json::Value::is_object)
            .unwrap_or_else(|| serde_json::json!({})),
        size_bytes: r.get(12)?,
        chunk_count: r.get(13)?,
        created_at: r.get(14)?,
        updated_at: r.get(15)?,
    })
}

/// What an importer knows when it creates a source.
#[derive(Default, Clone)]
pub struct NewSource {
    pub owner_id: String,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub collection_id: Option<String>,
    pub kind: &'static str,
    pub platform: Option<String>,
    pub title: String,
    pub url: Option<String>,
    pub external_id: Option<String>,
    pub content: String,
    pub metadata: serde_json::Value,
}

/// Insert a pending source. With an `external_id`, a re-import of the same item (same owner and
/// platform) updates the existing source instead and returns its id.
pub fn insert(c: &Connection, s: &NewSource) -> rusqlite::Result<String> {
    if let Some(ext) = &s.external_id {
        let existing: Option<String> = c
            .prepare_cached(
                "SELECT id FROM sources WHERE owner_id = ?1 AND platform IS ?2 AND external_id = ?3",
            )?
            .query_row(params![s.owner_id, s.platform, ext], |r| r.get(0))
            .optional()?;
        if let Some(id) = existing {
            c.prepare_cached(
                "UPDATE sources SET title = ?2, content = ?3, metadata = ?4, url = ?5, status = 'pending',
                 error = NULL, updated_at = ?6, collection_id = COALESCE(?7, collection_id) WHERE id = ?1",
            )?
            .execute(params![
                id,
                s.title,
                s.content,
                s.metadata.to_string(),
                s.url,
                crate::time::now_rfc3339(),
                s.collection_id
            ])?;
            return Ok(id);
        }
    }
    let id = uuid::Uuid::now_v7().to_string();
    let now = crate::time::now_rfc3339();
    let meta = if s.metadata.is_null() {
        serde_json::json!({})
    } else {
        s.metadata.clone()
    };
    c.prepare_cached(
        "INSERT INTO sources (id, owner_id, client_id, project_id, collection_id, kind, platform, title, url,
            external_id, status, content, metadata, size_bytes, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'pending', ?11, ?12, ?13, ?14, ?14)",
    )?
    .execute(params![
        id,
        s.owner_id,
        s.client_id,
        s.project_id,
        s.collection_id,
        s.kind,
        s.platform,
        s.title,
        s.url,
        s.external_id,
        s.content,
        meta.to_string(),
        s.content.len() as i64,
        now
    ])?;
    Ok(id)
}

pub fn put_blob(c: &Connection, id: &str, filename: &str, bytes: &[u8]) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT OR REPLACE INTO source_blobs (source_id, filename, bytes) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![id, filename, bytes])?;
    c.prepare_cached("UPDATE sources SET size_bytes = ?2 WHERE id = ?1")?
        .execute(params![id, bytes.len() as i64])?;
    Ok(())
}

pub fn blob(c: &Connection, id: &str) -> rusqlite::Result<Option<(String, Vec<u8>)>> {
    c.prepare_cached("SELECT filename, bytes FROM source_blobs WHERE source_id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
}

/// A visible source.
pub fn get(c: &Connection, v: &Viewer, id: &str) -> rusqlite::Result<Option<Source>> {
    let sql = format!(
        "SELECT {COLS} FROM sources s WHERE s.id = ?3 AND {}",
        access::visible("s", "source", 1)
    );
    c.prepare_cached(&sql)?
        .query_row(params![v.user_id, v.admin, id], row)
        .optional()
}

pub fn exists(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    c.prepare_cached("SELECT EXISTS(SELECT 1 FROM sources WHERE id = ?1)")?
        .query_row([id], |r| r.get(0))
}

/// Any source, for background jobs (no viewer).
pub fn get_any(c: &Connection, id: &str) -> rusqlite::Result<Option<(Source, String)>> {
    let sql = format!("SELECT {COLS}, s.content FROM sources s WHERE s.id = ?1");
    c.prepare_cached(&sql)?
        .query_row([id], |r| Ok((row(r)?, r.get(16)?)))
        .optional()
}

#[derive(Default)]
pub struct ListFilter {
    pub collection_id: Option<String>,
    pub status: Option<String>,
    pub platform: Option<String>,
}

pub fn list(
    c: &Connection,
    v: &Viewer,
    f: &ListFilter,
    page: Page,
) -> rusqlite::Result<Paged<Source>> {
    let filter = format!(
        "FROM sources s WHERE {}
           AND (?3 IS NULL OR s.collection_id = ?3) AND (?4 IS NULL OR s.status = ?4)
           AND (?5 IS NULL OR s.platform = ?5)",
        access::visible("s", "source", 1)
    );
    let total: i64 = c
        .prepare_cached(&format!("SELECT COUNT(*) {filter}"))?
        .query_row(
            params![v.user_id, v.admin, f.collection_id, f.status, f.platform],
            |r| r.get(0),
        )?;
    let (limit, offset) = page.sql();
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLS} {filter} ORDER BY s.created_at DESC, s.id DESC LIMIT ?6 OFFSET ?7"
    ))?;
    let rows = stmt.query_map(
        params![
            v.user_id,
            v.admin,
            f.collection_id,
            f.status,
            f.platform,
            limit,
            offset
        ],
        row,
    )?;
    Ok(Paged::new(
        rows.collect::<rusqlite::Result<_>>()?,
        total as u64,
        page,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ChunkView {
    pub id: i64,
    pub ord: i64,
    pub text: String,
    pub start: i64,
    pub end: i64,
}

pub fn chunks(c: &Connection, doc_type: &str, id: &str) -> rusqlite::Result<Vec<ChunkView>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, ord, text, start_off, end_off FROM chunks WHERE doc_type = ?1 AND doc_id = ?2 ORDER BY ord",
    )?;
    let rows = stmt.query_map(params![doc_type, id], |r| {
        Ok(ChunkView {
            id: r.get(0)?,
            ord: r.get(1)?,
            text: r.get(2)?,
            start: r.get(3)?,
            end: r.get(4)?,
        })
    })?;
    rows.collect()
}

pub fn set_status(
    c: &Connection,
    id: &str,
    status: &str,
    error: Option<&str>,
) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE sources SET status = ?2, error = ?3, updated_at = ?4 WHERE id = ?1")?
        .execute(params![id, status, error, crate::time::now_rfc3339()])?;
    Ok(())
}

/// Record a successful extraction: text, title (kept when already set), metadata merged in.
pub fn set_ready(
    c: &Connection,
    id: &str,
    title: &str,
    content: &str,
    metadata: &serde_json::Value,
    chunk_count: usize,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE sources SET status = 'ready', error = NULL, content = ?2,
            title = CASE WHEN title = '' THEN ?3 ELSE title END,
            metadata = json_patch(metadata, ?4), chunk_count = ?5, updated_at = ?6,
            size_bytes = MAX(size_bytes, length(CAST(?2 AS BLOB)))
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        content,
        title,
        metadata.to_string(),
        chunk_count as i64,
        crate::time::now_rfc3339()
    ])?;
    Ok(())
}

pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached("DELETE FROM sources WHERE id = ?1")?
        .execute([id])?
        > 0)
}
