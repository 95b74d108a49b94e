//! The streaming routes: POST …/messages (the agent's reply as SSE frames) and GET …/events
//! (participants' new messages, live). The agent runs on its own worker thread (blocking HTTP);
//! frames reach the response through a bounded channel, so a slow client slows the upstream read
//! and a gone client stops it.
use super::handlers::visible;
use super::types::*;
use super::{context, store};
use crate::access::Viewer;
use crate::ai::{self, agent, tools::ToolCtx};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, post, web};
use serde_json::{Value, json};
use tokio::sync::mpsc;

const MAX_CONTENT_CHARS: usize = 100_000;

fn frame(v: &Value) -> Bytes {
    Bytes::from(format!("data: {v}\n\n"))
}

/// An SSE response fed by a channel; frames that are already queued go out in one write.
fn sse_response(mut rx: mpsc::Receiver<Bytes>) -> HttpResponse {
    let body = futures_util::stream::poll_fn(move |cx| {
        let mut buf: Vec<u8> = Vec::new();
        loop {
            match rx.poll_recv(cx) {
                std::task::Poll::Ready(Some(b)) => {
                    buf.extend_from_slice(&b);
                    if buf.len() >= 64 * 1024 {
                        break;
                    }
                }
                std::task::Poll::Ready(None) if buf.is_empty() => {
                    return std::task::Poll::Ready(None);
                }
                std::task::Poll::Pending if buf.is_empty() => return std::task::Poll::Pending,
                _ => break,
            }
        }
        std::task::Poll::Ready(Some(Ok::<_, actix_web::Error>(Bytes::from(buf))))
    });
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body)
}

fn message_event(m: &MessageResponse) -> Value {
    json!({"conversation_id": m.conversation_id, "message": m})
}

#[utoipa::path(tag = "chat", request_body = SendMessageRequest,
    responses((status = 200, description = "text/event-stream of {content} | {tool_use, status} | {error} | {done, message_id, usage}"),
        (status = 400, body = ErrorBody, description = "provider not configured"), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody, description = "monthly token budget exhausted")))]
#[post("/chat/conversations/{id}/messages")]
pub async fn send_message(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<SendMessageRequest>,
) -> ApiResult<HttpResponse> {
    let conv = visible(&state, &user, &id).await?;
    let body = body.into_inner();
    let content = body.content.trim().to_string();
    if content.is_empty() && body.attachments.is_empty() {
        return Err(ApiError::unprocessable("content must not be empty"));
    }
    if content.chars().count() > MAX_CONTENT_CHARS {
        return Err(ApiError::unprocessable(format!(
            "content is longer than {MAX_CONTENT_CHARS} characters"
        )));
    }
    let st = state.clone();
    let uid = user.id.clone();
    let conv_id = conv.id.clone();
    let (provider, model, history, user_msg) = state
        .db
        .run(move |c| -> ApiResult<_> {
            if let Some(detail) = ai::logs::over_budget(c, &st.secrets, &uid)? {
                return Err(ApiError::too_many(detail, 3600));
            }
            let (provider, model) = ai::config::resolve_chat(
                c,
                &st.secrets,
                &st.http.trusted,
                body.provider.as_deref(),
                body.model.as_deref(),
            )?
            .map_err(ApiError::BadRequest)?;
            let files = store::attachments_in(c, &conv_id, &body.attachments)?;
            if files.len() != body.attachments.len() {
                return Err(ApiError::unprocessable(
                    "unknown attachment id for this conversation",
                ));
            }
            let msg = MessageResponse {
                id: uuid::Uuid::now_v7().to_string(),
                conversation_id: conv_id.clone(),
                user_id: Some(uid.clone()),
                role: "user".into(),
                content,
                tool_calls: vec![],
                attachments: files,
                provider: None,
                model: None,
                usage: None,
                status: "complete".into(),
                error: None,
                created_at: crate::time::now_rfc3339(),
            };
            let tx = c.transaction()?;
            store::insert_message(&tx, &msg)?;
            store::touch(&tx, &conv_id)?;
            crate::events::emit(&tx, "chat.message", Some(&uid), message_event(&msg))?;
            tx.commit()?;
            Ok((provider, model, context::history(c, &conv_id)?, msg))
        })
        .await?;
    state.jobs.notify();
    if conv.title == "New conversation" {
        let title: String = user_msg.content.chars().take(60).collect();
        let (conv_id, st) = (conv.id.clone(), state.clone());
        if !title.trim().is_empty() {
            st.db
                .run(move |c| store::update(c, &conv_id, Some(title.trim()), None))
                .await?;
        }
    }
    let (tx, rx) = mpsc::channel::<Bytes>(64);
    let turn = agent::Turn {
        system: ai::prompts::chat_system(if user.name.is_empty() {
            &user.email
        } else {
            &user.name
        }),
        provider,
        model,
        history,
        tools_enabled: body.tools_enabled,
        ctx: ToolCtx {
            state: state.get_ref().clone(),
            viewer: Viewer::from(&user),
            conversation_id: conv.id.clone(),
            client_id: conv.client_id.clone(),
            project_id: conv.project_id.clone(),
        },
    };
    let st = state.get_ref().clone();
    let conv_id = conv.id.clone();
    std::thread::Builder::new()
        .name("chat-stream".into())
        .spawn(move || reply(st, conv_id, turn, tx))
        .map_err(|e| ApiError::internal("spawning the chat worker", e))?;
    Ok(sse_response(rx))
}

/// Run the agent, then store the assistant message whatever happened, and finish the stream.
fn reply(state: AppState, conv_id: String, turn: agent::Turn, tx: mpsc::Sender<Bytes>) {
    let provider = turn.provider.name().to_string();
    let model = turn.model.clone();
    let actor = turn.ctx.viewer.user_id.clone();
    let mut send = |v: Value| tx.blocking_send(frame(&v)).is_ok();
    let out = agent::run(turn, &mut send);
    let usage = serde_json::to_value(out.usage).unwrap_or_default();
    let msg = MessageResponse {
        id: uuid::Uuid::now_v7().to_string(),
        conversation_id: conv_id.clone(),
        user_id: None,
        role: "assistant".into(),
        content: out.text,
        tool_calls: out.tool_calls,
        attachments: vec![],
        provider: Some(provider),
        model: Some(model),
        usage: Some(usage.clone()),
        status: if out.interrupted {
            "interrupted"
        } else if out.error.is_some() {
            "error"
        } else {
            "complete"
        }
        .into(),
        error: out.error.clone(),
        created_at: crate::time::now_rfc3339(),
    };
    let stored = state
        .db
        .conn()
        .map_err(|e| e.to_string())
        .and_then(|mut c| {
            let mut run = || -> rusqlite::Result<()> {
                let tx = c.transaction()?;
                store::insert_message(&tx, &msg)?;
                store::touch(&tx, &conv_id)?;
                // The asker already saw it stream; the event is for the other participants.
                crate::events::emit(&tx, "chat.message", Some(&actor), message_event(&msg))?;
                tx.commit()
            };
            run().map_err(|e| e.to_string())
        });
    state.jobs.notify();
    if let Err(e) = &stored {
        tracing::error!(error = %e, conversation = %conv_id, "could not store the assistant message");
    }
    if let Some(e) = out.error {
        send(json!({ "error": e }));
    }
    if stored.is_ok() {
        send(json!({"done": true, "message_id": msg.id, "usage": usage}));
    } else {
        send(json!({"error": "the reply could not be saved"}));
        send(json!({"done": true, "usage": usage}));
    }
}

#[utoipa::path(tag = "chat", responses((status = 200, description = "text/event-stream of {type: \"message\", message}"), (status = 404, body = ErrorBody)))]
#[get("/chat/conversations/{id}/events")]
pub async fn conversation_events(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let conv = visible(&state, &user, &id).await?;
    let mut events = state.bus.subscribe();
    let (tx, rx) = mpsc::channel::<Bytes>(64);
    let st = state.get_ref().clone();
    let me = user.id.clone();
    actix_web::rt::spawn(async move {
        let mut keepalive = tokio::time::interval(std::time::Duration::from_secs(15));
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
                    let (uid, cid) = (me.clone(), conv.id.clone());
                    match st.db.run(move |c| store::get_visible(c, &uid, &cid)).await {
                        Ok(Some(_)) => {}
                        _ => return,
                    }
                    let f = frame(&json!({"type": "message", "message": ev.data["message"]}));
                    if tx.send(f).await.is_err() { return; }
                }
            }
        }
    });
    Ok(sse_response(rx))
}
