//! The streaming routes (HTTP side): POST …/messages (the agent's reply as SSE frames) and GET
//! …/events (participants' new messages, live). The reply (`domain::chat::reply`) runs on its
//! own worker thread (blocking HTTP); frames reach the response through a bounded channel, so a
//! slow client slows the upstream read and a gone client stops it.
use super::types::*;
use crate::access::Viewer;
use crate::ai::agent;
use crate::api::sse;
use crate::auth::AuthUser;
use crate::domain::chat::{self, reply};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, post, web};
use serde_json::json;
use tokio::sync::mpsc;

#[utoipa::path(tag = "chat", request_body = SendMessageRequest,
    responses((status = 200, description = "text/event-stream of {content} | {tool_use, status} | {error} | {done, message_id, usage}"),
        (status = 409, body = ErrorBody, description = "the provider is not configured (or has no model installed)"), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody, description = "monthly token budget exhausted, or too many replies being generated (for this user or in all; `Retry-After`)")))]
#[post("/chat/conversations/{id}/messages")]
pub async fn send_message(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<SendMessageRequest>,
) -> ApiResult<HttpResponse> {
    let conv = chat::visible(&state, &user.id, &id).await?;
    // Bounded before anything is stored or spawned: one thread per running reply.
    let slot = state.generation.acquire(&user.id)?;
    let b = body.into_inner();
    let ask = reply::Ask {
        content: b.content,
        attachments: b.attachments,
        provider: b.provider,
        model: b.model,
        tools_enabled: b.tools_enabled,
    };
    let name = if user.name.is_empty() {
        user.email.clone()
    } else {
        user.name.clone()
    };
    let started = reply::start(&state, Viewer::from(&user), name, conv, ask).await?;
    // Each item is a batch (one upstream read): a short queue keeps a slow client's backlog
    // in the kernel's socket buffers instead of our memory.
    let (tx, rx) = mpsc::channel::<Bytes>(4);
    let st = state.get_ref().clone();
    std::thread::Builder::new()
        .name("chat-stream".into())
        .stack_size(1024 * 1024)
        .spawn(move || {
            let _slot = slot;
            let mut frames = agent::ChannelFrames::new(tx);
            reply::run(st, started, &mut frames);
        })
        .map_err(|e| ApiError::internal("spawning the chat worker", e))?;
    Ok(sse::response(rx))
}

#[utoipa::path(tag = "chat", responses((status = 200, description = "text/event-stream of {type: \"message\", message}; ends within seconds of the session ending"), (status = 404, body = ErrorBody),
    (status = 429, body = ErrorBody, description = "too many event streams open for this user (or in all); `Retry-After`")))]
#[get("/chat/conversations/{id}/events")]
pub async fn conversation_events(
    state: web::Data<AppState>,
    viewer: Viewer,
    user: crate::auth::AuthUser,
    end: crate::auth::SessionEnd,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let conv = chat::visible(&state, &viewer.user_id, &id).await?;
    let slot = state.streams.acquire(&viewer.user_id)?;
    let mut events = state.bus.subscribe();
    let (tx, rx) = mpsc::channel::<Bytes>(64);
    let st = state.get_ref().clone();
    let me = viewer.user_id;
    actix_web::rt::spawn(async move {
        let _slot = slot;
        let mut keepalive = tokio::time::interval(std::time::Duration::from_secs(15));
        let mut check = tokio::time::interval(crate::auth::SESSION_CHECK);
        if tx
            .send(Bytes::from_static(b": connected\n\n"))
            .await
            .is_err()
        {
            return;
        }
        loop {
            tokio::select! {
                _ = keepalive.tick() => {
                    if tx.send(Bytes::from_static(b": keep-alive\n\n")).await.is_err() { return; }
                }
                _ = tx.closed() => return,
                // The session ended (expired, password or MFA changed, deactivated).
                _ = check.tick() => {
                    if !crate::auth::session_alive(&st, &user, end).await { return; }
                }
                ev = events.recv() => {
                    let ev = match ev {
                        Ok(ev) => ev,
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(_) => return,
                    };
                    if ev.kind != "chat.message" || ev.data["conversation_id"] != conv.id.as_str() {
                        continue;
                    }
                    if ev.actor_id.as_deref() == Some(me.as_str()) {
                        continue;
                    }
                    // Still allowed? A removed participant stops receiving.
                    if !chat::still_visible(&st, me.clone(), conv.id.clone()).await {
                        return;
                    }
                    let f = sse::frame(&json!({"type": "message", "message": ev.data["message"]}));
                    if tx.send(f).await.is_err() { return; }
                }
            }
        }
    });
    Ok(sse::response(rx))
}
