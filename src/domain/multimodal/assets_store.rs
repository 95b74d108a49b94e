//! SQL of assets, their versions and their bytes (`asset_blobs`: images inserted whole, large
//! files written chunk by chunk into a zeroblob and read through SQLite's incremental blob I/O).
use super::types::{Asset, AssetVersion, AssetView};
use rusqlite::{Connection, MAIN_DB, OptionalExtension, params};

pub struct NewAsset<'a> {
    pub id: &'a str,
    pub content_id: Option<&'a str>,
    pub owner_id: &'a str,
    pub run_id: Option<&'a str>,
    pub position: i64,
    pub kind: &'a str,
    pub prompt: &'a str,
    pub aspect_ratio: &'a str,
    pub text_overlay: Option<&'a str>,
    pub provider_id: Option<&'a str>,
    pub model: Option<&'a str>,
}

pub fn insert(c: &Connection, a: &NewAsset) -> rusqlite::Result<()> {
    let now = crate::time::now_rfc3339();
    c.prepare_cached(
        "INSERT INTO assets (id, content_id, owner_id, run_id, position, kind, prompt, aspect_ratio,
            text_overlay, provider_id, model, status, version, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'queued', 0, ?12, ?12)",
    )?
    .execute(params![
        a.id,
        a.content_id,
        a.owner_id,
        a.run_id,
        a.position,
        a.kind,
        a.prompt,
        a.aspect_ratio,
        a.text_overlay,
        a.provider_id,
        a.model,
        now
    ])?;
    Ok(())
}

const VIEW: &str =
    "SELECT a.id, a.content_id, a.run_id, a.position, a.kind, a.prompt, a.aspect_ratio,
        a.text_overlay, a.provider_id, a.model, a.status, a.error, a.version, v.mime, v.size,
        v.width, v.height, v.duration_ms, v.sha256, a.created_at, a.updated_at, a.owner_id
    FROM assets a LEFT JOIN asset_versions v ON v.asset_id = a.id AND v.version = a.version";

/// An asset with its owner id (who may see it when it belongs to no content).
pub fn view(c: &Connection, id: &str) -> rusqlite::Result<Option<(AssetView, String)>> {
    c.prepare_cached(&format!("{VIEW} WHERE a.id = ?1"))?
        .query_row([id], |r| Ok((view_row(r)?, r.get(21)?)))
        .optional()
}

pub fn views_of_content(c: &Connection, content_id: &str) -> rusqlite::Result<Vec<AssetView>> {
    c.prepare_cached(&format!(
        "{VIEW} WHERE a.content_id = ?1 ORDER BY a.position, a.created_at"
    ))?
    .query_map([content_id], view_row)?
    .collect()
}

pub fn views_of_run(c: &Connection, run_id: &str) -> rusqlite::Result<Vec<AssetView>> {
    c.prepare_cached(&format!("{VIEW} WHERE a.run_id = ?1 ORDER BY a.position"))?
        .query_map([run_id], view_row)?
        .collect()
}

fn view_row(r: &rusqlite::Row) -> rusqlite::Result<AssetView> {
    Ok(AssetView {
        id: r.get(0)?,
        content_id: r.get(1)?,
        run_id: r.get(2)?,
        position: r.get(3)?,
        kind: r.get(4)?,
        prompt: r.get(5)?,
        aspect_ratio: r.get(6)?,
        text_overlay: r.get(7)?,
        provider_id: r.get(8)?,
        model: r.get(9)?,
        status: r.get(10)?,
        error: r.get(11)?,
        version: r.get(12)?,
        mime: r.get(13)?,
        size: r.get(14)?,
        width: r.get(15)?,
        height: r.get(16)?,
        duration_ms: r.get(17)?,
        sha256: r.get(18)?,
        url: None,
        public_url: None,
        created_at: r.get(19)?,
        updated_at: r.get(20)?,
    })
}

/// The current version of each asset of a content that has bytes.
pub fn of_content(c: &Connection, content_id: &str) -> rusqlite::Result<Vec<Asset>> {
    c.prepare_cached(
        "SELECT a.id, a.content_id, a.kind, v.mime, v.size, v.width, v.height, v.duration_ms,
                v.sha256, v.version, v.created_at
         FROM assets a JOIN asset_versions v ON v.asset_id = a.id AND v.version = a.version
         WHERE a.content_id = ?1 ORDER BY a.position, a.created_at",
    )?
    .query_map([content_id], |r| {
        Ok(Asset {
            id: r.get(0)?,
            content_id: r.get(1)?,
            kind: r.get(2)?,
            mime: r.get(3)?,
            size: r.get(4)?,
            width: r.get(5)?,
            height: r.get(6)?,
            duration_ms: r.get(7)?,
            sha256: r.get(8)?,
            version: r.get(9)?,
            created_at: r.get(10)?,
        })
    })?
    .collect()
}

pub fn versions(c: &Connection, asset_id: &str) -> rusqlite::Result<Vec<AssetVersion>> {
    c.prepare_cached(
        "SELECT version, mime, size, width, height, duration_ms, sha256, prompt, provider, model, created_at
         FROM asset_versions WHERE asset_id = ?1 ORDER BY version DESC",
    )?
    .query_map([asset_id], |r| {
        Ok(AssetVersion {
            version: r.get(0)?,
            mime: r.get(1)?,
            size: r.get(2)?,
            width: r.get(3)?,
            height: r.get(4)?,
            duration_ms: r.get(5)?,
            sha256: r.get(6)?,
            prompt: r.get(7)?,
            provider: r.get(8)?,
            model: r.get(9)?,
            url: String::new(),
            created_at: r.get(10)?,
        })
    })?
    .collect()
}

/// Where a version's bytes are: (blob rowid, mime, size, sha256). `version` None: the current one.
pub struct FileRef {
    pub blob_id: i64,
    pub mime: String,
    pub size: i64,
    pub sha256: String,
}

pub fn file(
    c: &Connection,
    asset_id: &str,
    version: Option<i64>,
) -> rusqlite::Result<Option<FileRef>> {
    c.prepare_cached(
        "SELECT v.blob_id, v.mime, v.size, v.sha256 FROM assets a
         JOIN asset_versions v ON v.asset_id = a.id AND v.version = COALESCE(?2, a.version)
         WHERE a.id = ?1",
    )?
    .query_row(params![asset_id, version], |r| {
        Ok(FileRef {
            blob_id: r.get(0)?,
            mime: r.get(1)?,
            size: r.get(2)?,
            sha256: r.get(3)?,
        })
    })
    .optional()
}

/// A read-only handle on a blob, for consecutive reads (see `files::stream`).
pub fn open_blob(c: &Connection, blob_id: i64) -> rusqlite::Result<rusqlite::blob::Blob<'_>> {
    c.blob_open(MAIN_DB, c"asset_blobs", c"bytes", blob_id, true)
}

/// The blob already holding these bytes, if any (deduplication by hash).
pub fn blob_by_sha(c: &Connection, sha256: &str) -> rusqlite::Result<Option<i64>> {
    c.prepare_cached("SELECT id FROM asset_blobs WHERE sha256 = ?1")?
        .query_row([sha256], |r| r.get(0))
        .optional()
}

/// Store small bytes (an image) as a new blob, in the caller's write.
pub fn insert_blob(c: &Connection, sha256: &str, bytes: &[u8]) -> rusqlite::Result<i64> {
    c.prepare_cached(
        "INSERT INTO asset_blobs (sha256, size, bytes, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        sha256,
        bytes.len() as i64,
        bytes,
        crate::time::now_rfc3339()
    ])?;
    Ok(c.last_insert_rowid())
}

/// The placeholder hash of a blob still being filled for `asset_id` (never a real sha256, so
/// nothing deduplicates against it; replaced by the real one when the last chunk is in).
fn pending_prefix(asset_id: &str) -> String {
    format!("pending:{asset_id}:")
}

/// Start a blob of `size` bytes for `asset_id`, filled later chunk by chunk (one short write
/// each): a zeroblob under a placeholder hash. Leftovers of an interrupted earlier attempt
/// for the same asset go first. Its rowid.
pub fn begin_blob(c: &Connection, asset_id: &str, size: i64) -> rusqlite::Result<i64> {
    drop_pending(c, asset_id)?;
    let placeholder = format!(
        "{}{}",
        pending_prefix(asset_id),
        uuid::Uuid::now_v7().simple()
    );
    c.prepare_cached(
        "INSERT INTO asset_blobs (sha256, size, bytes, created_at) VALUES (?1, ?2, zeroblob(?2), ?3)",
    )?
    .execute(params![placeholder, size, crate::time::now_rfc3339()])?;
    Ok(c.last_insert_rowid())
}

/// Write `bytes` at `at` into a blob begun with [`begin_blob`].
pub fn write_chunk(c: &Connection, blob_id: i64, at: usize, bytes: &[u8]) -> rusqlite::Result<()> {
    let mut blob = c.blob_open(MAIN_DB, c"asset_blobs", c"bytes", blob_id, false)?;
    blob.write_at(bytes, at)
}

/// The filled blob under its real hash; when those bytes are already stored, the copy goes
/// and the existing blob is answered (deduplication). The blob's rowid.
pub fn seal_blob(c: &Connection, blob_id: i64, sha256: &str) -> rusqlite::Result<i64> {
    if let Some(existing) = blob_by_sha(c, sha256)? {
        c.prepare_cached("DELETE FROM asset_blobs WHERE id = ?1")?
            .execute([blob_id])?;
        return Ok(existing);
    }
    c.prepare_cached("UPDATE asset_blobs SET sha256 = ?2 WHERE id = ?1")?
        .execute(params![blob_id, sha256])?;
    Ok(blob_id)
}

/// Drop the blobs still being filled for `asset_id` (an interrupted attempt, a deleted asset).
pub fn drop_pending(c: &Connection, asset_id: &str) -> rusqlite::Result<()> {
    let lo = pending_prefix(asset_id);
    let hi = format!("{lo}\u{10FFFF}");
    c.prepare_cached("DELETE FROM asset_blobs WHERE sha256 >= ?1 AND sha256 < ?2")?
        .execute(params![lo, hi])?;
    Ok(())
}

pub struct NewVersion<'a> {
    pub asset_id: &'a str,
    pub blob_id: i64,
    pub sha256: &'a str,
    pub mime: &'a str,
    pub size: i64,
    pub width: i64,
    pub height: i64,
    pub duration_ms: Option<i64>,
    pub prompt: &'a str,
    pub provider: &'a str,
    pub model: Option<&'a str>,
    pub created_by: Option<&'a str>,
}

/// Add the next version and make it current (status done); its number.
pub fn add_version(c: &Connection, v: &NewVersion) -> rusqlite::Result<i64> {
    let now = crate::time::now_rfc3339();
    let next: i64 = c
        .prepare_cached(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM asset_versions WHERE asset_id = ?1",
        )?
        .query_row([v.asset_id], |r| r.get(0))?;
    c.prepare_cached(
        "INSERT INTO asset_versions (asset_id, version, blob_id, sha256, mime, size, width, height,
            duration_ms, prompt, provider, model, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        v.asset_id,
        next,
        v.blob_id,
        v.sha256,
        v.mime,
        v.size,
        v.width,
        v.height,
        v.duration_ms,
        v.prompt,
        v.provider,
        v.model,
        v.created_by,
        now
    ])?;
    c.prepare_cached(
        "UPDATE assets SET version = ?2, status = 'done', error = NULL, updated_at = ?3 WHERE id = ?1",
    )?
    .execute(params![v.asset_id, next, now])?;
    Ok(next)
}

/// Move an asset's latest generation to `status`; false when the asset is gone.
pub fn set_status(
    c: &Connection,
    id: &str,
    status: &str,
    error: Option<&str>,
) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached(
        "UPDATE assets SET status = ?2, error = ?3, updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id, status, error, crate::time::now_rfc3339()])?
        > 0)
}

/// Ask for a new generation: a new prompt (when given), status queued.
pub fn requeue(c: &Connection, id: &str, prompt: Option<&str>) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached(
        "UPDATE assets SET prompt = COALESCE(?2, prompt), status = 'queued', error = NULL, updated_at = ?3
         WHERE id = ?1",
    )?
    .execute(params![id, prompt, crate::time::now_rfc3339()])?
        > 0)
}

/// What a generation needs to know about its asset: kind, prompt, aspect, overlay, provider,
/// model, content id, owner id, status.
pub struct Work {
    pub kind: String,
    pub prompt: String,
    pub aspect_ratio: String,
    pub text_overlay: Option<String>,
    pub provider_id: Option<String>,
    pub model: Option<String>,
    pub content_id: Option<String>,
    pub owner_id: String,
    pub status: String,
}

pub fn work(c: &Connection, id: &str) -> rusqlite::Result<Option<Work>> {
    c.prepare_cached(
        "SELECT kind, prompt, aspect_ratio, text_overlay, provider_id, model, content_id, owner_id, status
         FROM assets WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(Work {
            kind: r.get(0)?,
            prompt: r.get(1)?,
            aspect_ratio: r.get(2)?,
            text_overlay: r.get(3)?,
            provider_id: r.get(4)?,
            model: r.get(5)?,
            content_id: r.get(6)?,
            owner_id: r.get(7)?,
            status: r.get(8)?,
        })
    })
    .optional()
}

/// Delete an asset with its versions (a trigger releases the blobs no other version uses).
pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    drop_pending(c, id)?;
    Ok(c.prepare_cached("DELETE FROM assets WHERE id = ?1")?
        .execute([id])?
        > 0)
}

/// The key signing capability URLs.
pub fn link_key(c: &Connection) -> rusqlite::Result<Vec<u8>> {
    c.prepare_cached("SELECT key FROM asset_link_key WHERE id = 1")?
        .query_row([], |r| r.get(0))
}
