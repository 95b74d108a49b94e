//! Generation slots: how many model replies run at once, per user and in all. Each reply holds
//! an OS thread and an upstream connection for its whole length, so beyond the bound a request
//! is answered 429 with `Retry-After` instead of queuing a thread.
use crate::error::ApiError;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Replies one user may have running at once.
pub const PER_USER: usize = 3;
/// Replies running at once across every user.
pub const GLOBAL: usize = 32;
/// What a refused request is told to wait, seconds.
const RETRY_AFTER: u64 = 5;

#[derive(Default)]
struct Counts {
    total: usize,
    per_user: HashMap<String, usize>,
}

#[derive(Default, Clone)]
pub struct GenerationSlots {
    counts: Arc<Mutex<Counts>>,
}

/// A running reply's place; released when dropped (the worker thread ends, or panics).
pub struct Slot {
    counts: Arc<Mutex<Counts>>,
    user_id: String,
}

impl GenerationSlots {
    /// A slot for one more reply of `user_id`, or 429 when the user or the server is at its bound.
    pub fn acquire(&self, user_id: &str) -> Result<Slot, ApiError> {
        let mut c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let mine = c.per_user.get(user_id).copied().unwrap_or(0);
        if mine >= PER_USER {
            return Err(ApiError::too_many(
                format!(
                    "{PER_USER} replies of yours are still being generated; retry when one ends"
                ),
                RETRY_AFTER,
            ));
        }
        if c.total >= GLOBAL {
            return Err(ApiError::too_many(
                "the server is generating as many replies as it can; retry in a few seconds",
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
