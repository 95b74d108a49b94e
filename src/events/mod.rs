//! Domain events (`task.created`, `user.password_changed`, …) and their one fan-out point.
//!
//! `emit` writes the event, marked pending, in the caller's transaction (an outbox: no event is
//! lost when the process dies after commit) and makes sure one fan-out job is queued. That job
//! drains every pending event in batches: it hands each to every subscriber the composition root
//! registered (webhook deliveries, automation runs, notifications) in one write transaction per
//! batch, then publishes what they asked to push live and the events themselves.
pub mod store;

use crate::jobs::Job;
use crate::state::AppState;
use serde::Serialize;
use tokio::sync::broadcast;

pub const FANOUT_KIND: &str = "events.fanout";

#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub actor_id: Option<String>,
    pub data: serde_json::Value,
    pub created_at: String,
}

/// Events handed to subscribers per write transaction of the fan-out.
const FANOUT_BATCH: usize = 256;
/// Failed hand-offs after which an event leaves the fan-out (logged) instead of blocking nothing
/// but itself forever.
const FANOUT_MAX_ATTEMPTS: i64 = 5;

/// Record an event and queue its fan-out, in the same transaction as the change that caused it.
/// A fan-out job already queued (not yet started) drains this event too, so a burst of events
/// costs one job, not one per event.
pub fn emit(
    conn: &rusqlite::Connection,
    kind: &str,
    actor_id: Option<&str>,
    data: serde_json::Value,
) -> rusqlite::Result<String> {
    let id = format!("evt_{}", uuid::Uuid::now_v7().simple());
    store::insert(
        conn,
        &id,
        kind,
        actor_id,
        &data.to_string(),
        &crate::time::now_rfc3339(),
    )?;
    crate::jobs::store::insert(
        conn,
        &crate::jobs::store::NewJob {
            kind: FANOUT_KIND,
            payload: serde_json::json!({}),
            run_after_ms: crate::time::now_millis(),
            max_attempts: 5,
            dedupe_key: Some(FANOUT_KIND),
        },
    )?;
    Ok(id)
}

/// A subscriber: writes its rows and jobs for the event in the fan-out's transaction (idempotent
/// if re-run) and returns what to push live to users once that transaction commits.
pub type Subscriber = fn(&rusqlite::Connection, &Event) -> anyhow::Result<Vec<Push>>;

/// A message for live streams (SSE `event:` name and JSON data): one user's, or everyone's.
#[derive(Debug, Clone)]
pub struct Push {
    pub user_id: Option<String>,
    pub event: &'static str,
    pub data: serde_json::Value,
}

/// Per-user live pushes; a stream subscribes and keeps the pushes addressed to its user.
#[derive(Clone)]
pub struct Feed {
    tx: broadcast::Sender<std::sync::Arc<Push>>,
}

impl Default for Feed {
    fn default() -> Self {
        Feed {
            tx: broadcast::channel(1024).0,
        }
    }
}

impl Feed {
    pub fn subscribe(&self) -> broadcast::Receiver<std::sync::Arc<Push>> {
        self.tx.subscribe()
    }

    pub fn push(&self, push: Push) {
        // No receiver is fine: nobody is watching live.
        let _ = self.tx.send(std::sync::Arc::new(push));
    }
}

/// In-process listeners (SSE screens, tests). Lagging receivers drop old events, never block.
#[derive(Clone)]
pub struct Bus {
    tx: broadcast::Sender<Event>,
}

impl Default for Bus {
    fn default() -> Self {
        Bus {
            tx: broadcast::channel(1024).0,
        }
    }
}

impl Bus {
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }

    fn publish(&self, event: Event) {
        // No receiver is fine: nobody is watching live.
        let _ = self.tx.send(event);
    }
}

/// "Something a live screen watches has changed": a counter rung after such commits (each
/// asset of a plan run finishing) and a condvar to wait on it. Waiters take the count, re-read
/// what they watch, then wait for the count to move, so no ring between the two is missed.
#[derive(Clone, Default)]
pub struct Progress {
    inner: std::sync::Arc<(std::sync::Mutex<u64>, std::sync::Condvar)>,
}

impl Progress {
    pub fn ring(&self) {
        let (lock, cv) = &*self.inner;
        *lock.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        cv.notify_all();
    }

    /// The count now (take it before reading the state it guards).
    pub fn seen(&self) -> u64 {
        *self.inner.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sleep until the count differs from `seen` or `timeout` passes; the count then.
    pub fn wait_past(&self, seen: u64, timeout: std::time::Duration) -> u64 {
        let (lock, cv) = &*self.inner;
        let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let (guard, _) = cv
            .wait_timeout_while(guard, timeout, |n| *n == seen)
            .unwrap_or_else(|e| e.into_inner());
        *guard
    }
}

/// The fan-out job: the one place events reach their subscribers. It first gives up its dedupe
/// key (in the same transaction as its first batch), so an event committed after that batch was
/// read queues the next drain; every event committed before it is in one of this job's batches.
pub fn fanout_job(state: &AppState, job: &Job) -> anyhow::Result<()> {
    let mut after = 0i64;
    let mut release = job.dedupe_key.is_some();
    let mut failed = 0usize;
    loop {
        let batch = state.db.write_blocking(|tx| -> anyhow::Result<Batch> {
            if release {
                crate::jobs::store::release_dedupe(tx, job.id)?;
            }
            let events = store::pending_after(tx, after, FANOUT_BATCH)?;
            let mut batch = Batch::default();
            for (rowid, event) in events {
                batch.last = rowid;
                batch.seen += 1;
                match hand_off(tx, &state.registry.subscribers, &event)? {
                    Ok(pushes) => {
                        store::mark_fanned(tx, rowid)?;
                        batch.pushes.extend(pushes);
                        batch.events.push(event);
                    }
                    Err(err) => {
                        let attempts = store::note_failure(tx, rowid)?;
                        let give_up = attempts >= FANOUT_MAX_ATTEMPTS;
                        if give_up {
                            store::mark_fanned(tx, rowid)?;
                        } else {
                            batch.failed += 1;
                        }
                        tracing::warn!(event = %event.id, kind = %event.kind, attempts, give_up, error = %format!("{err:#}"), "event fan-out failed");
                    }
                }
            }
            Ok(batch)
        })?;
        release = false;
        after = batch.last;
        failed += batch.failed;
        for push in batch.pushes {
            state.feed.push(push);
        }
        for event in batch.events {
            state.bus.publish(event);
        }
        if batch.seen < FANOUT_BATCH {
            break;
        }
    }
    anyhow::ensure!(
        failed == 0,
        "{failed} event(s) could not be handed to their subscribers"
    );
    Ok(())
}

#[derive(Default)]
struct Batch {
    last: i64,
    seen: usize,
    failed: usize,
    events: Vec<Event>,
    pushes: Vec<Push>,
}

/// Give one event to every subscriber inside a savepoint: a subscriber's error undoes only this
/// event's rows (the outer error is the database failing, which ends the whole batch).
fn hand_off(
    tx: &rusqlite::Connection,
    subscribers: &[Subscriber],
    event: &Event,
) -> rusqlite::Result<anyhow::Result<Vec<Push>>> {
    tx.execute_batch("SAVEPOINT fanout_event")?;
    let mut pushes = Vec::new();
    for subscriber in subscribers {
        match subscriber(tx, event) {
            Ok(p) => pushes.extend(p),
            Err(err) => {
                tx.execute_batch("ROLLBACK TO fanout_event; RELEASE fanout_event")?;
                return Ok(Err(err));
            }
        }
    }
    tx.execute_batch("RELEASE fanout_event")?;
    Ok(Ok(pushes))
}
