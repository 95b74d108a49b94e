//! Request/response DTOs of /chat.
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

pub use crate::domain::chat::types::{
    AttachmentResponse, ConversationResponse, MessageResponse, ParticipantResponse,
};

#[derive(Deserialize, IntoParams, Default)]
pub struct ListQuery {
    /// Matches the title or any message.
    pub search: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
}

/// Where a page of history ends: `limit` and `offset` count back from the newest message (or
/// from just before `before`); the items come oldest first.
#[derive(Deserialize, IntoParams, Default)]
pub struct HistoryQuery {
    /// Only messages older than this message of the conversation (the oldest one loaded).
    #[param(max_length = 64)]
    pub before: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct CreateConversationRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateConversationRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

#[derive(Deserialize, ToSchema)]
pub struct ShareRequest {
    pub user_id: String,
}

#[derive(Deserialize, ToSchema)]
pub struct SendMessageRequest {
    /// The message: not blank unless files are attached (stated as the schema's `anyOf`).
    #[schema(max_length = 100000)]
    pub content: String,
    #[serde(default = "yes")]
    pub tools_enabled: bool,
    pub provider: Option<String>,
    pub model: Option<String>,
    #[serde(default)]
    pub attachments: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Serialize, ToSchema)]
pub struct TranscriptionResponse {
    pub text: String,
}

/// `multipart/form-data` with one `file` field (attachments and audio to transcribe).
#[derive(ToSchema)]
pub struct FileForm {
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}
