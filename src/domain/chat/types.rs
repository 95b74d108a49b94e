//! The chat area's rows: conversations, participants, messages and attachments.
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// Filters of the conversation list.
#[derive(Default)]
pub struct ListFilter {
    /// Matches the title or any message.
    pub search: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
}

#[derive(Serialize, ToSchema, Clone)]
pub struct ConversationResponse {
    pub id: String,
    pub title: String,
    pub metadata: Value,
    pub owner_id: String,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    /// Whether the caller owns it (only the owner can share, rename or delete).
    pub is_owner: bool,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct ParticipantResponse {
    pub user_id: String,
    pub email: String,
    pub name: String,
    /// `owner` or `participant`.
    pub role: String,
    pub added_at: String,
}

#[derive(Serialize, ToSchema, Clone)]
pub struct AttachmentResponse {
    pub id: String,
    pub conversation_id: String,
    pub user_id: Option<String>,
    pub filename: String,
    pub mime: String,
    /// `text` (extracted document) or `image` (for vision models).
    pub kind: String,
    pub size: i64,
    /// Characters of extracted text.
    pub chars: i64,
    pub created_at: String,
}

pub struct AttachmentContent {
    pub id: String,
    pub filename: String,
    pub mime: String,
    pub kind: String,
    pub text: String,
    pub data: Option<Vec<u8>>,
}

#[derive(Serialize, ToSchema, Clone)]
pub struct MessageResponse {
    pub id: String,
    pub conversation_id: String,
    pub user_id: Option<String>,
    /// `user` or `assistant`.
    pub role: String,
    pub content: String,
    /// `[{id, name, arguments, status, result | error}]`.
    pub tool_calls: Vec<Value>,
    pub attachments: Vec<AttachmentResponse>,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub usage: Option<Value>,
    /// `complete`, `error` or `interrupted`.
    pub status: String,
    pub error: Option<String>,
    pub created_at: String,
}
