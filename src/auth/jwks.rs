//! The Supabase project's JWKS, cached in memory (see `auth::supabase` for its use).
use jsonwebtoken::jwk::JwkSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// JWKS cached per project URL for at most ten minutes; an unknown `kid` triggers a refetch.
#[derive(Clone, Default)]
pub struct JwksCache {
    inner: Arc<Mutex<Option<(String, Instant, JwkSet)>>>,
}

impl JwksCache {
    pub fn cached(&self, url: &str, max_age: Duration) -> Option<JwkSet> {
        let guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        guard
            .as_ref()
            .filter(|(u, at, _)| u == url && at.elapsed() < max_age)
            .map(|(_, _, set)| set.clone())
    }

    pub fn store(&self, url: &str, set: JwkSet) {
        *self.inner.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((url.to_string(), Instant::now(), set));
    }
}
