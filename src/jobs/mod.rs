//! Durable background work: a `jobs` table and a fixed pool of named worker threads.
//! Jobs are claimed atomically, retried with backoff, re-run after a crash, and stop cleanly.
//! Each job kind lives in its own file; `dispatch` is the one list of kinds.
pub mod maintenance;
pub mod store;

use crate::state::AppState;
use anyhow::Context;
use std::thread::JoinHandle;
use std::time::Duration;
pub use store::Job;

/// A job kind: its name in the `jobs` table, what runs it, for recurring kinds the period
/// after which it queues itself again, and its class. The list is assembled in `app.rs`.
#[derive(Clone, Copy)]
pub struct Kind {
    pub name: &'static str,
    pub run: fn(&AppState, &Job) -> anyhow::Result<()>,
    pub every: Option<Duration>,
    pub class: Class,
}

/// How a kind's jobs share the worker pool. `Long` jobs (imports, crawls, asset generation) may
/// hold every worker but `RESERVED_FOR_QUICK`, so a crawl that takes minutes never starves the
/// short network jobs (webhook deliveries, event fan-out, publishing sends).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Quick,
    Long,
}

/// Workers of a pool that only `Quick` jobs may take (a one-worker pool runs everything).
pub const RESERVED_FOR_QUICK: usize = 1;

/// How many `Long` jobs a pool of `workers` threads runs at once.
pub fn long_slots(workers: usize) -> usize {
    workers.saturating_sub(RESERVED_FOR_QUICK).max(1)
}

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

/// Wakes idle workers when new work is queued (rung by `Db::write` after a commit that queued
/// one); carries the shutdown flag.
pub use crate::db::Bell as Signal;

/// Queue a job in the caller's write transaction; the workers are woken when it commits.
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
    match state.registry.jobs.iter().find(|k| k.name == job.kind) {
        Some(kind) => (kind.run)(state, job),
        None => Err(Permanent(format!("unknown job kind {:?}", job.kind)).into()),
    }
}

/// Exponential backoff with jitter: 2^attempt seconds (capped at one hour) ± 20 %.
fn backoff(attempt: i64) -> Duration {
    let base = 2f64.powi(attempt.clamp(0, 12) as i32).min(3600.0);
    let jitter = 0.8 + (crate::crypto::random_u64() % 400) as f64 / 1000.0;
    Duration::from_secs_f64(base * jitter)
}

/// Claim and run one due job, starting a `Long` one only while fewer than `long_slots` run.
/// Returns whether a job was run.
pub fn run_one(state: &AppState, worker: &str, long_slots: usize) -> anyhow::Result<bool> {
    let now = crate::time::now_millis();
    let long: Vec<&str> = state
        .registry
        .jobs
        .iter()
        .filter(|k| k.class == Class::Long)
        .map(|k| k.name)
        .collect();
    let budget = store::LongBudget {
        kinds: &long,
        slots: long_slots,
    };
    // Look on a reader first: an idle poll does not take the write lock.
    if !state
        .db
        .read_blocking(|c| store::any_due(c, now, &budget))?
    {
        return Ok(false);
    }
    let Some(job) = state
        .db
        .write_blocking(|tx| store::claim(tx, worker, now, &budget))?
    else {
        return Ok(false);
    };
    let started = std::time::Instant::now();
    let result = dispatch(state, &job);
    let kind = state.registry.jobs.iter().find(|k| k.name == job.kind);
    let every = kind.and_then(|k| k.every);
    state.db.write_blocking(|conn| -> anyhow::Result<()> {
    match result {
        Ok(()) => {
            store::mark_done(conn, job.id)?;
            if let Some(period) = every {
                schedule_recurring(conn, &job.kind, period)?;
            }
            tracing::debug!(job = job.id, kind = %job.kind, ms = started.elapsed().as_millis() as u64, "job done");
        }
        Err(err) => {
            let msg = format!("{err:#}");
            let permanent = err.downcast_ref::<Permanent>().is_some();
            if permanent || job.attempts >= job.max_attempts {
                store::mark_failed(conn, job.id, &msg)?;
                tracing::warn!(job = job.id, kind = %job.kind, attempts = job.attempts, error = %msg, "job failed");
            } else {
                let delay = err
                    .downcast_ref::<RetryAfter>()
                    .map(|r| r.after)
                    .unwrap_or_else(|| backoff(job.attempts));
                store::mark_retry(
                    conn,
                    job.id,
                    &msg,
                    crate::time::now_millis() + delay.as_millis() as i64,
                )?;
                tracing::info!(job = job.id, kind = %job.kind, attempt = job.attempts, retry_in_ms = delay.as_millis() as u64, error = %msg, "job will retry");
            }
        }
    }
    Ok(())
    })?;
    if kind.is_some_and(|k| k.class == Class::Long) {
        // A long slot is free: wake the workers that left long jobs waiting for one.
        state.jobs.notify();
    }
    Ok(true)
}

/// Run every job that is due now, on this thread, until none is left (tests drain deterministically).
pub fn run_until_idle(state: &AppState) -> anyhow::Result<usize> {
    let mut n = 0;
    while run_one(state, "drain", usize::MAX)? {
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
    state.db.write_blocking(|conn| -> anyhow::Result<()> {
        let n = store::requeue_running(conn).context("re-queueing interrupted jobs")?;
        if n > 0 {
            tracing::info!(count = n, "re-queued jobs interrupted by a previous stop");
        }
        for kind in state.registry.jobs.iter().filter(|k| k.every.is_some()) {
            store::insert(
                conn,
                &store::NewJob {
                    kind: kind.name,
                    payload: serde_json::json!({}),
                    run_after_ms: 0,
                    max_attempts: 3,
                    dedupe_key: Some(kind.name),
                },
            )?;
        }
        Ok(())
    })
}

/// The running worker threads; `shutdown` lets each finish its current job and joins them.
pub struct WorkerPool {
    handles: Vec<JoinHandle<()>>,
    signal: Signal,
}

pub fn start_workers(state: &AppState, count: usize) -> anyhow::Result<WorkerPool> {
    let mut handles = Vec::with_capacity(count);
    let slots = long_slots(count);
    for i in 0..count {
        let state = state.clone();
        let name = format!("nm-worker-{i}");
        let handle = std::thread::Builder::new()
            .name(name.clone())
            .spawn(move || worker_loop(&state, &name, slots))
            .context("spawning a worker thread")?;
        handles.push(handle);
    }
    Ok(WorkerPool {
        handles,
        signal: state.jobs.clone(),
    })
}

fn worker_loop(state: &AppState, name: &str, long_slots: usize) {
    while !state.jobs.is_shutdown() {
        match run_one(state, name, long_slots) {
            Ok(true) => continue,
            Ok(false) => {
                // A job already due but not taken waits for a long slot; the worker that frees
                // one rings the bell, so there is no need to poll for it.
                let wait = state
                    .db
                    .read_blocking(|c| store::next_due_ms(c).map_err(crate::db::DbError::from))
                    .ok()
                    .flatten()
                    .map(|due| match due - crate::time::now_millis() {
                        ..=0 => Duration::from_secs(1),
                        ms => Duration::from_millis(ms.clamp(5, 1000) as u64),
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
