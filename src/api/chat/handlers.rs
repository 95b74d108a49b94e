//! Conversations: list/create/update/delete, sharing with participants, and the history.
use super::types::*;
use crate::access::Viewer;
use crate::domain::chat::{self, types::ListFilter};
use crate::error::{ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, patch, post, web};

#[utoipa::path(tag = "chat", params(ListQuery, Page),
    responses((status = 200, body = Paged<ConversationResponse>), (status = 422, body = ErrorBody)))]
#[get("/chat/conversations")]
pub async fn list_conversations(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ListQuery>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<ConversationResponse>>> {
    let q = q.into_inner();
    let f = ListFilter {
        search: q.search,
        client_id: q.client_id,
        project_id: q.project_id,
    };
    Ok(web::Json(
        chat::list(&state, viewer.user_id, f, page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "chat", request_body = CreateConversationRequest,
    responses((status = 201, body = ConversationResponse), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/chat/conversations")]
pub async fn create_conversation(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<CreateConversationRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let conv = chat::create(
        &state,
        viewer,
        b.title,
        b.metadata,
        b.client_id,
        b.project_id,
    )
    .await?;
    Ok(HttpResponse::Created().json(conv))
}

#[utoipa::path(tag = "chat", responses((status = 200, body = ConversationResponse), (status = 404, body = ErrorBody)))]
#[get("/chat/conversations/{id}")]
pub async fn get_conversation(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<ConversationResponse>> {
    Ok(web::Json(
        chat::visible(&state, &viewer.user_id, &id).await?,
    ))
}

#[utoipa::path(tag = "chat", request_body = UpdateConversationRequest,
    responses((status = 200, body = ConversationResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[patch("/chat/conversations/{id}")]
pub async fn update_conversation(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<UpdateConversationRequest>,
) -> ApiResult<web::Json<ConversationResponse>> {
    let b = body.into_inner();
    Ok(web::Json(
        chat::update(&state, viewer.user_id, id.into_inner(), b.title, b.metadata).await?,
    ))
}

#[utoipa::path(tag = "chat", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/chat/conversations/{id}")]
pub async fn delete_conversation(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    chat::delete(&state, viewer.user_id, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "chat", request_body = ShareRequest,
    responses((status = 200, body = Vec<ParticipantResponse>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "the user is the conversation's owner"), (status = 422, body = ErrorBody)))]
#[post("/chat/conversations/{id}/share")]
pub async fn share_conversation(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<ShareRequest>,
) -> ApiResult<web::Json<Vec<ParticipantResponse>>> {
    let target = body.into_inner().user_id;
    Ok(web::Json(
        chat::share(&state, viewer.user_id, id.into_inner(), target).await?,
    ))
}

#[utoipa::path(tag = "chat", params(Page),
    responses((status = 200, body = Paged<ParticipantResponse>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/chat/conversations/{id}/participants")]
pub async fn list_participants(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<ParticipantResponse>>> {
    Ok(web::Json(
        chat::participants(&state, viewer.user_id, id.into_inner(), page.into_inner()).await?,
    ))
}

/// The owner removes anyone; a participant may remove only themselves (leave).
#[utoipa::path(tag = "chat", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/chat/conversations/{id}/participants/{user_id}")]
pub async fn remove_participant(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, target) = path.into_inner();
    chat::remove_participant(&state, viewer.user_id, id, target).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The newest page of a conversation's history by default; `before` (the oldest message
/// loaded) pages back. Items come oldest first; `total` counts every message of the range.
#[utoipa::path(tag = "chat", params(HistoryQuery, Page),
    responses((status = 200, body = Paged<MessageResponse>), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "limit or offset out of range, or `before` is not a message of this conversation")))]
#[get("/chat/conversations/{id}/messages")]
pub async fn list_messages(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    q: web::Query<HistoryQuery>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<MessageResponse>>> {
    Ok(web::Json(
        chat::messages(
            &state,
            viewer.user_id,
            id.into_inner(),
            q.into_inner().before,
            page.into_inner(),
        )
        .await?,
    ))
}
