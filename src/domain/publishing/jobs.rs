//! The publishing jobs (registered in `app.rs`). The dispatcher is a pipeline: it wakes
//! `LEAD_MS` before posts are due and claims them in batches (each post recorded `publishing`
//! with its text in the claiming write, before anything is sent; posts due longer ago than the
//! grace period become `missed`); a pool of senders sends each claimed post at its exact time;
//! a recorder commits finished sends together every few milliseconds. A burst of posts costs a
//! few writes per hundred posts and no send waits for another's answer to be written. The
//! resolver settles posts whose answer was lost. `recover` runs once at start: whatever was
//! claimed or mid-send when the last process died is looked up, never sent blindly.
use super::conf::{self, Conf};
use super::posts_store as store;
use super::send::{self, DISPATCH, LEAD_MS, RESOLVE, Sendable};
use super::types::{Outcome, Post};
use crate::jobs::Job;
use crate::state::AppState;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

pub const DISPATCH_KIND: &str = DISPATCH;
pub const RESOLVE_KIND: &str = RESOLVE;

/// Posts claimed per write.
const BATCH: i64 = 250;
/// Requests in flight at once.
const SENDERS: usize = 24;
/// The recorder writes what finished at most this long ago, at most this many per write.
const FLUSH: Duration = Duration::from_millis(20);
const FLUSH_MAX: usize = 1_000;

/// A claimed post: recorded as being sent, with its text and the time to send it at.
struct Claimed {
    post: Post,
    text: String,
    at_ms: i64,
}

/// Claim posts due within `LEAD_MS`: too-late ones become missed, the others are recorded as
/// being sent, all in one write.
fn claim(state: &AppState, conf: &Conf) -> anyhow::Result<Vec<Claimed>> {
    let grace = conf.grace_ms;
    Ok(state.db.write_blocking(|tx| -> rusqlite::Result<_> {
        let now = crate::time::now_millis();
        store::clear_wakeups(tx, now)?;
        let mut work = Vec::new();
        for due in store::due(tx, now + LEAD_MS, BATCH)? {
            let at_ms = due.next_ms;
            if let Some((post, text)) = send::start(tx, due, now.max(at_ms), grace)? {
                work.push(Claimed { post, text, at_ms });
            }
        }
        Ok(work)
    })?)
}

/// The accounts of a burst, read and opened once.
type Accounts = Mutex<HashMap<String, Result<Sendable, Outcome>>>;

fn account(state: &AppState, accounts: &Accounts, id: &str) -> Result<Sendable, Outcome> {
    if let Some(a) = accounts.lock().ok().and_then(|m| m.get(id).cloned()) {
        return a;
    }
    let a = send::sendable(state, id);
    if let Ok(mut m) = accounts.lock() {
        m.insert(id.to_string(), a.clone());
    }
    a
}

/// Wait for a claimed post's time, send it, hand the outcome to the recorder.
fn sender(
    state: &AppState,
    conf: &Conf,
    accounts: &Accounts,
    work: &Mutex<Receiver<Claimed>>,
    done: Sender<Done>,
) {
    loop {
        let next = match work.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(c) = next else { return };
        let wait = c.at_ms - crate::time::now_millis();
        if wait > 0 {
            std::thread::sleep(Duration::from_millis(wait as u64));
        }
        let outcome = match account(state, accounts, &c.post.account_id) {
            Ok(a) => send::execute_with(state, conf, &c.post, &c.text, &a),
            Err(o) => o,
        };
        if done.send((c.post, outcome)).is_err() {
            return;
        }
    }
}

type Done = (Post, Outcome);

/// Write finished sends together: whatever arrived within `FLUSH` of the first, one write.
fn recorder(state: &AppState, done: Receiver<Done>) -> anyhow::Result<()> {
    let mut failure = None;
    while let Ok(first) = done.recv() {
        let mut batch = vec![first];
        let until = Instant::now() + FLUSH;
        while batch.len() < FLUSH_MAX {
            match done.recv_timeout(until.saturating_duration_since(Instant::now())) {
                Ok(d) => batch.push(d),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
            }
        }
        if let Err(e) = record(state, &batch) {
            // They stay `publishing`: the next start looks them up. Keep draining so no
            // sender blocks.
            tracing::error!(count = batch.len(), error = %format!("{e:#}"), "could not record sent posts");
            failure = Some(e);
        }
    }
    failure.map_or(Ok(()), Err)
}

/// One write for a batch of outcomes (tried again briefly if the database is busy).
fn record(state: &AppState, batch: &[Done]) -> anyhow::Result<()> {
    let mut tries = 0;
    loop {
        let r = state.db.write_blocking(|tx| -> rusqlite::Result<()> {
            let now = crate::time::now_millis();
            for (post, outcome) in batch {
                send::record(tx, post, outcome, None, now)?;
            }
            Ok(())
        });
        match r {
            Ok(()) => return Ok(()),
            Err(e) if tries < 3 => {
                tries += 1;
                tracing::warn!(error = %e, "recording sent posts: trying again");
                std::thread::sleep(Duration::from_millis(100 * tries));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

pub fn dispatch(state: &AppState, _job: &Job) -> anyhow::Result<()> {
    let conf = conf::load(state)?;
    let first = claim(state, &conf)?;
    if first.is_empty() {
        return Ok(());
    }
    let senders = if first.len() < BATCH as usize {
        first.len().min(SENDERS)
    } else {
        SENDERS
    };
    let (work_tx, work_rx) = mpsc::channel::<Claimed>();
    let work_rx = Mutex::new(work_rx);
    let accounts = Accounts::default();
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    std::thread::scope(|s| {
        let recorded = s.spawn(|| recorder(state, done_rx));
        for _ in 0..senders {
            let done = done_tx.clone();
            let (conf, accounts, work_rx) = (&conf, &accounts, &work_rx);
            s.spawn(move || sender(state, conf, accounts, work_rx, done));
        }
        drop(done_tx);
        let mut claimed = Ok(first);
        let fed = loop {
            match claimed {
                Ok(batch) if batch.is_empty() => break Ok(()),
                Ok(batch) => {
                    // Senders only stop when this sender is dropped: sending cannot fail.
                    batch.into_iter().for_each(|c| drop(work_tx.send(c)));
                    claimed = claim(state, &conf);
                }
                Err(e) => break Err(e),
            }
        };
        drop(work_tx);
        let recorded = recorded
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the recorder stopped")));
        fed.and(recorded)
    })
}

/// Publish now, through the same outbox: claim this one post (if no dispatcher took it
/// first), send it, record it. None when a dispatcher has it: its outcome lands on the post.
pub fn send_one(
    state: &AppState,
    id: &str,
    actor: &str,
) -> anyhow::Result<Option<(Post, Outcome)>> {
    let conf = conf::load(state)?;
    let claimed = state.db.write_blocking(|tx| -> rusqlite::Result<_> {
        match store::due_one(tx, id)? {
            Some(due) => send::start(tx, due, crate::time::now_millis(), conf.grace_ms),
            None => Ok(None),
        }
    })?;
    let Some((post, text)) = claimed else {
        return Ok(None);
    };
    let outcome = send::execute(state, &conf, &post, &text);
    let post = state.db.write_blocking(|tx| -> rusqlite::Result<Post> {
        send::record(tx, &post, &outcome, Some(actor), crate::time::now_millis())?;
        Ok(store::get_any(tx, id)?.unwrap_or(post))
    })?;
    Ok(Some((post, outcome)))
}

pub fn resolve(state: &AppState, _job: &Job) -> anyhow::Result<()> {
    let conf = conf::load(state)?;
    let ids = state
        .db
        .read_blocking(|c| store::with_status(c, "checking"))?;
    for id in ids {
        send::resolve(state, &conf, &id)?;
    }
    Ok(())
}

/// At start, before the workers run: posts left `publishing` by the previous process were
/// perhaps sent; they become `checking` and the resolver looks them up.
pub fn recover(state: &AppState) -> anyhow::Result<()> {
    state.db.write_blocking(|tx| -> rusqlite::Result<()> {
        let ids = store::in_flight(tx)?;
        for id in &ids {
            store::set_status(
                tx,
                id,
                "checking",
                Some("the server stopped while this post was being sent"),
            )?;
        }
        if !ids.is_empty() {
            tracing::info!(
                count = ids.len(),
                "posts interrupted mid-send will be looked up"
            );
            crate::jobs::enqueue(tx, RESOLVE, serde_json::json!({}))?;
        }
        Ok(())
    })?;
    Ok(())
}
