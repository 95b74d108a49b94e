//! Domain events (`task.created`, `user.password_changed`, …) and their one fan-out point.
//!
//! `emit` writes the event and its fan-out job in the caller's transaction (an outbox: no event is
//! lost when the process dies after commit). The fan-out job hands the event to every subscriber
//! the composition root registered (webhook deliveries, automation runs, notifications), in one
//! write transaction, then publishes what they asked to push live and the event itself.
pub mod store;

use crate::jobs::Job;
use crate::state::AppState;
use anyhow::Context;
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

/// Record an event and queue its fan-out, in the same transaction as the change that caused it.
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
    crate::jobs::enqueue(conn, FANOUT_KIND, serde_json::json!({ "event_id": id }))?;
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

/// The fan-out job: the one place events reach their subscribers.
pub fn fanout_job(state: &AppState, job: &Job) -> anyhow::Result<()> {
    let id = job.payload["event_id"]
        .as_str()
        .context("fan-out job without event_id")?;
    let Some(event) = state.db.read_blocking(|c| store::get(c, id))? else {
        // Purged before it was delivered: nothing left to do.
        return Ok(());
    };
    let pushes = state.db.write_blocking(|tx| -> anyhow::Result<Vec<Push>> {
        let mut pushes = Vec::new();
        for subscriber in &state.registry.subscribers {
            pushes.extend(subscriber(tx, &event)?);
        }
        Ok(pushes)
    })?;
    for push in pushes {
        state.feed.push(push);
    }
    state.bus.publish(event);
    Ok(())
}
