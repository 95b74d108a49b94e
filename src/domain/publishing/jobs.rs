//! The publishing jobs (registered in `app.rs`): the dispatcher sends every due post — in
//! batches, several at once, each recorded before it goes out — and marks posts due longer ago
//! than the grace period `missed`; the resolver settles posts whose answer was lost. `recover`
//! runs once at start: whatever was mid-send when the last process died is looked up.
use super::conf::{self, Conf};
use super::posts_store as store;
use super::send::{self, DISPATCH, RESOLVE};
use super::types::{Outcome, Post};
use crate::jobs::Job;
use crate::state::AppState;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const DISPATCH_KIND: &str = DISPATCH;
pub const RESOLVE_KIND: &str = RESOLVE;

/// Posts claimed per write, and sent at once per batch.
const BATCH: i64 = 200;
const SENDERS: usize = 16;

/// Claim due posts: too-late ones become missed, the others are recorded as being sent. A full
/// batch brings another dispatcher in, so a burst is sent by every free worker.
fn claim(state: &AppState, conf: &Conf) -> anyhow::Result<Vec<(Post, String)>> {
    let grace = conf.grace_ms;
    Ok(state.db.write_blocking(|tx| -> rusqlite::Result<_> {
        let now = crate::time::now_millis();
        store::clear_wakeups(tx, now)?;
        let mut work = Vec::new();
        let due = store::due(tx, now, BATCH)?;
        if due.len() as i64 == BATCH {
            // More are due than one batch: another worker joins in (each claims its own).
            crate::jobs::enqueue(tx, DISPATCH, serde_json::json!({}))?;
        }
        for id in due {
            let Some(post) = store::get_any(tx, &id)? else {
                continue;
            };
            let scheduled = store::sending(tx, &id)?.map_or(now, |s| s.scheduled_ms);
            if post.attempts == 0 && now - scheduled > grace {
                send::miss(tx, &post, grace)?;
                continue;
            }
            if let Some(w) = send::prepare(tx, &id, now)? {
                work.push(w);
            }
        }
        Ok(work)
    })?)
}

/// Send a batch with up to `SENDERS` requests in flight.
fn send_all(state: &AppState, conf: &Conf, work: &[(Post, String)]) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let out: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; work.len()]);
    std::thread::scope(|s| {
        for _ in 0..SENDERS.min(work.len()) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((post, text)) = work.get(i) else {
                        break;
                    };
                    let o = send::execute(state, conf, post, text);
                    if let Ok(mut all) = out.lock() {
                        all[i] = Some(o);
                    }
                }
            });
        }
    });
    out.into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(|o| o.unwrap_or(Outcome::Uncertain("the sender stopped".into())))
        .collect()
}

pub fn dispatch(state: &AppState, _job: &Job) -> anyhow::Result<()> {
    let conf = conf::load(state)?;
    loop {
        let work = claim(state, &conf)?;
        if work.is_empty() {
            return Ok(());
        }
        let outcomes = send_all(state, &conf, &work);
        state.db.write_blocking(|tx| -> rusqlite::Result<()> {
            let now = crate::time::now_millis();
            for ((post, _), outcome) in work.iter().zip(&outcomes) {
                send::record(tx, post, outcome, None, now)?;
            }
            Ok(())
        })?;
    }
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
