//! DTOs of /notifications.
use serde::{Deserialize, Serialize};
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

#[derive(Serialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    pub total: i64,
    pub unread: i64,
}

#[derive(Serialize, ToSchema)]
pub struct Count {
    pub count: i64,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    /// Only unread ones.
    pub unread: Option<bool>,
}
