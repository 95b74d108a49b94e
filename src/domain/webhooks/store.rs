//! SQL of webhooks, their deliveries and attempts (and the dispatcher's queued job).
use super::types::{DeliveryAttempt, Webhook};
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::collections::BTreeMap;

/// A webhook row as stored: the secret and the custom header values still sealed (`hook.secret`
/// and `hook.headers` are left empty; `super::sealing` opens or masks them).
pub struct Stored {
    pub hook: Webhook,
    pub sealed_secret: String,
    pub sealed_headers: BTreeMap<String, String>,
}

const COLS: &str = "id, owner_id, url, events, secret, headers, description, active, disabled_reason, created_at, updated_at";

fn row(r: &Row) -> rusqlite::Result<Stored> {
    let events: String = r.get(3)?;
    let headers: String = r.get(5)?;
    Ok(Stored {
        sealed_secret: r.get(4)?,
        sealed_headers: serde_json::from_str(&headers).unwrap_or_default(),
        hook: Webhook {
            id: r.get(0)?,
            owner_id: r.get(1)?,
            url: r.get(2)?,
            events: serde_json::from_str(&events).unwrap_or_default(),
            secret: String::new(),
            headers: BTreeMap::new(),
            description: r.get(6)?,
            active: r.get(7)?,
            disabled_reason: r.get(8)?,
            created_at: r.get(9)?,
            updated_at: r.get(10)?,
        },
    })
}

pub fn insert(c: &Connection, s: &Stored) -> rusqlite::Result<()> {
    let h = &s.hook;
    c.prepare_cached(&format!(
        "INSERT INTO webhooks ({COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
    ))?
    .execute(params![
        h.id,
        h.owner_id,
        h.url,
        serde_json::to_string(&h.events).unwrap_or_default(),
        s.sealed_secret,
        serde_json::to_string(&s.sealed_headers).unwrap_or_default(),
        h.description,
        h.active,
        h.disabled_reason,
        h.created_at,
        h.updated_at
    ])?;
    Ok(())
}

pub fn update(c: &Connection, s: &Stored) -> rusqlite::Result<()> {
    let h = &s.hook;
    c.prepare_cached(
        "UPDATE webhooks SET url = ?2, events = ?3, secret = ?4, headers = ?5, description = ?6,
         active = ?7, disabled_reason = ?8, updated_at = ?9 WHERE id = ?1",
    )?
    .execute(params![
        h.id,
        h.url,
        serde_json::to_string(&h.events).unwrap_or_default(),
        s.sealed_secret,
        serde_json::to_string(&s.sealed_headers).unwrap_or_default(),
        h.description,
        h.active,
        h.disabled_reason,
        crate::time::now_rfc3339()
    ])?;
    Ok(())
}

pub fn get(c: &Connection, id: &str) -> rusqlite::Result<Option<Stored>> {
    c.prepare_cached(&format!("SELECT {COLS} FROM webhooks WHERE id = ?1"))?
        .query_row([id], row)
        .optional()
}

/// One page of every endpoint, newest first, and how many there are.
pub fn list(c: &Connection, limit: i64, offset: i64) -> rusqlite::Result<(Vec<Stored>, u64)> {
    let items = c
        .prepare_cached(&format!(
            "SELECT {COLS} FROM webhooks ORDER BY created_at DESC, id DESC LIMIT ?1 OFFSET ?2"
        ))?
        .query_map([limit, offset], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total = c
        .prepare_cached("SELECT COUNT(*) FROM webhooks")?
        .query_row([], |r| r.get::<_, i64>(0))? as u64;
    Ok((items, total))
}

/// Every endpoint (the start-up pass that seals values written before they were sealed).
pub fn all(c: &Connection) -> rusqlite::Result<Vec<Stored>> {
    c.prepare_cached(&format!("SELECT {COLS} FROM webhooks"))?
        .query_map([], row)?
        .collect()
}

/// Replace the sealed secret and header values without touching `updated_at`.
pub fn set_sealed(c: &Connection, s: &Stored) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE webhooks SET secret = ?2, headers = ?3 WHERE id = ?1")?
        .execute(params![
            s.hook.id,
            s.sealed_secret,
            serde_json::to_string(&s.sealed_headers).unwrap_or_default()
        ])?;
    Ok(())
}

pub fn active(c: &Connection) -> rusqlite::Result<Vec<Stored>> {
    c.prepare_cached(&format!("SELECT {COLS} FROM webhooks WHERE active = 1"))?
        .query_map([], row)?
        .collect()
}

pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached("DELETE FROM webhooks WHERE id = ?1")?
        .execute([id])?
        == 1)
}

pub fn disable(c: &Connection, id: &str, reason: &str) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE webhooks SET active = 0, disabled_reason = ?2, updated_at = ?3 WHERE id = ?1",
    )?
    .execute(params![id, reason, crate::time::now_rfc3339()])?;
    Ok(())
}

/// Insert a delivery unless this endpoint already has one for this event. Returns whether inserted.
pub fn insert_delivery(
    c: &Connection,
    id: &str,
    webhook_id: &str,
    event_id: Option<&str>,
    event_type: &str,
    message_id: &str,
    body: &str,
) -> rusqlite::Result<bool> {
    let now = crate::time::now_rfc3339();
    Ok(c.prepare_cached(
        "INSERT OR IGNORE INTO webhook_deliveries
         (id, webhook_id, event_id, event_type, message_id, body, due_ms, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?
    .execute(params![
        id,
        webhook_id,
        event_id,
        event_type,
        message_id,
        body,
        crate::time::now_millis(),
        now
    ])? == 1)
}

/// What the sender needs: the delivery and its endpoint.
pub struct Pending {
    pub id: String,
    pub message_id: String,
    pub body: String,
    pub status: String,
    pub attempts: i64,
    pub webhook_id: String,
}

fn pending_row(r: &Row) -> rusqlite::Result<Pending> {
    Ok(Pending {
        id: r.get(0)?,
        message_id: r.get(1)?,
        body: r.get(2)?,
        status: r.get(3)?,
        attempts: r.get(4)?,
        webhook_id: r.get(5)?,
    })
}

pub fn delivery(c: &Connection, id: &str) -> rusqlite::Result<Option<Pending>> {
    c.prepare_cached(
        "SELECT id, message_id, body, status, attempts, webhook_id FROM webhook_deliveries WHERE id = ?1",
    )?
    .query_row([id], pending_row)
    .optional()
}

/// Deliveries of one endpoint due now, oldest first.
pub fn due(
    c: &Connection,
    webhook_id: &str,
    now_ms: i64,
    limit: i64,
) -> rusqlite::Result<Vec<Pending>> {
    c.prepare_cached(
        "SELECT id, message_id, body, status, attempts, webhook_id FROM webhook_deliveries
         WHERE webhook_id = ?1 AND status IN ('pending', 'retrying') AND due_ms <= ?2
         ORDER BY due_ms, created_at, id LIMIT ?3",
    )?
    .query_map(params![webhook_id, now_ms, limit], pending_row)?
    .collect()
}

/// When the endpoint's next attempt is due, if any delivery is still open.
pub fn next_due(c: &Connection, webhook_id: &str) -> rusqlite::Result<Option<i64>> {
    c.prepare_cached(
        "SELECT MIN(due_ms) FROM webhook_deliveries WHERE webhook_id = ?1 AND status IN ('pending', 'retrying')",
    )?
    .query_row([webhook_id], |r| r.get(0))
}

/// Cancel every open delivery of an endpoint (it was disabled).
pub fn cancel_open(c: &Connection, webhook_id: &str) -> rusqlite::Result<usize> {
    c.prepare_cached(
        "UPDATE webhook_deliveries SET status = 'cancelled', next_retry_at = NULL, updated_at = ?2
         WHERE webhook_id = ?1 AND status IN ('pending', 'retrying')",
    )?
    .execute(params![webhook_id, crate::time::now_rfc3339()])
}

pub struct AttemptRecord<'a> {
    pub delivery_id: &'a str,
    pub attempt: i64,
    pub status_code: Option<u16>,
    pub duration_ms: i64,
    pub response_body: Option<&'a str>,
    pub error: Option<&'a str>,
}

/// Record an attempt and the delivery's new state, together (nothing when the delivery is gone).
pub fn record_attempt(
    c: &Connection,
    a: &AttemptRecord,
    status: &str,
    next_retry_ms: Option<i64>,
) -> rusqlite::Result<()> {
    let next_retry_at = next_retry_ms.map(crate::time::millis_to_rfc3339);
    let now = crate::time::now_rfc3339();
    // The endpoint (and so its deliveries) may have been deleted while the attempt was in
    // flight: then there is nothing to record it on.
    c.prepare_cached(
        "INSERT INTO webhook_attempts (delivery_id, attempt, status_code, duration_ms, response_body, error, created_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = ?1)",
    )?
    .execute(params![a.delivery_id, a.attempt, a.status_code, a.duration_ms, a.response_body, a.error, now])?;
    c.prepare_cached(
        "UPDATE webhook_deliveries SET status = ?2, attempts = ?3, next_retry_at = ?4, updated_at = ?5,
         due_ms = COALESCE(?6, due_ms) WHERE id = ?1",
    )?
    .execute(params![a.delivery_id, status, a.attempt, next_retry_at, now, next_retry_ms])?;
    Ok(())
}

/// How many rows [`attempts`] has for one endpoint (one per attempt, or one for a delivery not
/// yet attempted).
pub fn count_attempts(c: &Connection, webhook_id: &str) -> rusqlite::Result<u64> {
    c.prepare_cached(
        "SELECT COUNT(*) FROM webhook_deliveries d LEFT JOIN webhook_attempts a ON a.delivery_id = d.id
         WHERE d.webhook_id = ?1",
    )?
    .query_row([webhook_id], |r| r.get::<_, i64>(0))
    .map(|n| n as u64)
}

/// The latest attempt of one delivery (or the delivery itself when not yet attempted).
pub fn latest_attempt(
    c: &Connection,
    delivery_id: &str,
) -> rusqlite::Result<Option<DeliveryAttempt>> {
    c.prepare_cached(
        "SELECT d.id, d.event_id, d.event_type, d.message_id, d.status, a.attempt, a.status_code,
                a.duration_ms, a.response_body, a.error, d.next_retry_at, COALESCE(a.created_at, d.created_at)
         FROM webhook_deliveries d LEFT JOIN webhook_attempts a ON a.delivery_id = d.id
         WHERE d.id = ?1 ORDER BY a.attempt DESC LIMIT 1",
    )?
    .query_row([delivery_id], attempt_row)
    .optional()
}

fn attempt_row(r: &Row) -> rusqlite::Result<DeliveryAttempt> {
    Ok(DeliveryAttempt {
        delivery_id: r.get(0)?,
        event_id: r.get(1)?,
        event_type: r.get(2)?,
        message_id: r.get(3)?,
        delivery_status: r.get(4)?,
        attempt: r.get(5)?,
        status_code: r.get(6)?,
        duration_ms: r.get(7)?,
        response_body: r.get(8)?,
        error: r.get(9)?,
        next_retry_at: r.get(10)?,
        created_at: r.get(11)?,
    })
}

/// Deliveries of one endpoint, newest first, one row per attempt.
pub fn attempts(
    c: &Connection,
    webhook_id: &str,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<Vec<DeliveryAttempt>> {
    c.prepare_cached(
        "SELECT d.id, d.event_id, d.event_type, d.message_id, d.status, a.attempt, a.status_code,
                a.duration_ms, a.response_body, a.error, d.next_retry_at, COALESCE(a.created_at, d.created_at)
         FROM webhook_deliveries d LEFT JOIN webhook_attempts a ON a.delivery_id = d.id
         WHERE d.webhook_id = ?1
         ORDER BY d.created_at DESC, d.id DESC, a.attempt DESC LIMIT ?2 OFFSET ?3",
    )?
    .query_map(params![webhook_id, limit, offset], attempt_row)?
    .collect()
}

/// Bring a queued job with this dedupe key forward to `at` if it is scheduled later (a dispatcher
/// waiting for a retry in 5 minutes must still send a new delivery now).
pub fn pull_queued_job(c: &Connection, dedupe_key: &str, at_ms: i64) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE jobs SET run_after = ?2 WHERE dedupe_key = ?1 AND status = 'queued' AND run_after > ?2",
    )?
    .execute(params![dedupe_key, at_ms])?;
    Ok(())
}
