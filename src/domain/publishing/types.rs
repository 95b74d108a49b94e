//! Types of publishing: connected accounts, posts (the outbox and the schedule), attempts and
//! the outcome of one send.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const PLATFORMS: &[&str] = &["linkedin", "facebook", "instagram"];

/// A connected social account. Its token is sealed at rest and never leaves the server.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Account {
    pub id: String,
    /// linkedin | facebook | instagram.
    pub platform: String,
    pub name: String,
    /// LinkedIn member id, Facebook page id or Instagram business account id.
    pub external_id: String,
    /// connected | expired | revoked | error.
    pub status: String,
    /// What to do about a status other than `connected` (e.g. "reconnect").
    pub status_detail: Option<String>,
    pub expires_at: Option<String>,
    /// Whole days until the token expires (negative once expired).
    pub days_left: Option<i64>,
    pub scopes: Vec<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

/// An account as the sender needs it (with its token still sealed).
#[derive(Debug, Clone)]
pub struct AccountSecret {
    pub account: Account,
    pub token_sealed: String,
}

/// A new or refreshed connection from an OAuth round trip.
#[derive(Debug, Clone)]
pub struct Connection {
    pub platform: &'static str,
    pub name: String,
    pub external_id: String,
    pub token: String,
    pub expires_in_secs: Option<i64>,
    pub scopes: Vec<String>,
}

/// A post: one content on one account, sent now or at `scheduled_at`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Post {
    pub id: String,
    pub content_id: String,
    pub content_title: String,
    pub account_id: String,
    pub account_name: String,
    /// linkedin | facebook | instagram.
    pub platform: String,
    /// RFC 3339, UTC.
    pub scheduled_at: String,
    /// scheduled | awaiting_approval | publishing | checking | published | failed | cancelled |
    /// missed | unknown (sent, but whether it arrived could not be confirmed: a person decides).
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_attempt_at: Option<String>,
    pub external_id: Option<String>,
    pub url: Option<String>,
    pub asset_ids: Vec<String>,
    pub link: Option<String>,
    /// content x account: the same content never goes to the same account twice.
    pub idempotency_key: String,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub published_at: Option<String>,
}

/// One entry of a post's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Attempt {
    pub n: i64,
    /// published | retry | failed | found | not_found | unknown | missed.
    pub outcome: String,
    pub detail: Option<String>,
    pub at: String,
}

/// Filters of the post list.
#[derive(Debug, Clone, Default, Deserialize, ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PostFilter {
    pub status: Option<String>,
    pub content_id: Option<String>,
    pub account_id: Option<String>,
    /// Scheduled at or after (RFC 3339).
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// Scheduled before (RFC 3339).
    #[param(format = DateTime)]
    pub to: Option<String>,
}

/// What one send did, as the outbox records it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Published {
        external_id: String,
        url: String,
    },
    /// Throttled or a transient fault: try again after this many milliseconds.
    Retry {
        after_ms: i64,
        reason: String,
    },
    /// The token was refused: the account needs reconnecting.
    Expired(String),
    /// No answer came back (timeout, reset): the post may have arrived, so it is looked up
    /// before anything is sent again.
    Uncertain(String),
    /// The platform already has this post (LinkedIn 422).
    Duplicate(String),
    /// Not worth retrying (LinkedIn-Version retired, duplicate, bad request…).
    Failed(String),
}
