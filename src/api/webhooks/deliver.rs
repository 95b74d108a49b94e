//! Delivery: the fan-out writes one delivery row per matching endpoint and makes sure that
//! endpoint's dispatcher job is queued. A dispatcher sends its endpoint's due deliveries in order
//! — signed, without following redirects, 15 s timeout — and records a batch of attempts per
//! commit, so throughput is not bound by one fsync per delivery. One dispatcher per endpoint: a
//! slow endpoint holds one worker, never the others. Failed attempts are re-scheduled on the
//! retry schedule (or Retry-After); the dispatcher re-queues itself for the earliest due one.
use super::{signing, store};
use crate::events::Event;
use crate::jobs::Job;
use crate::state::AppState;
use anyhow::Context;
use std::io::Read;
use std::time::{Duration, Instant};

pub const KIND: &str = "webhooks.deliver";
const TIMEOUT: Duration = Duration::from_secs(15);
/// A dispatcher sends at most this many deliveries (or for this long) before recording them and
/// letting other endpoints' dispatchers take a turn.
const BATCH: i64 = 64;
const BATCH_TIME: Duration = Duration::from_millis(500);
const RESPONSE_KEEP: usize = 1000;

/// The Standard Webhooks body for an event.
pub fn body_for(kind: &str, timestamp: &str, data: &serde_json::Value) -> String {
    serde_json::json!({ "type": kind, "timestamp": timestamp, "data": data }).to_string()
}

pub fn new_message_id() -> String {
    format!("msg_{}", uuid::Uuid::now_v7().simple())
}

/// Fan-out subscriber: one delivery per active endpoint subscribed to the event (idempotent).
pub fn on_event(c: &rusqlite::Connection, event: &Event) -> anyhow::Result<()> {
    let hooks = store::active(c)?;
    let mut body = None;
    for s in hooks {
        let h = &s.hook;
        if !h.events.iter().any(|e| e == "*" || e == &event.kind) {
            continue;
        }
        let body =
            body.get_or_insert_with(|| body_for(&event.kind, &event.created_at, &event.data));
        let id = uuid::Uuid::now_v7().to_string();
        if store::insert_delivery(
            c,
            &id,
            &h.id,
            Some(&event.id),
            &event.kind,
            &new_message_id(),
            body,
        )? {
            enqueue(c, &h.id, crate::time::now_millis())?;
        }
    }
    Ok(())
}

/// Create a one-off delivery (test ping) not tied to an event.
pub fn create_manual(
    c: &rusqlite::Connection,
    webhook_id: &str,
    kind: &str,
    data: &serde_json::Value,
) -> anyhow::Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    let body = body_for(kind, &crate::time::now_rfc3339(), data);
    store::insert_delivery(c, &id, webhook_id, None, kind, &new_message_id(), &body)?;
    Ok(id)
}

/// Make sure the endpoint's dispatcher is queued (at most one queued-or-running per endpoint).
pub fn enqueue(
    c: &rusqlite::Connection,
    webhook_id: &str,
    run_after_ms: i64,
) -> anyhow::Result<()> {
    let key = format!("webhook-dispatch:{webhook_id}");
    crate::jobs::store::insert(
        c,
        &crate::jobs::store::NewJob {
            kind: KIND,
            payload: serde_json::json!({ "webhook_id": webhook_id }),
            run_after_ms,
            // Delivery attempts are counted per delivery; job retries only cover database errors.
            max_attempts: 1000,
            dedupe_key: Some(&key),
        },
    )?;
    store::pull_queued_job(c, &key, run_after_ms)?;
    Ok(())
}

/// The result of one HTTP attempt.
pub struct Outcome {
    pub status_code: Option<u16>,
    pub duration_ms: i64,
    pub response_body: Option<String>,
    pub error: Option<String>,
    pub retry_after: Option<Duration>,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        self.status_code.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Sign and POST one message. Never follows redirects; the guarded agent refuses private targets
/// unless the admin allowed them.
pub fn send(
    state: &AppState,
    allow_private: bool,
    url: &str,
    secret: Option<&str>,
    headers: &std::collections::BTreeMap<String, String>,
    message_id: &str,
    body: &str,
) -> Outcome {
    let started = Instant::now();
    let fail = |error: String| Outcome {
        status_code: None,
        duration_ms: started.elapsed().as_millis() as i64,
        response_body: None,
        error: Some(error),
        retry_after: None,
    };
    let key = match secret.map(signing::decode_secret).transpose() {
        Ok(k) => k,
        Err(e) => return fail(e),
    };
    let ts = crate::time::now_secs();
    let mut req = state
        .http
        .user_url(allow_private, false)
        .post(url)
        .config()
        .timeout_global(Some(TIMEOUT))
        .build();
    for (k, v) in headers {
        req = req.header(k.as_str(), v.as_str());
    }
    let mut req = req
        .header("content-type", "application/json")
        .header("webhook-id", message_id)
        .header("webhook-timestamp", ts.to_string());
    if let Some(key) = &key {
        req = req.header(
            "webhook-signature",
            signing::sign(key, message_id, ts, body.as_bytes()),
        );
    }
    match req.send(body.as_bytes()) {
        Ok(mut resp) => {
            let status = resp.status().as_u16();
            let retry_after = crate::net::retry_after(&resp);
            let mut buf = Vec::new();
            let _ = resp
                .body_mut()
                .as_reader()
                .take(RESPONSE_KEEP as u64 * 4)
                .read_to_end(&mut buf);
            let text: String = String::from_utf8_lossy(&buf)
                .chars()
                .take(RESPONSE_KEEP)
                .collect();
            Outcome {
                status_code: Some(status),
                duration_ms: started.elapsed().as_millis() as i64,
                response_body: Some(text),
                error: (!(200..300).contains(&status))
                    .then(|| format!("endpoint answered HTTP {status}")),
                retry_after,
            }
        }
        Err(e) => fail(describe(&e)),
    }
}

fn describe(e: &ureq::Error) -> String {
    if let Some(r) = crate::net::refused(e) {
        return format!("refused by the private-network guard: {r}");
    }
    match e {
        ureq::Error::Timeout(_) => format!("timed out after {} s", TIMEOUT.as_secs()),
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::ConnectionFailed => "connection failed".into(),
        other => other.to_string(),
    }
}

/// Jittered delay before attempt `n` (0-based) of the schedule: ±10 %.
fn scheduled_delay(schedule: &[Duration], n: usize) -> Option<Duration> {
    let d = *schedule.get(n)?;
    let jitter = 0.9 + (crate::crypto::random_u64() % 200) as f64 / 1000.0;
    Some(d.mul_f64(jitter))
}

/// Everything needed to attempt one delivery, loaded in one go.
pub struct Prepared {
    pub pending: store::Pending,
    pub hook: store::Stored,
    pub secret: String,
    pub allow_private: bool,
}

pub fn prepare(
    state: &AppState,
    c: &rusqlite::Connection,
    delivery_id: &str,
) -> anyhow::Result<Option<Prepared>> {
    let Some(pending) = store::delivery(c, delivery_id)? else {
        return Ok(None);
    };
    let Some(hook) = store::get(c, &pending.webhook_id)? else {
        return Ok(None);
    };
    let secret = state
        .secrets
        .open(&hook.sealed_secret)
        .context("opening the webhook secret")?;
    let allow_private = crate::settings::store::allow_private_network(c, &state.secrets)?;
    Ok(Some(Prepared {
        pending,
        hook,
        secret,
        allow_private,
    }))
}

pub fn attempt(state: &AppState, p: &Prepared) -> Outcome {
    let h = &p.hook.hook;
    send(
        state,
        p.allow_private,
        &h.url,
        Some(&p.secret),
        &h.headers,
        &p.pending.message_id,
        &p.pending.body,
    )
}

/// What happened to one delivery after an attempt.
enum Verdict {
    Succeeded,
    Retry(i64),
    /// Stop delivering to this endpoint (410, or retries exhausted): disable it, tell the owner.
    GiveUp(String),
}

fn judge(schedule: &[Duration], attempt: i64, out: &Outcome) -> Verdict {
    if out.ok() {
        return Verdict::Succeeded;
    }
    if out.status_code == Some(410) {
        return Verdict::GiveUp("the endpoint answered 410 Gone".into());
    }
    match scheduled_delay(schedule, attempt as usize) {
        Some(delay) => {
            let delay = out
                .retry_after
                .map(|r| r.min(Duration::from_secs(86400)))
                .unwrap_or(delay);
            Verdict::Retry(crate::time::now_millis() + delay.as_millis() as i64)
        }
        None => Verdict::GiveUp(format!(
            "delivery failed after {attempt} attempts ({})",
            out.error.as_deref().unwrap_or("error")
        )),
    }
}

/// Finish this dispatcher in the caller's transaction, re-queueing it for the next due attempt.
/// Done atomically with the "nothing due" check, so a delivery written concurrently by the
/// fan-out either is seen here or finds no dispatcher queued-or-running and queues a new one.
fn finish(tx: &rusqlite::Connection, job: &Job, webhook_id: &str) -> anyhow::Result<()> {
    crate::jobs::store::mark_done(tx, job.id)?;
    if let Some(due) = store::next_due(tx, webhook_id)? {
        enqueue(tx, webhook_id, due)?;
    }
    Ok(())
}

/// The dispatcher job of one endpoint: send one batch of due deliveries, record it, and re-queue
/// itself for whatever is due next (at the back of the queue, so endpoints take turns).
pub fn run(state: &AppState, job: &Job) -> anyhow::Result<()> {
    let wid = job.payload["webhook_id"]
        .as_str()
        .context("dispatch job without webhook_id")?;
    let schedule = &state.cfg.webhook_retry_schedule;
    let mut conn = state.db.conn()?;
    let Some(hook) = store::get(&conn, wid)? else {
        return Ok(()); // deleted: its deliveries went with it
    };
    if !hook.hook.active {
        store::cancel_open(&conn, wid)?;
        return Ok(());
    }
    let batch = store::due(&conn, wid, crate::time::now_millis(), BATCH)?;
    if batch.is_empty() {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        finish(&tx, job, wid)?;
        tx.commit()?;
        return Ok(());
    }
    let secret = state
        .secrets
        .open(&hook.sealed_secret)
        .context("opening the webhook secret")?;
    let allow_private = crate::settings::store::allow_private_network(&conn, &state.secrets)?;
    drop(conn);
    let started = Instant::now();
    let mut results = Vec::with_capacity(batch.len());
    for d in batch {
        let h = &hook.hook;
        let out = send(
            state,
            allow_private,
            &h.url,
            Some(&secret),
            &h.headers,
            &d.message_id,
            &d.body,
        );
        let verdict = judge(schedule, d.attempts + 1, &out);
        let stop = matches!(verdict, Verdict::GiveUp(_));
        results.push((d, out, verdict));
        if stop || started.elapsed() >= BATCH_TIME {
            break;
        }
    }
    let mut conn = state.db.conn()?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut notes = Vec::new();
    for (d, out, verdict) in &results {
        let rec = store::AttemptRecord {
            delivery_id: &d.id,
            attempt: d.attempts + 1,
            status_code: out.status_code,
            duration_ms: out.duration_ms,
            response_body: out.response_body.as_deref(),
            error: out.error.as_deref(),
        };
        match verdict {
            Verdict::Succeeded => store::record_attempt(&tx, &rec, "succeeded", None)?,
            Verdict::Retry(at) => store::record_attempt(&tx, &rec, "retrying", Some(*at))?,
            Verdict::GiveUp(why) => {
                store::record_attempt(&tx, &rec, "failed", None)?;
                store::cancel_open(&tx, wid)?;
                notes.extend(give_up(&tx, &hook.hook, &d.id, why)?);
            }
        }
    }
    // Recording the batch and re-queueing the dispatcher commit together.
    finish(&tx, job, wid)?;
    tx.commit()?;
    crate::api::notifications::publish(state, &notes);
    Ok(())
}

/// Disable the endpoint and tell its owner why.
fn give_up(
    c: &rusqlite::Connection,
    h: &super::types::Webhook,
    delivery_id: &str,
    why: &str,
) -> anyhow::Result<Option<crate::api::notifications::types::Notification>> {
    store::disable(c, &h.id, why)?;
    crate::api::notifications::store::create(
        c,
        &crate::api::notifications::store::NewNotification {
            user_id: Some(&h.owner_id),
            kind: "webhook.disabled",
            title: &format!("Webhook disabled: {}", h.url),
            body: why,
            link: Some("/webhooks"),
            data: serde_json::json!({ "webhook_id": h.id, "delivery_id": delivery_id }),
            event_id: None,
        },
    )
    .map_err(Into::into)
}
