//! Sign-in lockout, kept in memory and keyed by the email as typed (lower-cased), so an unknown
//! email is locked exactly like a real account and the answer never tells which exist.
//!
//! Two counters. Per (email, client IP) pair: from the 10th consecutive failure that pair waits
//! 2^(n-9) s (≤ 15 min) — an attacker locks only themselves, never the owner signing in from
//! elsewhere. Per email, across every IP: from the 10th failure the account is "under delay" for
//! 2^(n-9) s (≤ 60 s); meanwhile only addresses that have not failed on it may try, so a
//! distributed attack gets one guess per address per delay, while the owner's correct password
//! and second factor still pass.
use crate::error::ApiError;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const THRESHOLD: u32 = 10;
const PAIR_MAX_WAIT: u64 = 900;
const ACCOUNT_MAX_WAIT: u64 = 60;
/// A counter with no failure for this long starts again from zero.
const FORGET_AFTER: Duration = Duration::from_secs(3600);
const MAX_ENTRIES: usize = 100_000;

#[derive(Clone, Copy)]
struct Count {
    failures: u32,
    last: Instant,
    until: Option<Instant>,
}

impl Count {
    fn fresh(now: Instant) -> Self {
        Count {
            failures: 0,
            last: now,
            until: None,
        }
    }

    fn wait(&self, now: Instant) -> Option<u64> {
        self.until
            .filter(|u| *u > now)
            .map(|u| (u - now).as_secs_f64().ceil() as u64)
    }

    fn fail(&mut self, now: Instant, cap: u64) {
        if now.duration_since(self.last) > FORGET_AFTER {
            *self = Count::fresh(now);
        }
        self.failures += 1;
        self.last = now;
        if self.failures >= THRESHOLD {
            let secs = (2u64 << (self.failures - THRESHOLD).min(16)).min(cap);
            self.until = Some(now + Duration::from_secs(secs));
        }
    }

    fn idle(&self, now: Instant) -> bool {
        self.wait(now).is_none()
            && now.duration_since(self.last) > Duration::from_secs(PAIR_MAX_WAIT)
    }
}

#[derive(Default)]
struct Maps {
    pairs: HashMap<(String, IpAddr), Count>,
    accounts: HashMap<String, Count>,
}

impl Maps {
    /// Keep memory bounded under a spray of emails and addresses: drop idle counters, then (only
    /// if still full) every counter that is not holding a lock.
    fn make_room(&mut self, now: Instant) {
        if self.pairs.len() + self.accounts.len() < MAX_ENTRIES {
            return;
        }
        self.pairs.retain(|_, c| !c.idle(now));
        self.accounts.retain(|_, c| !c.idle(now));
        if self.pairs.len() + self.accounts.len() >= MAX_ENTRIES {
            self.pairs.retain(|_, c| c.wait(now).is_some());
            self.accounts.retain(|_, c| c.wait(now).is_some());
        }
    }
}

#[derive(Default)]
pub struct Lockout {
    maps: Mutex<Maps>,
}

fn locked(wait: u64) -> ApiError {
    ApiError::too_many(
        "too many failed sign-ins for this account; try again later",
        wait,
    )
}

pub fn key(email: &str) -> String {
    email.trim().to_lowercase()
}

impl Lockout {
    /// Before checking credentials: 429 while this pair is locked, or while the account is under
    /// delay and this address has already failed on it.
    pub fn check(&self, email: &str, ip: IpAddr) -> Result<(), ApiError> {
        let now = Instant::now();
        let maps = self.maps.lock().unwrap_or_else(|e| e.into_inner());
        let pair = maps.pairs.get(&(key(email), ip));
        if let Some(wait) = pair.and_then(|c| c.wait(now)) {
            return Err(locked(wait));
        }
        let tried_here = pair.is_some_and(|c| c.failures > 0);
        if let Some(wait) = maps.accounts.get(&key(email)).and_then(|c| c.wait(now))
            && tried_here
        {
            return Err(locked(wait));
        }
        Ok(())
    }

    /// A wrong password or a wrong second factor.
    pub fn fail(&self, email: &str, ip: IpAddr) {
        let now = Instant::now();
        let mut maps = self.maps.lock().unwrap_or_else(|e| e.into_inner());
        maps.make_room(now);
        maps.pairs
            .entry((key(email), ip))
            .or_insert_with(|| Count::fresh(now))
            .fail(now, PAIR_MAX_WAIT);
        maps.accounts
            .entry(key(email))
            .or_insert_with(|| Count::fresh(now))
            .fail(now, ACCOUNT_MAX_WAIT);
    }

    /// Password and second factor both right: this address and the account start over.
    pub fn succeed(&self, email: &str, ip: IpAddr) {
        let mut maps = self.maps.lock().unwrap_or_else(|e| e.into_inner());
        maps.pairs.remove(&(key(email), ip));
        maps.accounts.remove(&key(email));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_delay_never_exceeds_a_minute_and_the_pair_lock_fifteen() {
        let t = Instant::now();
        let mut account = Count::fresh(t);
        let mut pair = Count::fresh(t);
        for _ in 0..40 {
            account.fail(t, ACCOUNT_MAX_WAIT);
            pair.fail(t, PAIR_MAX_WAIT);
        }
        assert_eq!(account.wait(t), Some(60));
        assert_eq!(pair.wait(t), Some(900));
    }

    #[test]
    fn a_spray_of_addresses_stays_bounded() {
        let l = Lockout::default();
        for i in 0..(MAX_ENTRIES as u32 + 10) {
            l.fail("a@example.com", IpAddr::from(i.to_be_bytes()));
        }
        let maps = l.maps.lock().unwrap();
        assert!(maps.pairs.len() + maps.accounts.len() <= MAX_ENTRIES + 1);
    }
}
