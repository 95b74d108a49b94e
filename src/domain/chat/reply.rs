//! The agent's reply to one message: checked and prepared on the request (read-only, so the
//! user message's commit is not on the first-token path), then run on a worker thread that
//! stores the user message *while* the provider call starts, streams frames to a sink, and
//! stores the assistant message whatever happened.
use super::types::{ConversationResponse, MessageResponse};
use super::{context, store};
use crate::access::Viewer;
use crate::ai::{self, agent, tools::ToolCtx};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use serde_json::{Value, json};

pub const MAX_CONTENT_CHARS: usize = 100_000;

/// What the caller sent.
pub struct Ask {
    pub content: String,
    pub attachments: Vec<String>,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub tools_enabled: bool,
}

/// A reply ready to run: the agent's turn, the user message (not stored yet) and the
/// conversation's first title when it still has the default one.
pub struct Started {
    pub turn: agent::Turn,
    pub user_msg: MessageResponse,
    pub retitle: Option<String>,
}

/// Check the message, the budget and the provider, and build the turn. Writes nothing.
pub async fn start(
    state: &AppState,
    v: Viewer,
    display_name: String,
    conv: ConversationResponse,
    ask: Ask,
) -> ApiResult<Started> {
    let content = ask.content.trim().to_string();
    if content.is_empty() && ask.attachments.is_empty() {
        return Err(ApiError::unprocessable("content must not be empty"));
    }
    if ask.content.chars().count() > MAX_CONTENT_CHARS {
        return Err(ApiError::unprocessable(format!(
            "content is longer than {MAX_CONTENT_CHARS} characters"
        )));
    }
    let st = state.clone();
    let uid = v.user_id.clone();
    let conv_id = conv.id.clone();
    let (viewer, client_id, project_id) =
        (v.clone(), conv.client_id.clone(), conv.project_id.clone());
    let ((provider, model), history, user_msg, voice, audience) = state
        .db
        .read(move |c| -> ApiResult<_> {
            if let Some(detail) = ai::logs::over_budget(c, &st.secrets, &uid)? {
                return Err(ApiError::too_many(detail, 3600));
            }
            let (provider, model) = ai::config::resolve_chat(
                c,
                &st.secrets,
                &st.http.trusted,
                ask.provider.as_deref(),
                ask.model.as_deref(),
            )?
            .map_err(ApiError::from)?;
            let files = store::attachments_in(c, &conv_id, &ask.attachments)?;
            if files.len() != ask.attachments.len() {
                return Err(ApiError::missing(
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
            // What every generation knows about the writer: active skills, learnings, the
            // client's dos and don'ts.
            let voice = crate::domain::learnings::context::generation_context(
                c,
                &viewer,
                client_id.as_deref(),
                project_id.as_deref(),
                None,
            )?
            .render();
            // Everyone else in the conversation reads what the tools return.
            let audience = store::member_viewers(c, &conv_id)?
                .into_iter()
                .filter(|m| m.user_id != uid)
                .collect();
            Ok((
                (provider, model),
                context::history(c, &conv_id, &msg)?,
                msg,
                voice,
                audience,
            ))
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
    let turn = agent::Turn {
        system: if voice.is_empty() {
            ai::prompts::chat_system(&display_name)
        } else {
            format!("{}\n\n{voice}", ai::prompts::chat_system(&display_name))
        },
        provider,
        model,
        history,
        tools_enabled: ask.tools_enabled,
        ctx: ToolCtx {
            state: state.clone(),
            viewer: v,
            audience,
            conversation_id: conv.id,
            client_id: conv.client_id,
            project_id: conv.project_id,
        },
    };
    Ok(Started {
        turn,
        user_msg,
        retitle,
    })
}

fn message_event(m: &MessageResponse) -> Value {
    json!({"conversation_id": m.conversation_id, "message": m})
}

/// Store the user message (and the conversation's first title) and announce it.
fn persist_user(
    state: &AppState,
    msg: &MessageResponse,
    retitle: Option<&str>,
) -> anyhow::Result<()> {
    state.db.write_blocking(|tx| -> anyhow::Result<()> {
        store::insert_message(tx, msg)?;
        store::touch(tx, &msg.conversation_id)?;
        if let Some(title) = retitle {
            store::update(tx, &msg.conversation_id, Some(title), None)?;
        }
        crate::events::emit(
            tx,
            "chat.message",
            msg.user_id.as_deref(),
            message_event(msg),
        )?;
        Ok(())
    })
}

/// Run the agent (blocking: call on a worker thread), then store the assistant message
/// whatever happened, and finish the stream.
pub fn run(state: AppState, started: Started, frames: &mut dyn agent::Frames) {
    let Started {
        turn,
        user_msg,
        retitle,
    } = started;
    let conv_id = user_msg.conversation_id.clone();
    let provider = turn.provider.name().to_string();
    let model = turn.model.clone();
    let actor = turn.ctx.viewer.user_id.clone();
    let st = state.clone();
    let saving_user = std::thread::spawn(move || persist_user(&st, &user_msg, retitle.as_deref()));
    let mut out = agent::run(turn, frames);
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
        state.db.write_blocking(|tx| -> rusqlite::Result<()> {
            store::insert_message(tx, &msg)?;
            store::touch(tx, &conv_id)?;
            // The asker already saw it stream; the event is for the other participants.
            crate::events::emit(tx, "chat.message", Some(&actor), message_event(&msg))?;
            Ok(())
        })
    });
    if let Some(Err(e)) = &stored {
        tracing::error!(error = %e, conversation = %conv_id, "could not store the assistant message");
    }
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
