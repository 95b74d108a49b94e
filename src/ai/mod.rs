//! AI providers behind one interface: streaming chat (text, tool calls, image input), embeddings,
//! transcription and image generation. Implementations speak each vendor's wire format over the
//! one blocking HTTP client (`state.http.trusted`), so every call here runs on a worker thread.
pub mod agent;
pub mod anthropic;
pub mod calls;
pub mod config;
pub mod gemini;
pub mod local;
mod local_draft;
#[cfg(feature = "minilm")]
pub mod local_llm;
pub mod logs;
pub mod logs_store;
pub mod openai_compat;
pub mod prompts;
pub mod slots;
pub mod sse;
pub mod tools;

use serde::Serialize;
use serde_json::Value;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    User,
    Assistant,
    /// The result of one tool call (`tool_call_id`, `tool_name`).
    Tool,
}

/// An image for vision-capable models, base64-encoded.
#[derive(Clone, Debug)]
pub struct Image {
    pub mime: String,
    pub data_b64: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct ToolCall {
    pub id: String,
    pub name: String,
    pub arguments: Value,
    /// Gemini's opaque signature, echoed back with the call when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thought_signature: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Message {
    pub role: Role,
    pub content: String,
    pub images: Vec<Image>,
    pub tool_calls: Vec<ToolCall>,
    pub tool_call_id: Option<String>,
    pub tool_name: Option<String>,
}

impl Message {
    pub fn user(content: impl Into<String>) -> Self {
        Message {
            role: Role::User,
            content: content.into(),
            images: vec![],
            tool_calls: vec![],
            tool_call_id: None,
            tool_name: None,
        }
    }
    pub fn assistant(content: impl Into<String>, tool_calls: Vec<ToolCall>) -> Self {
        Message {
            role: Role::Assistant,
            tool_calls,
            ..Message::user(content)
        }
    }
    pub fn tool_result(call: &ToolCall, content: impl Into<String>) -> Self {
        Message {
            role: Role::Tool,
            tool_call_id: Some(call.id.clone()),
            tool_name: Some(call.name.clone()),
            ..Message::user(content)
        }
    }
}

/// A tool as every provider sees it: name, description, JSON Schema of the arguments.
#[derive(Clone, Debug, Serialize)]
pub struct ToolSpec {
    pub name: &'static str,
    pub description: &'static str,
    pub parameters: Value,
}

#[derive(Clone, Debug)]
pub struct ChatRequest {
    pub model: String,
    pub system: String,
    pub messages: Vec<Message>,
    pub tools: Vec<ToolSpec>,
    pub max_tokens: u32,
    /// Sampling temperature (0–2); None leaves the provider's default.
    pub temperature: Option<f32>,
}

#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub total_tokens: u64,
}

impl Usage {
    pub fn add(&mut self, o: Usage) {
        self.input_tokens += o.input_tokens;
        self.output_tokens += o.output_tokens;
        self.total_tokens += o.total_tokens;
    }
}

/// What a streaming chat call reports, in order.
#[derive(Debug)]
pub enum Event {
    Text(String),
    ToolCall(ToolCall),
    Usage(Usage),
    /// Everything received so far has been reported: a good moment to write downstream.
    Flush,
    /// The call waits behind this many others for an in-process model (`local-llm`).
    Queued(usize),
}

/// A failed provider call. `retryable` covers 429/5xx and connection failures.
#[derive(Debug, Clone)]
pub struct ProviderError {
    pub message: String,
    pub retryable: bool,
    pub retry_after: Option<Duration>,
}

impl ProviderError {
    pub fn new(message: impl Into<String>) -> Self {
        ProviderError {
            message: message.into(),
            retryable: false,
            retry_after: None,
        }
    }
}

impl std::fmt::Display for ProviderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Returned by a sink to stop reading upstream (the client went away).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Stop,
}

pub type Sink<'a> = &'a mut dyn FnMut(Event) -> Flow;

pub trait Provider: Send + Sync {
    /// `openai`, `anthropic`, `gemini`, `ollama`, `openrouter` or `local`.
    fn name(&self) -> &str;
    /// True for the built-in offline provider (labelled as such in the API and UI).
    fn offline(&self) -> bool {
        false
    }
    /// Whether it can read images (vision input); the offline providers cannot.
    fn sees_images(&self) -> bool {
        !self.offline()
    }
    fn default_model(&self) -> String;
    /// Stream one reply; return early (Ok) when the sink says Stop.
    fn chat(&self, req: &ChatRequest, sink: Sink) -> Result<(), ProviderError>;
    fn list_models(&self) -> Result<Vec<String>, ProviderError>;
    fn embed(&self, _model: &str, _inputs: &[String]) -> Result<EmbedResult, ProviderError> {
        Err(ProviderError::new(format!(
            "{} does not offer embeddings here",
            self.name()
        )))
    }
    fn transcribe(&self, _model: &str, _audio: &Audio) -> Result<String, ProviderError> {
        Err(ProviderError::new(format!(
            "{} does not offer transcription",
            self.name()
        )))
    }
    /// PNG bytes, base64.
    fn generate_image(&self, _model: &str, _prompt: &str) -> Result<String, ProviderError> {
        Err(ProviderError::new(format!(
            "{} does not generate images",
            self.name()
        )))
    }
}

pub struct EmbedResult {
    pub vectors: Vec<Vec<f32>>,
    pub usage: Usage,
}

pub struct Audio {
    pub filename: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

const MAX_ATTEMPTS: u32 = 3;

/// `chat` with retries on 429/5xx/connection errors, only while nothing has been streamed yet
/// (a retry after the first token would duplicate text). Honours Retry-After (capped).
pub fn chat_with_retry(
    p: &dyn Provider,
    req: &ChatRequest,
    sink: Sink,
) -> Result<(), ProviderError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let mut started = false;
        let result = p.chat(req, &mut |ev| {
            started = true;
            sink(ev)
        });
        match result {
            Err(e) if e.retryable && !started && attempt < MAX_ATTEMPTS => {
                let backoff = Duration::from_millis(200 * 2u64.pow(attempt - 1));
                let wait = e
                    .retry_after
                    .unwrap_or(backoff)
                    .min(Duration::from_secs(10));
                tracing::warn!(provider = p.name(), attempt, error = %e.message, "retrying provider call");
                std::thread::sleep(wait);
            }
            other => return other,
        }
    }
}

/// Map a ureq failure (no HTTP status) to a retryable provider error.
pub fn transport_error(provider: &str, e: ureq::Error) -> ProviderError {
    ProviderError {
        message: format!("{provider} is unreachable: {e}"),
        retryable: true,
        retry_after: None,
    }
}

/// Turn a non-2xx response into a provider error carrying the vendor's message.
pub fn status_error(provider: &str, resp: &mut ureq::http::Response<ureq::Body>) -> ProviderError {
    let status = resp.status().as_u16();
    let retry_after = crate::net::retry_after(resp);
    let body = crate::net::read_text(resp, 64 * 1024).unwrap_or_default();
    let detail = serde_json::from_str::<Value>(&body)
        .ok()
        .and_then(|v| error_message(&v))
        .unwrap_or_else(|| body.chars().take(300).collect());
    ProviderError {
        message: format!("{provider} answered {status}: {detail}"),
        retryable: status == 429 || status >= 500,
        retry_after,
    }
}

/// The human message inside a vendor error body (`{"error":{"message"}}` and friends).
pub fn error_message(v: &Value) -> Option<String> {
    let e = v.get("error")?;
    if let Some(s) = e.as_str() {
        return Some(s.to_string());
    }
    e.get("message")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| Some(e.to_string()))
}

/// Rough token estimate for providers that report no usage (≈ 4 characters per token).
pub fn estimate_tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4)
}

/// Timeouts for a streaming call: generous overall (long answers), bounded while waiting for the
/// response (a model being loaded) and between two reads (a stalled stream). Buffers are 32 KiB
/// instead of ureq's 128 KiB each way: hundreds of concurrent streams stay small in memory, at the
/// price of a fresh connection per call (ureq pools only connections with the agent's buffer sizes).
pub fn streaming(
    r: ureq::RequestBuilder<ureq::typestate::WithBody>,
) -> ureq::RequestBuilder<ureq::typestate::WithBody> {
    r.config()
        .timeout_global(Some(Duration::from_secs(15 * 60)))
        .timeout_recv_response(Some(Duration::from_secs(180)))
        .timeout_per_read(Some(Duration::from_secs(120)))
        .input_buffer_size(32 * 1024)
        .output_buffer_size(32 * 1024)
        .build()
}
