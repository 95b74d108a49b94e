//! The streaming routes: POST …/messages (the agent's reply as SSE frames) and GET …/events
//! (participants' new messages, live). The agent runs on its own worker thread (blocking HTTP);
//! frames reach the response through a bounded channel, so a slow client slows the upstream read
//! and a gone client stops it.
use super::handlers::visible;
use super::types::*;
use super::{context, store};
use crate::access::Viewer;
use crate::ai::{self, agent, tools::ToolCtx};
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
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
    // Read-only here: the user message is written by the reply thread *while* the provider call
    // starts, so the commit's fsync does not add to the time to first token.
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
            Ok((provider, model, context::history(c, &conv_id, &msg)?, msg))
        })
        .await?;
    let retitle = (conv.title == "New conversation")
        .then(|| {
            user_msg
                .content
                .chars()
                .take(60)
                .collect::<String>()
                .trim()
                .to_string()
        })
        .filter(|t| !t.is_empty());
    // Each item is a batch (one upstream read): a short queue keeps a slow client's backlog
    // in the kernel's socket buffers instead of our memory.
    let (tx, rx) = mpsc::channel::<Bytes>(4);
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
    std::thread::Builder::new()
        .name("chat-stream".into())
        .stack_size(1024 * 1024)
        .spawn(move || reply(st, turn, user_msg, retitle, tx))
        .map_err(|e| ApiError::internal("spawning the chat worker", e))?;
    Ok(sse_response(rx))
}

/// Frames buffered per upstream read and written to the response channel on `flush`.
struct ChannelFrames {
    tx: mpsc::Sender<Bytes>,
    buf: Vec<u8>,
    open: bool,
}

impl agent::Frames for ChannelFrames {
    fn send(&mut self, v: Value) -> bool {
        self.buf.extend_from_slice(b"data: ");
        // Writing JSON to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.buf, &v);
        self.buf.extend_from_slice(b"\n\n");
        if self.buf.len() >= 32 * 1024 {
            return self.flush();
        }
        self.open
    }

    fn flush(&mut self) -> bool {
        if self.open && !self.buf.is_empty() {
            let chunk = Bytes::from(std::mem::take(&mut self.buf));
            self.open = self.tx.blocking_send(chunk).is_ok();
        }
        self.open
    }
}

/// Store the user message (and the conversation's first title) and announce it.
fn persist_user(
    state: &AppState,
    msg: &MessageResponse,
    retitle: Option<&str>,
) -> anyhow::Result<()> {
    let mut c = state.db.conn()?;
    let tx = c.transaction()?;
    store::insert_message(&tx, msg)?;
    store::touch(&tx, &msg.conversation_id)?;
    if let Some(title) = retitle {
        store::update(&tx, &msg.conversation_id, Some(title), None)?;
    }
    crate::events::emit(
        &tx,
        "chat.message",
        msg.user_id.as_deref(),
        message_event(msg),
    )?;
    tx.commit()?;
    state.jobs.notify();
    Ok(())
}

/// Run the agent, then store the assistant message whatever happened, and finish the stream.
fn reply(
    state: AppState,
    turn: agent::Turn,
    user_msg: MessageResponse,
    retitle: Option<String>,
    tx: mpsc::Sender<Bytes>,
) {
    let conv_id = user_msg.conversation_id.clone();
    let provider = turn.provider.name().to_string();
    let model = turn.model.clone();
    let actor = turn.ctx.viewer.user_id.clone();
    let st = state.clone();
    let saving_user = std::thread::spawn(move || persist_user(&st, &user_msg, retitle.as_deref()));
    let mut frames = ChannelFrames {
        tx,
        buf: Vec::with_capacity(8192),
        open: true,
    };
    let mut out = agent::run(turn, &mut frames);
    let saved_user = saving_user
        .join()
        .map_err(|_| anyhow::anyhow!("the writer panicked"))
        .and_then(|r| r);
    if let Err(e) = &saved_user {
        tracing::error!(error = %e, conversation = %conv_id, "could not store the user message");
        out.error
            .get_or_insert_with(|| "your message could not be saved".into());
    }
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
    let stored = saved_user.is_ok().then(|| {
        state
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
            })
    });
    state.jobs.notify();
    if let Some(Err(e)) = &stored {
        tracing::error!(error = %e, conversation = %conv_id, "could not store the assistant message");
    }
    use agent::Frames;
    if let Some(e) = out.error {
        frames.send(json!({ "error": e }));
    }
    if matches!(stored, Some(Ok(()))) {
        frames.send(json!({"done": true, "message_id": msg.id, "usage": usage}));
    } else {
        frames.send(json!({"error": "the reply could not be saved"}));
        frames.send(json!({"done": true, "usage": usage}));
    }
    frames.flush();
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
