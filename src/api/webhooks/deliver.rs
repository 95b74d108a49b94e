//! Delivery: the fan-out creates one delivery (and one job) per matching endpoint, and the job
//! sends it — signed, without following redirects, 15 s timeout — on the retry schedule.
use super::{signing, store};
use crate::app::AppState;
use crate::events::Event;
use crate::jobs::{Job, RetryAfter};
use anyhow::Context;
use std::collections::HashMap;
use std::io::Read;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub const KIND: &str = "webhooks.deliver";
const TIMEOUT: Duration = Duration::from_secs(15);
/// Attempts in flight per endpoint: a slow endpoint holds at most this many workers.
const MAX_IN_FLIGHT: usize = 2;
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
            enqueue(c, &id, crate::time::now_millis())?;
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

pub fn enqueue(
    c: &rusqlite::Connection,
    delivery_id: &str,
    run_after_ms: i64,
) -> anyhow::Result<()> {
    let key = format!("webhook-delivery:{delivery_id}");
    crate::jobs::store::insert(
        c,
        &crate::jobs::store::NewJob {
            kind: KIND,
            payload: serde_json::json!({ "delivery_id": delivery_id }),
            run_after_ms,
            // The delivery counts its own attempts against the schedule; the job only carries it.
            max_attempts: 100_000,
            dedupe_key: Some(&key),
        },
    )?;
    Ok(())
}

/// Per-endpoint in-flight counter (keyed by data dir too: tests run several servers per process).
fn in_flight() -> &'static Mutex<HashMap<String, usize>> {
    static M: OnceLock<Mutex<HashMap<String, usize>>> = OnceLock::new();
    M.get_or_init(Default::default)
}

struct Slot(String);

impl Slot {
    fn take(key: String) -> Option<Slot> {
        let mut m = in_flight().lock().unwrap_or_else(|e| e.into_inner());
        let n = m.entry(key.clone()).or_insert(0);
        if *n >= MAX_IN_FLIGHT {
            return None;
        }
        *n += 1;
        Some(Slot(key))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut m = in_flight().lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = m.get_mut(&self.0) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                m.remove(&self.0);
            }
        }
    }
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
            let retry_after = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
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
    let allow_private = crate::api::settings::store::allow_private_network(c, &state.secrets)?;
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

/// The delivery job: one attempt, then success, a scheduled retry, or giving up.
pub fn run(state: &AppState, job: &Job) -> anyhow::Result<()> {
    let id = job.payload["delivery_id"]
        .as_str()
        .context("delivery job without delivery_id")?;
    let conn = state.db.conn()?;
    let Some(p) = prepare(state, &conn, id)? else {
        return Ok(());
    };
    if !matches!(p.pending.status.as_str(), "pending" | "retrying") {
        return Ok(());
    }
    if !p.hook.hook.active {
        store::set_delivery_status(&conn, id, "cancelled")?;
        return Ok(());
    }
    drop(conn);
    let slot_key = format!("{}:{}", state.cfg.data_dir.display(), p.hook.hook.id);
    let Some(_slot) = Slot::take(slot_key) else {
        // The endpoint is busy (slow): let other endpoints' deliveries go first.
        return Err(RetryAfter {
            after: Duration::from_millis(200),
            reason: "endpoint busy".into(),
        }
        .into());
    };
    let out = attempt(state, &p);
    let n = p.pending.attempts + 1;
    let schedule = &state.cfg.webhook_retry_schedule;
    let mut conn = state.db.conn()?;
    let tx = conn.transaction()?;
    let rec = store::AttemptRecord {
        delivery_id: id,
        attempt: n,
        status_code: out.status_code,
        duration_ms: out.duration_ms,
        response_body: out.response_body.as_deref(),
        error: out.error.as_deref(),
    };
    let mut notes = Vec::new();
    let mut retry = None;
    if out.ok() {
        store::record_attempt(&tx, &rec, "succeeded", None)?;
    } else if out.status_code == Some(410) {
        store::record_attempt(&tx, &rec, "failed", None)?;
        notes.extend(give_up(&tx, &p, "the endpoint answered 410 Gone")?);
    } else if let Some(delay) = scheduled_delay(schedule, n as usize) {
        let delay = out
            .retry_after
            .map(|r| r.min(Duration::from_secs(86400)))
            .unwrap_or(delay);
        let at =
            crate::time::millis_to_rfc3339(crate::time::now_millis() + delay.as_millis() as i64);
        store::record_attempt(&tx, &rec, "retrying", Some(&at))?;
        retry = Some(delay);
    } else {
        store::record_attempt(&tx, &rec, "failed", None)?;
        let why = format!(
            "delivery failed after {n} attempts ({})",
            out.error.as_deref().unwrap_or("error")
        );
        notes.extend(give_up(&tx, &p, &why)?);
    }
    tx.commit()?;
    crate::api::notifications::publish(state, &notes);
    match retry {
        Some(after) => Err(RetryAfter {
            after,
            reason: out.error.unwrap_or_default(),
        }
        .into()),
        None => Ok(()),
    }
}

/// Disable the endpoint and tell its owner why.
fn give_up(
    c: &rusqlite::Connection,
    p: &Prepared,
    why: &str,
) -> anyhow::Result<Option<crate::api::notifications::types::Notification>> {
    let h = &p.hook.hook;
    store::disable(c, &h.id, why)?;
    crate::api::notifications::store::create(
        c,
        &crate::api::notifications::store::NewNotification {
            user_id: Some(&h.owner_id),
            kind: "webhook.disabled",
            title: &format!("Webhook disabled: {}", h.url),
            body: why,
            link: Some("/webhooks"),
            data: serde_json::json!({ "webhook_id": h.id, "delivery_id": p.pending.id }),
            event_id: None,
        },
    )
    .map_err(Into::into)
}
