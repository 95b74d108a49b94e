//! Keyed GCRA limiters (governor): login per client IP, MFA disable per user, a global per-IP cap.
use crate::error::ApiError;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;

/// More keys than this: idle ones are dropped first; if all are recent, newcomers wait.
const MAX_KEYS: usize = 100_000;

/// The bucket a key counts against: an IPv6 client controls its whole /64, so that is one key.
pub trait LimitKey: Hash + Eq + Clone {
    fn bucket(&self) -> Self;
}

impl LimitKey for IpAddr {
    fn bucket(&self) -> Self {
        match super::proxy::canonical(*self) {
            IpAddr::V6(v6) => {
                let s = v6.segments();
                IpAddr::from([s[0], s[1], s[2], s[3], 0, 0, 0, 0])
            }
            v4 => v4,
        }
    }
}

impl LimitKey for String {
    fn bucket(&self) -> Self {
        self.clone()
    }
}

pub struct Limiter<K: LimitKey> {
    inner: Option<DefaultKeyedRateLimiter<K>>,
    what: &'static str,
}

impl<K: LimitKey> Limiter<K> {
    /// `per_minute` requests per minute per key, burst of the same size; 0 disables.
    pub fn per_minute(per_minute: u32, what: &'static str) -> Self {
        let inner = NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n)));
        Limiter { inner, what }
    }

    /// Counts this attempt; 429 with Retry-After once the key is over its quota.
    pub fn check(&self, key: &K) -> Result<(), ApiError> {
        let Some(limiter) = &self.inner else {
            return Ok(());
        };
        if limiter.len() >= MAX_KEYS {
            limiter.retain_recent();
            limiter.shrink_to_fit();
            if limiter.len() >= MAX_KEYS {
                return Err(ApiError::too_many(
                    format!(
                        "too many {} from too many addresses; retry in a minute",
                        self.what
                    ),
                    60,
                ));
            }
        }
        limiter.check_key(&key.bucket()).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            ApiError::too_many(
                format!(
                    "too many {}; retry in {} s",
                    self.what,
                    wait.as_secs().max(1)
                ),
                wait.as_secs_f64().ceil() as u64,
            )
        })
    }

    /// Drop idle keys so memory stays bounded under address churn.
    pub fn sweep(&self) {
        if let Some(l) = &self.inner {
            l.retain_recent();
        }
    }
}

pub struct Limiters {
    pub login: Limiter<IpAddr>,
    pub mfa: Limiter<String>,
    pub global: Limiter<IpAddr>,
    /// Public pages reached without a login (approval links, OAuth callbacks), per IP.
    pub public: Limiter<IpAddr>,
}

impl Limiters {
    pub fn new(cfg: &crate::config::Config) -> Self {
        Limiters {
            login: Limiter::per_minute(cfg.login_per_minute, "login attempts"),
            mfa: Limiter::per_minute(5, "MFA attempts"),
            global: Limiter::per_minute(cfg.global_per_minute, "requests"),
            public: Limiter::per_minute(cfg.public_per_minute, "requests to public pages"),
        }
    }
}
