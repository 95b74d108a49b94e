//! Domain events (`task.created`, `user.password_changed`, …) and their one fan-out point.
//!
//! `emit` writes the event and its fan-out job in the caller's transaction (an outbox: no event is
//! lost when the process dies after commit). The fan-out job hands the event to every subscriber:
//! webhook deliveries, automation runs, notifications, and the in-process broadcast (live SSE).
pub mod store;

use crate::app::AppState;
use crate::jobs::Job;
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

/// The fan-out job: the one place events reach their subscribers.
pub fn fanout_job(state: &AppState, job: &Job) -> anyhow::Result<()> {
    let id = job.payload["event_id"]
        .as_str()
        .context("fan-out job without event_id")?;
    let mut conn = state.db.conn()?;
    let Some(event) = store::get(&conn, id)? else {
        // Purged before it was delivered: nothing left to do.
        return Ok(());
    };
    // Durable subscribers write their rows and jobs in one transaction (idempotent if re-run).
    // IMMEDIATE: a deferred transaction that reads then writes fails at once (no busy wait)
    // when another connection committed in between.
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    crate::api::webhooks::deliver::on_event(&tx, &event)?;
    crate::api::automations::engine::on_event(&tx, &event)?;
    let notes = crate::api::notifications::on_event(&tx, &event)?;
    tx.commit()?;
    drop(conn);
    state.jobs.notify();
    crate::api::notifications::publish(state, &notes);
    state.bus.publish(event);
    Ok(())
}
