//! DTOs of /notifications.
pub use crate::domain::notifications::types::Notification;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use crate::page::Count;

/// The list's filter (paging is the separate `Page` query).
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListFilter {
    /// Only unread ones.
    pub unread: Option<bool>,
}

/// A single-use ticket that opens `GET /notifications/stream?ticket=…`.
#[derive(Serialize, ToSchema)]
pub struct StreamTicket {
    pub ticket: String,
    /// Seconds the ticket stays valid (it works once).
    pub expires_in: u64,
}
