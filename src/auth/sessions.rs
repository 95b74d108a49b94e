//! A short-lived cache of the users behind bearer tokens, so an authenticated request does not
//! pay a database round trip. Entries live two seconds; every in-process change to a user
//! (password, MFA, role, deactivation) calls `forget`, so it takes effect on the next request.
//! Changes made by another process (the `user reset-password` CLI) take effect within the TTL.
use crate::users::store::UserRow;
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

const TTL: Duration = Duration::from_secs(2);
const MAX_ENTRIES: usize = 50_000;

#[derive(Default)]
pub struct SessionCache {
    map: RwLock<HashMap<String, (UserRow, Instant)>>,
}

impl SessionCache {
    pub fn get(&self, user_id: &str) -> Option<UserRow> {
        let map = self.map.read().unwrap_or_else(|e| e.into_inner());
        map.get(user_id)
            .filter(|(_, at)| at.elapsed() < TTL)
            .map(|(u, _)| u.clone())
    }

    pub fn put(&self, user: UserRow) {
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_ENTRIES {
            map.retain(|_, (_, at)| at.elapsed() < TTL);
        }
        map.insert(user.id.clone(), (user, Instant::now()));
    }

    pub fn forget(&self, user_id: &str) {
        self.map
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(user_id);
    }
}
