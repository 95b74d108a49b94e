//! The dispatcher job of one endpoint. It sends its endpoint's due deliveries in order and
//! records a batch of attempts per commit, so throughput is not bound by one fsync per delivery.
//! One dispatcher per endpoint: a slow endpoint holds one worker, never the others. Failed
//! attempts are re-scheduled on the retry schedule (or Retry-After); the dispatcher re-queues
//! itself for the earliest due one. The write lock is never held across an HTTP call: reads
//! before sending, one short write transaction after the batch.
use super::deliver::{Outcome, enqueue, send};
use super::store;
use super::types::Webhook;
use crate::domain::notifications;
use crate::events::Push;
use crate::jobs::Job;
use crate::state::AppState;
use anyhow::Context;
use std::time::{Duration, Instant};

/// A dispatcher sends at most this many deliveries (or for this long) before recording them and
/// letting other endpoints' dispatchers take a turn.
const BATCH: i64 = 64;
const BATCH_TIME: Duration = Duration::from_millis(500);

/// Jittered delay before attempt `n` (0-based) of the schedule: ±10 %.
fn scheduled_delay(schedule: &[Duration], n: usize) -> Option<Duration> {
    let d = *schedule.get(n)?;
    let jitter = 0.9 + (crate::crypto::random_u64() % 200) as f64 / 1000.0;
    Some(d.mul_f64(jitter))
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

/// What the dispatcher needs before sending: the endpoint, its open secret, the batch.
struct Batch {
    hook: Webhook,
    secret: String,
    headers: std::collections::BTreeMap<String, String>,
    allow_private: bool,
    due: Vec<store::Pending>,
}

/// The dispatcher job of one endpoint: send one batch of due deliveries, record it, and re-queue
/// itself for whatever is due next (at the back of the queue, so endpoints take turns).
pub fn run(state: &AppState, job: &Job) -> anyhow::Result<()> {
    let wid = job.payload["webhook_id"]
        .as_str()
        .context("dispatch job without webhook_id")?;
    let schedule = &state.cfg.webhook_retry_schedule;
    let Some(hook) = state.db.read_blocking(|c| store::get(c, wid))? else {
        return Ok(()); // deleted: its deliveries went with it
    };
    if !hook.hook.active {
        state.db.write_blocking(|tx| store::cancel_open(tx, wid))?;
        return Ok(());
    }
    let batch = state.db.read_blocking(|c| -> anyhow::Result<Batch> {
        Ok(Batch {
            secret: state
                .secrets
                .open(&hook.sealed_secret)
                .context("opening the webhook secret")?,
            headers: super::sealing::open_headers(&state.secrets, &hook.sealed_headers)?,
            allow_private: crate::settings::store::allow_private_network(c, &state.secrets)?,
            due: store::due(c, wid, crate::time::now_millis(), BATCH)?,
            hook: hook.hook,
        })
    })?;
    if batch.due.is_empty() {
        return state.db.write_blocking(|tx| finish(tx, job, wid));
    }
    let started = Instant::now();
    let mut results = Vec::with_capacity(batch.due.len());
    for d in batch.due {
        let h = &batch.hook;
        let out = send(
            state,
            batch.allow_private,
            &h.url,
            Some(&batch.secret),
            &batch.headers,
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
    // Recording the batch and re-queueing the dispatcher commit together.
    let pushes = state.db.write_blocking(|tx| -> anyhow::Result<Vec<Push>> {
        let mut pushes = Vec::new();
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
                Verdict::Succeeded => store::record_attempt(tx, &rec, "succeeded", None)?,
                Verdict::Retry(at) => store::record_attempt(tx, &rec, "retrying", Some(*at))?,
                Verdict::GiveUp(why) => {
                    store::record_attempt(tx, &rec, "failed", None)?;
                    store::cancel_open(tx, wid)?;
                    pushes.extend(give_up(tx, &batch.hook, &d.id, why)?);
                }
            }
        }
        finish(tx, job, wid)?;
        Ok(pushes)
    })?;
    for p in pushes {
        state.feed.push(p);
    }
    Ok(())
}

/// Disable the endpoint and tell its owner why (the push goes out once this commits).
fn give_up(
    c: &rusqlite::Connection,
    h: &Webhook,
    delivery_id: &str,
    why: &str,
) -> anyhow::Result<Option<Push>> {
    store::disable(c, &h.id, why)?;
    let note = notifications::store::create(
        c,
        &notifications::types::NewNotification {
            user_id: Some(&h.owner_id),
            kind: "webhook.disabled",
            title: &format!("Webhook disabled: {}", h.url),
            body: why,
            link: Some("/webhooks"),
            data: serde_json::json!({ "webhook_id": h.id, "delivery_id": delivery_id }),
            event_id: None,
        },
    )?;
    Ok(note.as_ref().map(notifications::push))
}
