//! SQL of posts (the outbox and the schedule), their attempts, and the dispatcher's wake-ups.
use super::types::*;
use crate::access::Viewer;
use crate::domain::content::RESOURCE as CONTENT;
use crate::page::Page;
use rusqlite::{Connection, OptionalExtension, Row, params};

const COLS: &str = "p.id, p.content_id, c.title, p.account_id, a.name, p.platform, p.scheduled_ms, p.status, \
                    p.attempts, p.last_error, p.next_attempt_ms, p.external_id, p.url, p.asset_ids, p.link, \
                    p.idempotency_key, p.created_by, p.created_at, p.updated_at, p.published_at";
const FROM: &str = "FROM publishing_posts p JOIN contents c ON c.id = p.content_id \
                    JOIN publishing_accounts a ON a.id = p.account_id";

pub fn ms_to_rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn row(r: &Row) -> rusqlite::Result<Post> {
    let status: String = r.get(7)?;
    let next: i64 = r.get(10)?;
    let assets: String = r.get(13)?;
    Ok(Post {
        id: r.get(0)?,
        content_id: r.get(1)?,
        content_title: r.get(2)?,
        account_id: r.get(3)?,
        account_name: r.get(4)?,
        platform: r.get(5)?,
        scheduled_at: ms_to_rfc3339(r.get(6)?),
        next_attempt_at: (status == "scheduled").then(|| ms_to_rfc3339(next)),
        status,
        attempts: r.get(8)?,
        last_error: r.get(9)?,
        external_id: r.get(11)?,
        url: r.get(12)?,
        asset_ids: serde_json::from_str(&assets).unwrap_or_default(),
        link: r.get(14)?,
        idempotency_key: r.get(15)?,
        created_by: r.get(16)?,
        created_at: r.get(17)?,
        updated_at: r.get(18)?,
        published_at: r.get(19)?,
    })
}

pub fn list(
    c: &Connection,
    v: &Viewer,
    f: &PostFilter,
    from_ms: Option<i64>,
    to_ms: Option<i64>,
    page: Page,
) -> rusqlite::Result<(Vec<Post>, u64)> {
    let filter = format!(
        "{FROM} WHERE {} AND (?3 IS NULL OR p.status = ?3) AND (?4 IS NULL OR p.content_id = ?4)
           AND (?5 IS NULL OR p.account_id = ?5) AND (?6 IS NULL OR p.scheduled_ms >= ?6)
           AND (?7 IS NULL OR p.scheduled_ms < ?7)",
        CONTENT.visible("c", 1)
    );
    let (limit, offset) = page.sql();
    let total: i64 = c
        .prepare_cached(&format!("SELECT COUNT(*) {filter}"))?
        .query_row(
            params![
                v.user_id,
                v.admin,
                f.status,
                f.content_id,
                f.account_id,
                from_ms,
                to_ms
            ],
            |r| r.get(0),
        )?;
    let items = c
        .prepare_cached(&format!(
            "SELECT {COLS} {filter} ORDER BY p.scheduled_ms, p.id LIMIT ?8 OFFSET ?9"
        ))?
        .query_map(
            params![
                v.user_id,
                v.admin,
                f.status,
                f.content_id,
                f.account_id,
                from_ms,
                to_ms,
                limit,
                offset
            ],
            row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok((items, total as u64))
}

/// A post whose content the viewer may see.
pub fn get(c: &Connection, v: &Viewer, id: &str) -> rusqlite::Result<Option<Post>> {
    c.prepare_cached(&format!(
        "SELECT {COLS} {FROM} WHERE p.id = ?3 AND {}",
        CONTENT.visible("c", 1)
    ))?
    .query_row(params![v.user_id, v.admin, id], row)
    .optional()
}

pub fn get_any(c: &Connection, id: &str) -> rusqlite::Result<Option<Post>> {
    c.prepare_cached(&format!("SELECT {COLS} {FROM} WHERE p.id = ?1"))?
        .query_row([id], row)
        .optional()
}

pub fn by_key(c: &Connection, key: &str) -> rusqlite::Result<Option<Post>> {
    c.prepare_cached(&format!(
        "SELECT {COLS} {FROM} WHERE p.idempotency_key = ?1"
    ))?
    .query_row([key], row)
    .optional()
}

pub struct NewPost<'a> {
    pub content_id: &'a str,
    pub account_id: &'a str,
    pub platform: &'a str,
    pub key: &'a str,
    pub status: &'a str,
    pub scheduled_ms: i64,
    pub asset_ids: &'a [String],
    pub link: Option<&'a str>,
    pub prior_status: &'a str,
    pub by: &'a str,
}

/// Insert the content x account row, or start it over (same id, same key) when it exists.
pub fn upsert(c: &Connection, p: &NewPost) -> rusqlite::Result<String> {
    let now = crate::time::now_rfc3339();
    let assets = serde_json::to_string(p.asset_ids).unwrap_or_else(|_| "[]".into());
    c.prepare_cached(
        "INSERT INTO publishing_posts (id, content_id, account_id, platform, idempotency_key, status,
             scheduled_ms, next_attempt_ms, attempts, asset_ids, link, prior_status, created_by, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, 0, ?8, ?9, ?10, ?11, ?12, ?12)
         ON CONFLICT (idempotency_key) DO UPDATE SET status = excluded.status,
             scheduled_ms = excluded.scheduled_ms, next_attempt_ms = excluded.next_attempt_ms,
             attempts = 0, last_error = NULL, asset_ids = excluded.asset_ids, link = excluded.link,
             prior_status = excluded.prior_status, created_by = excluded.created_by,
             updated_at = excluded.updated_at",
    )?
    .execute(params![
        uuid::Uuid::now_v7().to_string(),
        p.content_id,
        p.account_id,
        p.platform,
        p.key,
        p.status,
        p.scheduled_ms,
        assets,
        p.link,
        p.prior_status,
        p.by,
        now
    ])?;
    c.prepare_cached("SELECT id FROM publishing_posts WHERE idempotency_key = ?1")?
        .query_row([p.key], |r| r.get(0))
}

pub fn reschedule(
    c: &Connection,
    id: &str,
    scheduled_ms: i64,
    asset_ids: &[String],
    link: Option<&str>,
    status: &str,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE publishing_posts SET scheduled_ms = ?2, next_attempt_ms = ?2, asset_ids = ?3, link = ?4,
             status = ?5, attempts = CASE WHEN status IN ('failed', 'missed') THEN 0 ELSE attempts END,
             last_error = CASE WHEN status IN ('failed', 'missed') THEN NULL ELSE last_error END,
             updated_at = ?6 WHERE id = ?1",
    )?
    .execute(params![
        id,
        scheduled_ms,
        serde_json::to_string(asset_ids).unwrap_or_else(|_| "[]".into()),
        link,
        status,
        crate::time::now_rfc3339()
    ])?;
    Ok(())
}

pub fn set_status(
    c: &Connection,
    id: &str,
    status: &str,
    error: Option<&str>,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE publishing_posts SET status = ?2, last_error = COALESCE(?3, last_error), updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id, status, error, crate::time::now_rfc3339()])?;
    Ok(())
}

/// The post is about to be sent: recorded before the request goes out.
pub fn mark_sending(c: &Connection, id: &str, text: &str, now_ms: i64) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE publishing_posts SET status = 'publishing', attempts = attempts + 1, sent_text = ?2,
             sent_ms = ?3, updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id, text, now_ms, crate::time::now_rfc3339()])?;
    Ok(())
}

pub fn mark_published(
    c: &Connection,
    id: &str,
    external_id: &str,
    url: &str,
) -> rusqlite::Result<()> {
    let now = crate::time::now_rfc3339();
    c.prepare_cached(
        "UPDATE publishing_posts SET status = 'published', external_id = ?2, url = ?3, last_error = NULL,
             published_at = ?4, updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id, external_id, url, now])?;
    Ok(())
}

pub fn mark_retry(c: &Connection, id: &str, at_ms: i64, error: &str) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE publishing_posts SET status = 'scheduled', next_attempt_ms = ?2, last_error = ?3, updated_at = ?4
         WHERE id = ?1",
    )?
    .execute(params![id, at_ms, error, crate::time::now_rfc3339()])?;
    Ok(())
}

pub fn status(c: &Connection, id: &str) -> rusqlite::Result<Option<String>> {
    c.prepare_cached("SELECT status FROM publishing_posts WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()
}

/// What the sender needs beyond the post: its text as sent and its author's prior status.
pub struct Sending {
    pub sent_text: Option<String>,
    pub sent_ms: Option<i64>,
    pub prior_status: Option<String>,
    pub scheduled_ms: i64,
}

pub fn sending(c: &Connection, id: &str) -> rusqlite::Result<Option<Sending>> {
    c.prepare_cached(
        "SELECT sent_text, sent_ms, prior_status, scheduled_ms FROM publishing_posts WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(Sending {
            sent_text: r.get(0)?,
            sent_ms: r.get(1)?,
            prior_status: r.get(2)?,
            scheduled_ms: r.get(3)?,
        })
    })
    .optional()
}

/// A post ready to go out, with when it was due and its content's current text.
pub struct Due {
    pub post: Post,
    pub scheduled_ms: i64,
    pub next_ms: i64,
    pub draft: String,
}

fn due_row(r: &Row) -> rusqlite::Result<Due> {
    Ok(Due {
        post: row(r)?,
        scheduled_ms: r.get(6)?,
        next_ms: r.get(10)?,
        draft: r.get(20)?,
    })
}

/// Posts due by `by_ms` (oldest first) with their texts: a whole batch in one query.
pub fn due(c: &Connection, by_ms: i64, limit: i64) -> rusqlite::Result<Vec<Due>> {
    c.prepare_cached(&format!(
        "SELECT {COLS}, c.draft_content {FROM}
         WHERE p.status = 'scheduled' AND p.next_attempt_ms <= ?1
         ORDER BY p.next_attempt_ms, p.id LIMIT ?2"
    ))?
    .query_map(params![by_ms, limit], due_row)?
    .collect()
}

/// One post, if it is still waiting to go out.
pub fn due_one(c: &Connection, id: &str) -> rusqlite::Result<Option<Due>> {
    c.prepare_cached(&format!(
        "SELECT {COLS}, c.draft_content {FROM} WHERE p.id = ?1 AND p.status = 'scheduled'"
    ))?
    .query_row([id], due_row)
    .optional()
}

/// Posts in a state only a crash leaves behind (at start, no send is in flight).
pub fn in_flight(c: &Connection) -> rusqlite::Result<Vec<String>> {
    c.prepare_cached("SELECT id FROM publishing_posts WHERE status IN ('publishing', 'checking')")?
        .query_map([], |r| r.get(0))?
        .collect()
}

pub fn with_status(c: &Connection, status: &str) -> rusqlite::Result<Vec<String>> {
    c.prepare_cached("SELECT id FROM publishing_posts WHERE status = ?1 ORDER BY id")?
        .query_map([status], |r| r.get(0))?
        .collect()
}

/// Posts of a content waiting for its approval.
pub fn awaiting_approval(c: &Connection, content_id: &str) -> rusqlite::Result<Vec<Post>> {
    c.prepare_cached(&format!(
        "SELECT {COLS} {FROM} WHERE p.content_id = ?1 AND p.status = 'awaiting_approval'"
    ))?
    .query_map([content_id], row)?
    .collect()
}

/// Whether another post of the content is still waiting to go out.
pub fn others_pending(c: &Connection, content_id: &str, except: &str) -> rusqlite::Result<bool> {
    c.prepare_cached(
        "SELECT EXISTS(SELECT 1 FROM publishing_posts WHERE content_id = ?1 AND id <> ?2
             AND status IN ('scheduled', 'awaiting_approval', 'publishing', 'checking'))",
    )?
    .query_row(params![content_id, except], |r| r.get(0))
}

pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    Ok(
        c.prepare_cached("DELETE FROM publishing_posts WHERE id = ?1")?
            .execute([id])?
            == 1,
    )
}

pub fn add_attempt(
    c: &Connection,
    id: &str,
    outcome: &str,
    detail: Option<&str>,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT OR REPLACE INTO publishing_attempts (post_id, n, outcome, detail, at)
         SELECT id, attempts, ?2, ?3, ?4 FROM publishing_posts WHERE id = ?1",
    )?
    .execute(params![id, outcome, detail, crate::time::now_rfc3339()])?;
    Ok(())
}

pub fn attempts(c: &Connection, id: &str) -> rusqlite::Result<Vec<Attempt>> {
    c.prepare_cached(
        "SELECT n, outcome, detail, at FROM publishing_attempts WHERE post_id = ?1 ORDER BY at, n",
    )?
    .query_map([id], |r| {
        Ok(Attempt {
            n: r.get(0)?,
            outcome: r.get(1)?,
            detail: r.get(2)?,
            at: r.get(3)?,
        })
    })?
    .collect()
}

/// Record a wake-up time; true when it is new (the caller queues its dispatcher job).
pub fn add_wakeup(c: &Connection, run_ms: i64) -> rusqlite::Result<bool> {
    Ok(
        c.prepare_cached("INSERT OR IGNORE INTO publishing_wakeups (run_ms) VALUES (?1)")?
            .execute([run_ms])?
            == 1,
    )
}

pub fn clear_wakeups(c: &Connection, up_to_ms: i64) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM publishing_wakeups WHERE run_ms <= ?1")?
        .execute([up_to_ms])?;
    Ok(())
}
