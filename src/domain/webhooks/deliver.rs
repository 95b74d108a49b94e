//! Delivery: the fan-out subscriber writes one delivery row per matching endpoint and makes sure
//! that endpoint's dispatcher job (`jobs.rs`) is queued; `send` makes one signed attempt —
//! without following redirects, 15 s timeout.
use super::{signing, store};
use crate::events::{Event, Push};
use crate::state::AppState;
use anyhow::Context;
use std::io::Read;
use std::time::{Duration, Instant};

pub const KIND: &str = "webhooks.deliver";
pub(super) const TIMEOUT: Duration = Duration::from_secs(15);
const RESPONSE_KEEP: usize = 1000;

/// The Standard Webhooks body for an event.
pub fn body_for(kind: &str, timestamp: &str, data: &serde_json::Value) -> String {
    serde_json::json!({ "type": kind, "timestamp": timestamp, "data": data }).to_string()
}

pub fn new_message_id() -> String {
    format!("msg_{}", uuid::Uuid::now_v7().simple())
}

/// Fan-out subscriber: one delivery per active endpoint subscribed to the event (idempotent).
/// Nothing is pushed live: the dispatchers deliver.
pub fn subscriber(c: &rusqlite::Connection, event: &Event) -> anyhow::Result<Vec<Push>> {
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
    Ok(Vec::new())
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

/// Everything needed to attempt one delivery, loaded in one go.
pub struct Prepared {
    pub pending: store::Pending,
    pub hook: store::Stored,
    pub secret: String,
    pub headers: std::collections::BTreeMap<String, String>,
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
    let headers = super::sealing::open_headers(&state.secrets, &hook.sealed_headers)?;
    let allow_private = crate::settings::store::allow_private_network(c, &state.secrets)?;
    Ok(Some(Prepared {
        pending,
        hook,
        secret,
        headers,
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
        &p.headers,
        &p.pending.message_id,
        &p.pending.body,
    )
}
