//! Conversations: list/create/update/delete, sharing with participants, and the history.
use super::store;
use super::types::*;
use crate::access::{self, Viewer};
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, patch, post, web};

/// The conversation if the caller may see it (owner or participant), else 404.
pub async fn visible(
    state: &AppState,
    user: &AuthUser,
    id: &str,
) -> ApiResult<ConversationResponse> {
    let (uid, id) = (user.id.clone(), id.to_string());
    state
        .db
        .run(move |c| store::get_visible(c, &uid, &id))
        .await?
        .ok_or(ApiError::NotFound("conversation"))
}

/// Like `visible`, but only the owner may go on (participants get 403).
async fn owned(state: &AppState, user: &AuthUser, id: &str) -> ApiResult<ConversationResponse> {
    let conv = visible(state, user, id).await?;
    if !conv.is_owner {
        return Err(ApiError::forbidden(
            "only the owner of the conversation can do that",
        ));
    }
    Ok(conv)
}

#[utoipa::path(tag = "chat", params(ListQuery), responses((status = 200, body = Vec<ConversationResponse>)))]
#[get("/chat/conversations")]
pub async fn list_conversations(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<ListQuery>,
) -> ApiResult<web::Json<Vec<ConversationResponse>>> {
    let uid = user.id.clone();
    let q = q.into_inner();
    Ok(web::Json(
        state
            .db
            .run(move |c| store::list_visible(c, &uid, &q))
            .await?,
    ))
}

#[utoipa::path(tag = "chat", request_body = CreateConversationRequest,
    responses((status = 201, body = ConversationResponse), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/chat/conversations")]
pub async fn create_conversation(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<CreateConversationRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let title = body
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or("New conversation");
    if title.chars().count() > 200 {
        return Err(ApiError::unprocessable(
            "title is longer than 200 characters",
        ));
    }
    let metadata = body.metadata.unwrap_or_else(|| serde_json::json!({}));
    if !metadata.is_object() {
        return Err(ApiError::unprocessable("metadata must be an object"));
    }
    let viewer = Viewer::from(&user);
    let (title, id, uid) = (
        title.to_string(),
        uuid::Uuid::now_v7().to_string(),
        user.id.clone(),
    );
    let conv = state
        .db
        .run(move |c| -> ApiResult<_> {
            let scope = access::check_placement(
                c,
                &viewer,
                body.client_id.as_deref(),
                body.project_id.as_deref(),
            )?
            .map_err(ApiError::from)?;
            store::insert(c, &id, &uid, scope, &title, &metadata)?;
            Ok(store::get_visible(c, &uid, &id)?)
        })
        .await?
        .ok_or(ApiError::NotFound("conversation"))?;
    Ok(HttpResponse::Created().json(conv))
}

#[utoipa::path(tag = "chat", responses((status = 200, body = ConversationResponse), (status = 404, body = ErrorBody)))]
#[get("/chat/conversations/{id}")]
pub async fn get_conversation(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<ConversationResponse>> {
    Ok(web::Json(visible(&state, &user, &id).await?))
}

#[utoipa::path(tag = "chat", request_body = UpdateConversationRequest,
    responses((status = 200, body = ConversationResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[patch("/chat/conversations/{id}")]
pub async fn update_conversation(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<UpdateConversationRequest>,
) -> ApiResult<web::Json<ConversationResponse>> {
    owned(&state, &user, &id).await?;
    let body = body.into_inner();
    let title = body.title.map(|t| t.trim().to_string());
    if title
        .as_ref()
        .is_some_and(|t| t.is_empty() || t.chars().count() > 200)
    {
        return Err(ApiError::unprocessable("title must be 1 to 200 characters"));
    }
    if body.metadata.as_ref().is_some_and(|m| !m.is_object()) {
        return Err(ApiError::unprocessable("metadata must be an object"));
    }
    let (uid, id) = (user.id.clone(), id.into_inner());
    let conv = state
        .db
        .run(move |c| {
            store::update(c, &id, title.as_deref(), body.metadata.as_ref())?;
            store::get_visible(c, &uid, &id)
        })
        .await?
        .ok_or(ApiError::NotFound("conversation"))?;
    Ok(web::Json(conv))
}

#[utoipa::path(tag = "chat", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/chat/conversations/{id}")]
pub async fn delete_conversation(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    owned(&state, &user, &id).await?;
    let id = id.into_inner();
    state.db.run(move |c| store::delete(c, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "chat", request_body = ShareRequest,
    responses((status = 200, body = Vec<ParticipantResponse>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[post("/chat/conversations/{id}/share")]
pub async fn share_conversation(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<ShareRequest>,
) -> ApiResult<web::Json<Vec<ParticipantResponse>>> {
    let conv = owned(&state, &user, &id).await?;
    let target = body.into_inner().user_id;
    if target == conv.owner_id {
        return Err(ApiError::unprocessable(
            "the owner is already in the conversation",
        ));
    }
    let by = user.id.clone();
    let list = state
        .db
        .run(move |c| -> ApiResult<_> {
            if !store::user_exists(c, &target)? {
                return Err(ApiError::NotFound("user"));
            }
            store::add_participant(c, &conv.id, &target, &by)?;
            Ok(store::participants(c, &conv.id)?)
        })
        .await?;
    Ok(web::Json(list))
}

#[utoipa::path(tag = "chat", responses((status = 200, body = Vec<ParticipantResponse>), (status = 404, body = ErrorBody)))]
#[get("/chat/conversations/{id}/participants")]
pub async fn list_participants(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Vec<ParticipantResponse>>> {
    let conv = visible(&state, &user, &id).await?;
    Ok(web::Json(
        state
            .db
            .run(move |c| store::participants(c, &conv.id))
            .await?,
    ))
}

/// The owner removes anyone; a participant may remove only themselves (leave).
#[utoipa::path(tag = "chat", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/chat/conversations/{id}/participants/{user_id}")]
pub async fn remove_participant(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, target) = path.into_inner();
    let conv = visible(&state, &user, &id).await?;
    if !conv.is_owner && target != user.id {
        return Err(ApiError::forbidden(
            "only the owner can remove other participants",
        ));
    }
    let removed = state
        .db
        .run(move |c| store::remove_participant(c, &conv.id, &target))
        .await?;
    if !removed {
        return Err(ApiError::NotFound("participant"));
    }
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "chat", responses((status = 200, body = Vec<MessageResponse>), (status = 404, body = ErrorBody)))]
#[get("/chat/conversations/{id}/messages")]
pub async fn list_messages(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Vec<MessageResponse>>> {
    let conv = visible(&state, &user, &id).await?;
    Ok(web::Json(
        state.db.run(move |c| store::messages(c, &conv.id)).await?,
    ))
}
