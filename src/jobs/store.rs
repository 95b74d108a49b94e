//! SQL of the durable job queue.
use rusqlite::{Connection, OptionalExtension, params};

#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempts: i64,
    pub max_attempts: i64,
    pub dedupe_key: Option<String>,
}

pub struct NewJob<'a> {
    pub kind: &'a str,
    pub payload: serde_json::Value,
    pub run_after_ms: i64,
    pub max_attempts: i64,
    pub dedupe_key: Option<&'a str>,
}

/// Insert a job (inside the caller's transaction, so it commits with the work that caused it).
/// Returns None when a queued/running job with the same dedupe key already exists.
pub fn insert(conn: &Connection, job: &NewJob) -> rusqlite::Result<Option<i64>> {
    let now = crate::time::now_rfc3339();
    let n = conn.prepare_cached(
        "INSERT OR IGNORE INTO jobs (kind, payload, run_after, max_attempts, dedupe_key, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?
    .execute(params![job.kind, job.payload.to_string(), job.run_after_ms, job.max_attempts, job.dedupe_key, now])?;
    Ok((n == 1).then(|| conn.last_insert_rowid()))
}

/// The long-running kinds and how many of their jobs may run at once: a claim takes one of
/// them only while fewer are running (the count is read in the claiming transaction).
pub struct LongBudget<'a> {
    pub kinds: &'a [&'a str],
    pub slots: usize,
}

impl LongBudget<'_> {
    fn params(&self) -> (String, i64) {
        (
            serde_json::to_string(self.kinds).unwrap_or_else(|_| "[]".into()),
            i64::try_from(self.slots).unwrap_or(i64::MAX),
        )
    }
}

/// Whether any job is due that the budget lets start (a cheap look before taking the write
/// lock to claim one).
pub fn any_due(conn: &Connection, now_ms: i64, budget: &LongBudget) -> rusqlite::Result<bool> {
    let (kinds, slots) = budget.params();
    conn.prepare_cached(
        "SELECT EXISTS(SELECT 1 FROM jobs WHERE status = 'queued' AND run_after <= ?1
           AND (kind NOT IN (SELECT value FROM json_each(?2))
                OR (SELECT COUNT(*) FROM jobs WHERE status = 'running'
                      AND kind IN (SELECT value FROM json_each(?2))) < ?3))",
    )?
    .query_row(params![now_ms, kinds, slots], |r| r.get(0))
}

/// Take the next due job the budget lets start, inside the caller's write transaction
/// (claimers are serialised by it, so the count of running long jobs cannot go stale).
pub fn claim(
    tx: &Connection,
    worker: &str,
    now_ms: i64,
    budget: &LongBudget,
) -> rusqlite::Result<Option<Job>> {
    let (kinds, slots) = budget.params();
    let job = tx
        .prepare_cached(
            "SELECT id, kind, payload, attempts, max_attempts, dedupe_key FROM jobs
             WHERE status = 'queued' AND run_after <= ?1
               AND (kind NOT IN (SELECT value FROM json_each(?2))
                    OR (SELECT COUNT(*) FROM jobs WHERE status = 'running'
                          AND kind IN (SELECT value FROM json_each(?2))) < ?3)
             ORDER BY run_after, id LIMIT 1",
        )?
        .query_row(params![now_ms, kinds, slots], |r| {
            let payload: String = r.get(2)?;
            Ok(Job {
                id: r.get(0)?,
                kind: r.get(1)?,
                payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
                attempts: r.get(3)?,
                max_attempts: r.get(4)?,
                dedupe_key: r.get(5)?,
            })
        })
        .optional()?;
    if let Some(job) = &job {
        tx.prepare_cached(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = ?2, updated_at = ?3 WHERE id = ?1",
        )?
        .execute(params![job.id, worker, crate::time::now_rfc3339()])?;
    }
    Ok(job.map(|j| Job {
        attempts: j.attempts + 1,
        ..j
    }))
}

/// Free a running job's dedupe key, so the next job of its kind can be queued while it runs.
pub fn release_dedupe(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE jobs SET dedupe_key = NULL WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

pub fn mark_done(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE jobs SET status = 'done', last_error = NULL, locked_by = NULL, updated_at = ?2,
        payload = json_remove(payload, '$.sealed') WHERE id = ?1",
    )?
    .execute(params![id, crate::time::now_rfc3339()])?;
    Ok(())
}

pub fn mark_retry(
    conn: &Connection,
    id: i64,
    error: &str,
    run_after_ms: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE jobs SET status = 'queued', last_error = ?2, run_after = ?3, locked_by = NULL, updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id, error, run_after_ms, crate::time::now_rfc3339()])?;
    Ok(())
}

pub fn mark_failed(conn: &Connection, id: i64, error: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE jobs SET status = 'failed', last_error = ?2, locked_by = NULL, updated_at = ?3,
        payload = json_remove(payload, '$.sealed') WHERE id = ?1",
    )?
    .execute(params![id, error, crate::time::now_rfc3339()])?;
    Ok(())
}

/// After a crash, jobs that were running are run again (at-least-once).
pub fn requeue_running(conn: &Connection) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE jobs SET status = 'queued', locked_by = NULL WHERE status = 'running'",
        [],
    )
}

/// Millis until the next queued job is due (None when the queue is empty).
pub fn next_due_ms(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT MIN(run_after) FROM jobs WHERE status = 'queued'")?
        .query_row([], |r| r.get(0))
}

pub fn status_of(
    conn: &Connection,
    id: i64,
) -> rusqlite::Result<Option<(String, i64, Option<String>)>> {
    conn.query_row(
        "SELECT status, attempts, last_error FROM jobs WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()
}

/// Delete finished jobs older than the cutoff; keep failed ones for inspection longer.
pub fn purge_finished(
    conn: &Connection,
    done_before: &str,
    failed_before: &str,
) -> rusqlite::Result<usize> {
    let a = conn.execute(
        "DELETE FROM jobs WHERE status = 'done' AND updated_at < ?1",
        [done_before],
    )?;
    let b = conn.execute(
        "DELETE FROM jobs WHERE status = 'failed' AND updated_at < ?1",
        [failed_before],
    )?;
    Ok(a + b)
}
