//! Notifications as users see them, and what creates one.
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct Notification {
    pub id: String,
    /// e.g. `automation`, `task.assigned`, `comment.created`, `webhook.disabled`.
    pub kind: String,
    pub title: String,
    pub body: String,
    /// Where the UI should go when it is clicked.
    pub link: Option<String>,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// Sent to every user (read state is still per user).
    pub broadcast: bool,
    pub read: bool,
    pub created_at: String,
    #[serde(skip)]
    pub user_id: Option<String>,
}

/// A notification to create. `user_id` None is a broadcast.
pub struct NewNotification<'a> {
    pub user_id: Option<&'a str>,
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub link: Option<&'a str>,
    pub data: serde_json::Value,
    /// Set when created by the fan-out: the same event never notifies the same user twice.
    pub event_id: Option<&'a str>,
}
