//! Webhook endpoints and delivery attempts, as the API shows them, and their inputs.
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct WebhookIn {
    /// An http or https URL.
    #[schema(value_type = crate::net::HttpUrl)]
    pub url: String,
    /// Event types (see `GET /webhooks/events`); `"*"` subscribes to all.
    #[schema(min_items = 1)]
    pub events: Vec<String>,
    /// `whsec_…`; generated when absent.
    pub secret: Option<String>,
    /// Extra request headers (e.g. `Authorization`); values are sealed at rest and masked in
    /// every answer.
    pub headers: Option<BTreeMap<String, String>>,
    pub active: Option<bool>,
    pub description: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct WebhookPatch {
    /// An http or https URL.
    #[schema(value_type = Option<crate::net::HttpUrl>)]
    pub url: Option<String>,
    #[schema(min_items = 1)]
    pub events: Option<Vec<String>>,
    /// Rotate the secret (`whsec_…`).
    pub secret: Option<String>,
    /// Replaces the extra headers. A value sent back exactly as answers mask it (`Bea…1234`,
    /// `••••`) keeps the stored value of that header; a header left out is removed.
    pub headers: Option<BTreeMap<String, String>>,
    /// Re-enabling clears the reason it was disabled.
    pub active: Option<bool>,
    pub description: Option<String>,
}

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct Webhook {
    pub id: String,
    pub owner_id: String,
    pub url: String,
    pub events: Vec<String>,
    /// Full value only in the create response; masked afterwards.
    pub secret: String,
    /// Names as given, values masked (`Bea…1234`, `••••` when short): they are sealed at rest
    /// and never shown again.
    pub headers: BTreeMap<String, String>,
    pub description: String,
    pub active: bool,
    /// Why delivery stopped (410 Gone, retries exhausted).
    pub disabled_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// One attempt of one delivery (a delivery not yet attempted appears with `attempt: null`).
#[derive(Serialize, ToSchema)]
pub struct DeliveryAttempt {
    pub delivery_id: String,
    pub event_id: Option<String>,
    pub event_type: String,
    /// The `webhook-id` header: stable across retries, receivers de-duplicate on it.
    pub message_id: String,
    /// pending, retrying, succeeded, failed or cancelled (the delivery as a whole).
    pub delivery_status: String,
    pub attempt: Option<i64>,
    pub status_code: Option<i64>,
    pub duration_ms: Option<i64>,
    /// First 1,000 characters of the response body.
    pub response_body: Option<String>,
    pub error: Option<String>,
    pub next_retry_at: Option<String>,
    pub created_at: String,
}
