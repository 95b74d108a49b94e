//! Durable background work: a `jobs` table and a fixed pool of named worker threads.
//! Jobs are claimed atomically, retried with backoff, re-run after a crash, and stop cleanly.
//! Each job kind lives in its own file; `dispatch` is the one list of kinds.
pub mod maintenance;
pub mod store;

use crate::app::AppState;
use anyhow::Context;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;
pub use store::Job;

/// Kinds that re-schedule themselves after each run, with their period.
const RECURRING: &[(&str, Duration)] = &[
    (maintenance::KIND, Duration::from_secs(3600)),
    (crate::api::tasks::overdue::KIND, Duration::from_secs(3600)),
];

/// Return this (as the error) from a job to be retried after a specific delay.
#[derive(Debug, thiserror::Error)]
#[error("{reason}")]
pub struct RetryAfter {
    pub after: Duration,
    pub reason: String,
}

/// Return this (as the error) to fail a job now, without further attempts.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Permanent(pub String);

/// Wakes idle workers when new work is queued; carries the shutdown flag.
#[derive(Clone, Default)]
pub struct Signal {
    inner: Arc<(Mutex<u64>, Condvar, AtomicBool)>,
}

impl Signal {
    pub fn notify(&self) {
        let (lock, cv, _) = &*self.inner;
        *lock.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        cv.notify_all();
    }

    fn wait(&self, timeout: Duration) {
        let (lock, cv, _) = &*self.inner;
        let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let seen = *guard;
        let _ = cv.wait_timeout_while(guard, timeout, |n| *n == seen && !self.is_shutdown());
    }

    fn shutdown(&self) {
        self.inner.2.store(true, Ordering::SeqCst);
        self.notify();
    }

    fn is_shutdown(&self) -> bool {
        self.inner.2.load(Ordering::SeqCst)
    }
}

/// Queue a job in the caller's transaction/connection. Call `state.jobs.notify()` after commit.
pub fn enqueue(
    conn: &rusqlite::Connection,
    kind: &str,
    payload: serde_json::Value,
) -> rusqlite::Result<Option<i64>> {
    enqueue_at(conn, kind, payload, crate::time::now_millis())
}

pub fn enqueue_at(
    conn: &rusqlite::Connection,
    kind: &str,
    payload: serde_json::Value,
    run_after_ms: i64,
) -> rusqlite::Result<Option<i64>> {
    store::insert(
        conn,
        &store::NewJob {
            kind,
            payload,
            run_after_ms,
            max_attempts: 5,
            dedupe_key: None,
        },
    )
}

fn dispatch(state: &AppState, job: &Job) -> anyhow::Result<()> {
    match job.kind.as_str() {
        crate::events::FANOUT_KIND => crate::events::fanout_job(state, job),
        maintenance::KIND => maintenance::run(state, job),
        crate::api::webhooks::deliver::KIND => crate::api::webhooks::deliver::run(state, job),
        crate::api::automations::engine::KIND => {
            crate::api::automations::engine::run_job(state, job)
        }
        crate::api::tasks::overdue::KIND => crate::api::tasks::overdue::run(state, job),
        crate::knowledge::ingest::KIND => crate::knowledge::ingest::run(state, job),
        crate::knowledge::reembed::KIND => crate::knowledge::reembed::run(state, job),
        crate::knowledge::platforms::KIND => crate::knowledge::platforms::run(state, job),
        other => Err(Permanent(format!("unknown job kind {other:?}")).into()),
    }
}

/// Exponential backoff with jitter: 2^attempt seconds (capped at one hour) ± 20 %.
fn backoff(attempt: i64) -> Duration {
    let base = 2f64.powi(attempt.clamp(0, 12) as i32).min(3600.0);
    let jitter = 0.8 + (crate::crypto::random_u64() % 400) as f64 / 1000.0;
    Duration::from_secs_f64(base * jitter)
}

/// Claim and run one due job. Returns whether a job was run.
pub fn run_one(state: &AppState, worker: &str) -> anyhow::Result<bool> {
    let mut conn = state.db.conn()?;
    let Some(job) = store::claim(&mut conn, worker, crate::time::now_millis())? else {
        return Ok(false);
    };
    drop(conn);
    let started = std::time::Instant::now();
    let result = dispatch(state, &job);
    let conn = state.db.conn()?;
    match result {
        Ok(()) => {
            store::mark_done(&conn, job.id)?;
            if let Some((_, period)) = RECURRING.iter().find(|(k, _)| *k == job.kind) {
                schedule_recurring(&conn, &job.kind, *period)?;
            }
            tracing::debug!(job = job.id, kind = %job.kind, ms = started.elapsed().as_millis() as u64, "job done");
        }
        Err(err) => {
            let msg = format!("{err:#}");
            let permanent = err.downcast_ref::<Permanent>().is_some();
            if permanent || job.attempts >= job.max_attempts {
                store::mark_failed(&conn, job.id, &msg)?;
                tracing::warn!(job = job.id, kind = %job.kind, attempts = job.attempts, error = %msg, "job failed");
            } else {
                let delay = err
                    .downcast_ref::<RetryAfter>()
                    .map(|r| r.after)
                    .unwrap_or_else(|| backoff(job.attempts));
                store::mark_retry(
                    &conn,
                    job.id,
                    &msg,
                    crate::time::now_millis() + delay.as_millis() as i64,
                )?;
                tracing::info!(job = job.id, kind = %job.kind, attempt = job.attempts, retry_in_ms = delay.as_millis() as u64, error = %msg, "job will retry");
            }
        }
    }
    Ok(true)
}

/// Run every job that is due now, on this thread, until none is left (tests drain deterministically).
pub fn run_until_idle(state: &AppState) -> anyhow::Result<usize> {
    let mut n = 0;
    while run_one(state, "drain")? {
        n += 1;
        anyhow::ensure!(n < 100_000, "job queue did not drain");
    }
    Ok(n)
}

fn schedule_recurring(
    conn: &rusqlite::Connection,
    kind: &str,
    period: Duration,
) -> rusqlite::Result<()> {
    store::insert(
        conn,
        &store::NewJob {
            kind,
            payload: serde_json::json!({}),
            run_after_ms: crate::time::now_millis() + period.as_millis() as i64,
            max_attempts: 3,
            dedupe_key: Some(kind),
        },
    )?;
    Ok(())
}

/// Prepare the queue at start: re-queue jobs interrupted by a crash, make sure recurring jobs exist.
pub fn recover(state: &AppState) -> anyhow::Result<()> {
    let conn = state.db.conn()?;
    let n = store::requeue_running(&conn).context("re-queueing interrupted jobs")?;
    if n > 0 {
        tracing::info!(count = n, "re-queued jobs interrupted by a previous stop");
    }
    for (kind, _) in RECURRING {
        store::insert(
            &conn,
            &store::NewJob {
                kind,
                payload: serde_json::json!({}),
                run_after_ms: 0,
                max_attempts: 3,
                dedupe_key: Some(kind),
            },
        )?;
    }
    Ok(())
}

/// The running worker threads; `shutdown` lets each finish its current job and joins them.
pub struct WorkerPool {
    handles: Vec<JoinHandle<()>>,
    signal: Signal,
}

pub fn start_workers(state: &AppState, count: usize) -> anyhow::Result<WorkerPool> {
    let mut handles = Vec::with_capacity(count);
    for i in 0..count {
        let state = state.clone();
        let name = format!("nm-worker-{i}");
        let handle = std::thread::Builder::new()
            .name(name.clone())
            .spawn(move || worker_loop(&state, &name))
            .context("spawning a worker thread")?;
        handles.push(handle);
    }
    Ok(WorkerPool {
        handles,
        signal: state.jobs.clone(),
    })
}

fn worker_loop(state: &AppState, name: &str) {
    while !state.jobs.is_shutdown() {
        match run_one(state, name) {
            Ok(true) => continue,
            Ok(false) => {
                let wait = state
                    .db
                    .conn()
                    .ok()
                    .and_then(|c| store::next_due_ms(&c).ok().flatten())
                    .map(|due| {
                        Duration::from_millis(
                            (due - crate::time::now_millis()).clamp(5, 1000) as u64
                        )
                    })
                    .unwrap_or(Duration::from_secs(1));
                state.jobs.wait(wait);
            }
            Err(err) => {
                tracing::error!(worker = name, error = %format!("{err:#}"), "worker error");
                state.jobs.wait(Duration::from_secs(1));
            }
        }
    }
}

impl WorkerPool {
    pub fn shutdown(self) {
        self.signal.shutdown();
        for h in self.handles {
            let _ = h.join();
        }
    }
}
