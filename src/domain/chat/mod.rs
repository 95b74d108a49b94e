//! Conversations, messages, participants and attachments. A conversation is its owner's and
//! its participants' only: chat is shared with named people (participants), not through
//! `shares`, so "conversation" is registered as a resource but not as a shareable kind (the
//! access rule's project-wide read would open every chat of a project to its members).
//! Operations here; SQL in `store.rs`; the model's view of a conversation in `context.rs`;
//! the streamed agent reply and its persistence in `reply.rs`; uploads in `upload.rs`.
pub mod context;
pub mod reply;
pub mod store;
pub mod types;
pub mod upload;

use crate::access::{self, Resource, Viewer};
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use crate::state::AppState;
use serde_json::Value;
use types::*;

pub const CONVERSATION: Resource = Resource {
    shareable: false,
    ..Resource::shareable("conversation", "conversations")
};

/// The conversation if the caller may see it (owner or participant), else 404.
pub async fn visible(state: &AppState, user_id: &str, id: &str) -> ApiResult<ConversationResponse> {
    let (uid, id) = (user_id.to_string(), id.to_string());
    state
        .db
        .read(move |c| store::get_visible(c, &uid, &id))
        .await?
        .ok_or(ApiError::NotFound("conversation"))
}

/// Inside a write: the conversation if the caller owns it (participants get 403, others 404).
fn owned(c: &rusqlite::Connection, user_id: &str, id: &str) -> ApiResult<ConversationResponse> {
    let conv = store::get_visible(c, user_id, id)?.ok_or(ApiError::NotFound("conversation"))?;
    if !conv.is_owner {
        return Err(ApiError::forbidden(
            "only the owner of the conversation can do that",
        ));
    }
    Ok(conv)
}

pub async fn list(
    state: &AppState,
    user_id: String,
    f: ListFilter,
    page: Page,
) -> ApiResult<Paged<ConversationResponse>> {
    Ok(state
        .db
        .read(move |c| store::list_visible(c, &user_id, &f, page))
        .await?)
}

fn check_title(title: &str) -> ApiResult<()> {
    if title.is_empty() || title.chars().count() > 200 {
        return Err(ApiError::unprocessable("title must be 1 to 200 characters"));
    }
    Ok(())
}

pub async fn create(
    state: &AppState,
    v: Viewer,
    title: Option<String>,
    metadata: Option<Value>,
    client_id: Option<String>,
    project_id: Option<String>,
) -> ApiResult<ConversationResponse> {
    let title = title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or("New conversation")
        .to_string();
    if title.chars().count() > 200 {
        return Err(ApiError::unprocessable(
            "title is longer than 200 characters",
        ));
    }
    let metadata = metadata.unwrap_or_else(|| serde_json::json!({}));
    if !metadata.is_object() {
        return Err(ApiError::unprocessable("metadata must be an object"));
    }
    let id = uuid::Uuid::now_v7().to_string();
    state
        .db
        .write(move |tx| -> ApiResult<_> {
            let scope =
                access::check_placement(tx, &v, client_id.as_deref(), project_id.as_deref())?
                    .map_err(ApiError::from)?;
            store::insert(tx, &id, &v.user_id, scope, &title, &metadata)?;
            Ok(store::get_visible(tx, &v.user_id, &id)?)
        })
        .await?
        .ok_or(ApiError::NotFound("conversation"))
}

pub async fn update(
    state: &AppState,
    user_id: String,
    id: String,
    title: Option<String>,
    metadata: Option<Value>,
) -> ApiResult<ConversationResponse> {
    let title = title.map(|t| t.trim().to_string());
    if let Some(t) = &title {
        check_title(t)?;
    }
    if metadata.as_ref().is_some_and(|m| !m.is_object()) {
        return Err(ApiError::unprocessable("metadata must be an object"));
    }
    state
        .db
        .write(move |tx| -> ApiResult<_> {
            owned(tx, &user_id, &id)?;
            store::update(tx, &id, title.as_deref(), metadata.as_ref())?;
            Ok(store::get_visible(tx, &user_id, &id)?)
        })
        .await?
        .ok_or(ApiError::NotFound("conversation"))
}

pub async fn delete(state: &AppState, user_id: String, id: String) -> ApiResult<()> {
    state
        .db
        .write(move |tx| -> ApiResult<()> {
            owned(tx, &user_id, &id)?;
            Ok(store::delete(tx, &id)?)
        })
        .await
}

/// The owner adds a participant; answers everyone in the conversation.
pub async fn share(
    state: &AppState,
    user_id: String,
    id: String,
    target: String,
) -> ApiResult<Vec<ParticipantResponse>> {
    state
        .db
        .write(move |tx| -> ApiResult<_> {
            let conv = owned(tx, &user_id, &id)?;
            if target == conv.owner_id {
                return Err(ApiError::conflict(
                    "the owner is already in the conversation",
                ));
            }
            if !store::user_exists(tx, &target)? {
                return Err(ApiError::NotFound("user"));
            }
            store::add_participant(tx, &conv.id, &target, &user_id)?;
            Ok(store::participants(tx, &conv.id)?)
        })
        .await
}

pub async fn participants(
    state: &AppState,
    user_id: String,
    id: String,
    page: Page,
) -> ApiResult<Paged<ParticipantResponse>> {
    let conv = visible(state, &user_id, &id).await?;
    let all = state
        .db
        .read(move |c| store::participants(c, &conv.id))
        .await?;
    Ok(page.slice(all))
}

/// The owner removes anyone; a participant may remove only themselves (leave).
pub async fn remove_participant(
    state: &AppState,
    user_id: String,
    id: String,
    target: String,
) -> ApiResult<()> {
    state
        .db
        .write(move |tx| -> ApiResult<()> {
            let conv =
                store::get_visible(tx, &user_id, &id)?.ok_or(ApiError::NotFound("conversation"))?;
            if !conv.is_owner && target != user_id {
                return Err(ApiError::forbidden(
                    "only the owner can remove other participants",
                ));
            }
            if !store::remove_participant(tx, &conv.id, &target)? {
                return Err(ApiError::NotFound("participant"));
            }
            Ok(())
        })
        .await
}

/// A page of history counted back from the newest message, or from just before `before`;
/// oldest first.
pub async fn messages(
    state: &AppState,
    user_id: String,
    id: String,
    before: Option<String>,
    page: Page,
) -> ApiResult<Paged<MessageResponse>> {
    let conv = visible(state, &user_id, &id).await?;
    state
        .db
        .read(move |c| -> ApiResult<_> {
            store::messages(c, &conv.id, before.as_deref(), page)?
                .ok_or_else(|| ApiError::missing("before: message not found"))
        })
        .await
}

/// Whether the user may still see the conversation (a removed participant stops receiving).
pub async fn still_visible(state: &AppState, user_id: String, id: String) -> bool {
    matches!(
        state
            .db
            .read(move |c| store::get_visible(c, &user_id, &id))
            .await,
        Ok(Some(_))
    )
}
