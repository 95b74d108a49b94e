//! Request bodies, queries and answers of /publishing.
use crate::domain::publishing::types::{Account, Attempt, Post};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountFilter {
    /// linkedin | facebook | instagram.
    #[param(pattern = "^(linkedin|facebook|instagram)$")]
    pub platform: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateAccountRequest {
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: Option<String>,
    /// The client the account publishes for ("" removes it).
    pub client_id: Option<String>,
    pub project_id: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuthUrlQuery {
    /// Connect the account for this client (its members may then publish with it).
    pub client_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuthUrlResponse {
    /// The platform's consent page; its `state` is single-use and valid for 10 minutes.
    pub url: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    /// e.g. `user_cancelled_login`, `user_cancelled_authorize`, `access_denied`.
    pub error: Option<String>,
    pub error_description: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusResponse {
    pub connected: bool,
    /// The accounts with their status, expiry and days left.
    pub accounts: Vec<Account>,
    /// Whether an admin has set the app credentials.
    pub configured: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LinkedInPublishRequest {
    pub content_id: String,
    /// Needed when more than one LinkedIn account is connected.
    pub account_id: Option<String>,
    /// Images of the content to attach (default: all of them).
    #[schema(max_items = 20)]
    pub asset_ids: Option<Vec<String>>,
    /// Seconds to wait for the platform's answer (default 20, 0 answers at once): a post not
    /// settled by then is answered 202 and goes on in the background.
    #[schema(minimum = 0, maximum = 60)]
    pub wait_seconds: Option<u64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FacebookPublishRequest {
    pub content_id: String,
    pub account_id: String,
    #[schema(max_items = 20)]
    pub asset_ids: Option<Vec<String>>,
    #[schema(max_length = 2048)]
    pub link: Option<String>,
    /// Seconds to wait for the platform's answer (default 20, 0 answers at once): a post not
    /// settled by then is answered 202 and goes on in the background.
    #[schema(minimum = 0, maximum = 60)]
    pub wait_seconds: Option<u64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InstagramPublishRequest {
    pub content_id: String,
    pub account_id: String,
    /// At least one image (several make a carousel, up to 10).
    #[schema(max_items = 10)]
    pub asset_ids: Option<Vec<String>>,
    /// Seconds to wait for the platform's answer (default 20, 0 answers at once): a post not
    /// settled by then is answered 202 and goes on in the background.
    #[schema(minimum = 0, maximum = 60)]
    pub wait_seconds: Option<u64>,
}

/// The answer of a publish: the post, and where it is when it went out.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublishResponse {
    pub external_id: Option<String>,
    pub url: Option<String>,
    /// published; or, answered 202: publishing (still being sent), checking (its answer was
    /// lost: being looked up) or scheduled (throttled: retried later).
    pub status: String,
    pub post: Post,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ScheduleRequest {
    pub content_id: String,
    pub account_id: String,
    /// RFC 3339 with an offset (stored UTC), e.g. `2026-12-01T09:00:00+01:00`.
    #[schema(format = DateTime)]
    pub scheduled_at: String,
    #[schema(max_items = 20)]
    pub asset_ids: Option<Vec<String>>,
    #[schema(max_length = 2048)]
    pub link: Option<String>,
    /// Hold the post until the content is approved (through an approval link).
    #[serde(default)]
    pub requires_approval: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RescheduleRequest {
    /// RFC 3339 with an offset.
    #[schema(format = DateTime)]
    pub scheduled_at: Option<String>,
    #[schema(max_items = 20)]
    pub asset_ids: Option<Vec<String>>,
    #[schema(max_length = 2048)]
    pub link: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ConfirmRequest {
    /// Whether the post is on the platform.
    pub published: bool,
    /// Its link, when it is.
    #[schema(max_length = 2048)]
    pub url: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PostDetail {
    #[serde(flatten)]
    pub post: Post,
    /// Every attempt, oldest first.
    pub history: Vec<Attempt>,
}
