//! Single-use, short-lived tickets that open a user's SSE stream. `EventSource` cannot send an
//! `Authorization` header, and a login token in a URL ends up in logs and history; a ticket is
//! minted by an authenticated POST, names one user, works once, and expires in a minute.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const TTL: Duration = Duration::from_secs(60);
const MAX_OUTSTANDING: usize = 10_000;

/// The session a ticket continues: its user, token version and end (unix seconds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketSession {
    pub user_id: String,
    pub token_version: i64,
    pub ends_at: i64,
}

#[derive(Default)]
pub struct Tickets {
    map: Mutex<HashMap<String, (TicketSession, Instant)>>,
}

impl Tickets {
    /// A new ticket for the caller's session (32 random bytes, URL-safe).
    pub fn issue(&self, session: TicketSession) -> String {
        let ticket = crate::crypto::random_token(32);
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_OUTSTANDING {
            map.retain(|_, (_, at)| at.elapsed() < TTL);
        }
        map.insert(ticket.clone(), (session, Instant::now()));
        ticket
    }

    /// The session the ticket was issued in, if it is fresh; the ticket is spent either way.
    pub fn redeem(&self, ticket: &str) -> Option<TicketSession> {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(ticket)
            .filter(|(_, at)| at.elapsed() < TTL)
            .map(|(user, _)| user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_opens_once() {
        let t = Tickets::default();
        let s = TicketSession {
            user_id: "u1".into(),
            token_version: 1,
            ends_at: 0,
        };
        let ticket = t.issue(s.clone());
        assert_eq!(t.redeem(&ticket), Some(s));
        assert_eq!(t.redeem(&ticket), None);
        assert_eq!(t.redeem("forged"), None);
    }
}
