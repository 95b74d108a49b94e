//! Slots: how many of something costly run at once, per user and in all — generations (chat
//! replies, content drafts, plan items, learnings, visual plans: each holds an OS thread and an
//! upstream connection for its whole length, and all share one bound) and long-lived event
//! streams. Beyond the bound a request is answered 429 with `Retry-After` instead of queuing.
use crate::error::ApiError;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Generations one user may have running at once.
pub const PER_USER: usize = 3;
/// Generations running at once across every user.
pub const GLOBAL: usize = 32;
/// Event streams (notifications, conversation events) one user may hold open.
pub const STREAMS_PER_USER: usize = 8;
/// Event streams open across every user.
pub const STREAMS_GLOBAL: usize = 4096;
/// What a refused request is told to wait, seconds.
const RETRY_AFTER: u64 = 5;

#[derive(Default)]
struct Counts {
    total: usize,
    per_user: HashMap<String, usize>,
}

#[derive(Clone)]
pub struct GenerationSlots {
    counts: Arc<Mutex<Counts>>,
    per_user: usize,
    global: usize,
    what: &'static str,
}

impl Default for GenerationSlots {
    /// Generations of every kind.
    fn default() -> Self {
        GenerationSlots::new(PER_USER, GLOBAL, "generations running")
    }
}

/// A running reply's or open stream's place; released when dropped (the worker thread or
/// the stream ends, or panics).
pub struct Slot {
    counts: Arc<Mutex<Counts>>,
    user_id: String,
}

impl GenerationSlots {
    pub fn new(per_user: usize, global: usize, what: &'static str) -> Self {
        GenerationSlots {
            counts: Default::default(),
            per_user,
            global,
            what,
        }
    }

    /// Event streams.
    pub fn streams() -> Self {
        GenerationSlots::new(STREAMS_PER_USER, STREAMS_GLOBAL, "open event streams")
    }

    /// A slot for one more of `user_id`'s, or 429 when the user or the server is at its bound.
    pub fn acquire(&self, user_id: &str) -> Result<Slot, ApiError> {
        let mut c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let mine = c.per_user.get(user_id).copied().unwrap_or(0);
        if mine >= self.per_user {
            return Err(ApiError::too_many(
                format!(
                    "too many {} of yours ({} at most); retry when one ends",
                    self.what, self.per_user
                ),
                RETRY_AFTER,
            ));
        }
        if c.total >= self.global {
            return Err(ApiError::too_many(
                format!(
                    "the server has as many {} as it can; retry in a few seconds",
                    self.what
                ),
                RETRY_AFTER,
            ));
        }
        c.total += 1;
        *c.per_user.entry(user_id.to_string()).or_default() += 1;
        Ok(Slot {
            counts: self.counts.clone(),
            user_id: user_id.to_string(),
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        c.total = c.total.saturating_sub(1);
        if let Some(n) = c.per_user.get_mut(&self.user_id) {
            *n -= 1;
            if *n == 0 {
                c.per_user.remove(&self.user_id);
            }
        }
    }
}
