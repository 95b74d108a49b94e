//! One-shot provider calls for other areas (content generation, embeddings), with the same
//! budget check and AI-log record as chat. Blocking: call from worker threads or `web::block`.
use super::{
    ChatRequest, Event, Flow, Message, Usage, chat_with_retry, config, estimate_tokens, logs,
};
use crate::state::AppState;
use std::time::Instant;

/// Why a call did not produce a result: a message for the user (400/429/502 territory).
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error(transparent)]
    Unusable(#[from] config::Unusable),
    #[error("{0}")]
    OverBudget(String),
    #[error("{0}")]
    Provider(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<crate::db::DbError> for CallError {
    fn from(e: crate::db::DbError) -> Self {
        CallError::Internal(e.into())
    }
}

/// What a streaming call hands its caller: a piece of text, or `Flush` once everything the
/// provider sent in one read has been handed over (the moment to write downstream in one go).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Flush,
    /// Waiting behind this many other generations of an in-process model.
    Queued(usize),
}

/// Generate text (streamed to `on_text`) for `function` (e.g. `content.generate`), logged under it.
#[allow(clippy::too_many_arguments)]
pub fn complete(
    state: &AppState,
    user_id: &str,
    function: &str,
    provider: Option<&str>,
    model: Option<&str>,
    temperature: Option<f32>,
    system: &str,
    prompt: &str,
    on_text: &mut dyn FnMut(Piece) -> Flow,
) -> Result<(String, Usage), CallError> {
    complete_message(
        state,
        user_id,
        function,
        (provider, model, temperature),
        system,
        Message::user(prompt),
        on_text,
    )
}

/// `complete` with a whole user message (text plus images for vision-capable models). A message
/// with images is refused before any call when the provider is the offline one (it cannot see).
#[allow(clippy::too_many_arguments)]
pub fn complete_message(
    state: &AppState,
    user_id: &str,
    function: &str,
    (provider, model, temperature): (Option<&str>, Option<&str>, Option<f32>),
    system: &str,
    message: Message,
    on_text: &mut dyn FnMut(Piece) -> Flow,
) -> Result<(String, Usage), CallError> {
    let (p, model) = state.db.read_blocking(|c| -> Result<_, CallError> {
        if let Some(d) = logs::over_budget(c, &state.secrets, user_id)? {
            return Err(CallError::OverBudget(d));
        }
        config::resolve_chat(c, &state.secrets, &state.http.trusted, provider, model)?
            .map_err(CallError::Unusable)
    })?;
    if !message.images.is_empty() && !p.sees_images() {
        return Err(CallError::Unusable(config::Unusable::NotConfigured(
            format!(
                "reading images needs a vision-capable provider, and {} cannot see images: set default_provider (openai, anthropic, gemini, ollama or openrouter) with a vision model in Settings",
                p.name()
            ),
        )));
    }
    let prompt = message.content.clone();
    let req = ChatRequest {
        model: model.clone(),
        system: system.to_string(),
        messages: vec![message],
        tools: vec![],
        max_tokens: 4096,
        temperature,
    };
    let started = Instant::now();
    let (mut text, mut usage, mut ttft) = (String::new(), None, None);
    let result = chat_with_retry(p.as_ref(), &req, &mut |ev| match ev {
        Event::Text(t) => {
            ttft.get_or_insert_with(|| started.elapsed().as_millis() as i64);
            text.push_str(&t);
            on_text(Piece::Text(&t))
        }
        Event::Flush => on_text(Piece::Flush),
        Event::Queued(n) => on_text(Piece::Queued(n)),
        Event::Usage(u) => {
            usage = Some(u);
            Flow::Continue
        }
        _ => Flow::Continue,
    });
    let usage = usage.unwrap_or_else(|| {
        let (i, o) = (
            estimate_tokens(system) + estimate_tokens(&prompt),
            estimate_tokens(&text),
        );
        Usage {
            input_tokens: i,
            output_tokens: o,
            total_tokens: i + o,
        }
    });
    let entry = logs::Entry {
        provider: p.name(),
        model: &model,
        function,
        user_id: Some(user_id),
        error: result.as_ref().err().map(|e| e.message.as_str()),
        latency_ms: started.elapsed().as_millis() as i64,
        ttft_ms: ttft,
        usage,
        conversation_id: None,
    };
    state
        .db
        .write_blocking(|tx| logs::record(tx, &state.secrets, &entry))?;
    result.map_err(|e| CallError::Provider(e.message))?;
    Ok((text, usage))
}

/// Embed `texts` with the configured embedding provider (offline hashing embedder by default).
pub fn embed(
    state: &AppState,
    user_id: Option<&str>,
    texts: &[String],
) -> Result<Vec<Vec<f32>>, CallError> {
    let (p, model) = state.db.read_blocking(|c| -> Result<_, CallError> {
        if let Some(uid) = user_id
            && let Some(d) = logs::over_budget(c, &state.secrets, uid)?
        {
            return Err(CallError::OverBudget(d));
        }
        config::embedder(c, &state.secrets, &state.http.trusted)?.map_err(CallError::Unusable)
    })?;
    embed_with(state, p.as_ref(), &model, user_id, texts)
}

/// Embed `texts` with an already resolved provider and model, logged under `embeddings`.
pub fn embed_with(
    state: &AppState,
    p: &dyn super::Provider,
    model: &str,
    user_id: Option<&str>,
    texts: &[String],
) -> Result<Vec<Vec<f32>>, CallError> {
    let started = Instant::now();
    let result = p.embed(model, texts);
    let entry = logs::Entry {
        provider: p.name(),
        model,
        function: "embeddings",
        user_id,
        error: result.as_ref().err().map(|e| e.message.as_str()),
        latency_ms: started.elapsed().as_millis() as i64,
        ttft_ms: None,
        usage: result.as_ref().map(|r| r.usage).unwrap_or_default(),
        conversation_id: None,
    };
    state
        .db
        .write_blocking(|tx| logs::record(tx, &state.secrets, &entry))?;
    Ok(result.map_err(|e| CallError::Provider(e.message))?.vectors)
}
