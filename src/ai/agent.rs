//! The agent loop of one chat reply: stream a provider turn, run the tool calls it asked for with
//! the caller's permissions, feed the results back, and repeat for a bounded number of rounds.
//! Runs on a worker thread; frames go out through a [`Frames`] sink, which says false once the
//! client left (we then stop reading upstream, and the caller still stores what was produced).
use super::tools::{self, ToolCtx};
use super::{
    ChatRequest, Event, Flow, Message, Provider, Usage, chat_with_retry, estimate_tokens, logs,
};
use serde_json::{Value, json};
use std::time::Instant;

/// Separates the user's words from an attached document's text in a user message.
pub const ATTACHMENT_MARKER: &str = "\n\n--- Attachment: ";
/// Tool rounds per reply; the round after the last one runs without tools to force an answer.
pub const MAX_TOOL_ROUNDS: usize = 5;

pub struct Turn {
    pub provider: Box<dyn Provider>,
    pub model: String,
    pub system: String,
    pub history: Vec<Message>,
    pub tools_enabled: bool,
    pub ctx: ToolCtx,
}

/// Where frames go. `send` may buffer; `flush` writes what is buffered. Both return false once
/// the client is gone.
pub trait Frames {
    fn send(&mut self, frame: Value) -> bool;
    fn flush(&mut self) -> bool;
}

/// Frames serialized as `data: {json}\n\n` and buffered on the worker, handed to the response
/// channel on `flush` (once per upstream read) or at 32 KiB: a wake-up of the response task per
/// token would cap the relay's rate.
pub struct ChannelFrames {
    tx: tokio::sync::mpsc::Sender<bytes::Bytes>,
    buf: Vec<u8>,
    open: bool,
}

impl ChannelFrames {
    pub fn new(tx: tokio::sync::mpsc::Sender<bytes::Bytes>) -> Self {
        ChannelFrames {
            tx,
            buf: Vec::with_capacity(8192),
            open: true,
        }
    }
}

impl Frames for ChannelFrames {
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
            let chunk = bytes::Bytes::from(std::mem::take(&mut self.buf));
            self.open = self.tx.blocking_send(chunk).is_ok();
        }
        self.open
    }
}

/// No frames (callers that only want the result).
pub struct Silent;

impl Frames for Silent {
    fn send(&mut self, _: Value) -> bool {
        true
    }
    fn flush(&mut self) -> bool {
        true
    }
}

#[derive(Default)]
pub struct Outcome {
    pub text: String,
    /// `[{id, name, arguments, status, result | error}]`, as stored with the message.
    pub tool_calls: Vec<Value>,
    pub usage: Usage,
    pub error: Option<String>,
    pub interrupted: bool,
}

pub fn run(turn: Turn, out_frames: &mut dyn Frames) -> Outcome {
    let Turn {
        provider,
        model,
        system,
        mut history,
        tools_enabled,
        ctx,
    } = turn;
    let state = ctx.state.clone();
    let user_id = ctx.viewer.user_id.clone();
    let mut out = Outcome::default();
    let mut connected = true;
    for round in 0..=MAX_TOOL_ROUNDS {
        match state
            .db
            .read_blocking(|c| logs::over_budget(c, &state.secrets, &user_id))
        {
            Ok(Some(detail)) => {
                out.error = Some(detail);
                break;
            }
            Ok(None) => {}
            Err(e) => {
                out.error = Some(format!("could not check the token budget: {e}"));
                break;
            }
        }
        let req = ChatRequest {
            model: model.clone(),
            system: system.clone(),
            messages: history.clone(),
            tools: if tools_enabled && round < MAX_TOOL_ROUNDS {
                tools::specs(&state)
            } else {
                vec![]
            },
            max_tokens: 4096,
            temperature: None,
        };
        let started = Instant::now();
        let mut ttft = None;
        let mut text = String::new();
        let mut calls = Vec::new();
        let mut usage = None;
        let result = chat_with_retry(provider.as_ref(), &req, &mut |ev| match ev {
            Event::Text(t) => {
                ttft.get_or_insert_with(|| started.elapsed().as_millis() as i64);
                text.push_str(&t);
                if out_frames.send(json!({ "content": t })) {
                    Flow::Continue
                } else {
                    connected = false;
                    Flow::Stop
                }
            }
            Event::Flush => {
                if out_frames.flush() {
                    Flow::Continue
                } else {
                    connected = false;
                    Flow::Stop
                }
            }
            Event::Queued(n) => {
                if out_frames.send(json!({"stage": "queued", "position": n})) && out_frames.flush()
                {
                    Flow::Continue
                } else {
                    connected = false;
                    Flow::Stop
                }
            }
            Event::ToolCall(c) => {
                ttft.get_or_insert_with(|| started.elapsed().as_millis() as i64);
                calls.push(c);
                Flow::Continue
            }
            Event::Usage(u) => {
                usage = Some(u);
                Flow::Continue
            }
        });
        if !out_frames.flush() {
            connected = false;
        }
        let usage = usage.unwrap_or_else(|| {
            let input = req
                .messages
                .iter()
                .map(|m| estimate_tokens(&m.content))
                .sum::<u64>()
                + estimate_tokens(&req.system);
            let output = estimate_tokens(&text);
            Usage {
                input_tokens: input,
                output_tokens: output,
                total_tokens: input + output,
            }
        });
        let error = result.as_ref().err().map(|e| e.message.clone());
        let entry = logs::Entry {
            provider: provider.name(),
            model: &model,
            function: "chat",
            user_id: Some(&user_id),
            error: error.as_deref(),
            latency_ms: started.elapsed().as_millis() as i64,
            ttft_ms: ttft,
            usage,
            conversation_id: Some(&ctx.conversation_id),
        };
        if let Err(e) = state
            .db
            .write_blocking(|tx| logs::record(tx, &state.secrets, &entry))
        {
            tracing::error!(error = %e, "could not record the AI log");
        }
        out.text.push_str(&text);
        out.usage.add(usage);
        if !connected {
            out.interrupted = true;
            break;
        }
        if let Some(e) = error {
            out.error = Some(e);
            break;
        }
        if calls.is_empty() {
            break;
        }
        history.push(Message::assistant(text, calls.clone()));
        for call in calls {
            let frame = json!({"tool_use": call.name, "status": "started", "id": call.id, "input": call.arguments});
            if !(out_frames.send(frame) && out_frames.flush()) {
                out.interrupted = true;
                return out;
            }
            let result = tools::run(&ctx, &call);
            let (frame, stored, content) = match &result {
                Ok(v) => (
                    json!({"tool_use": call.name, "status": "finished", "id": call.id, "result": v}),
                    json!({"id": call.id, "name": call.name, "arguments": call.arguments, "status": "finished", "result": v}),
                    v.to_string(),
                ),
                Err(e) => (
                    json!({"tool_use": call.name, "status": "failed", "id": call.id, "detail": e}),
                    json!({"id": call.id, "name": call.name, "arguments": call.arguments, "status": "failed", "error": e}),
                    json!({ "error": e }).to_string(),
                ),
            };
            out.tool_calls.push(stored);
            history.push(Message::tool_result(&call, content));
            if !(out_frames.send(frame) && out_frames.flush()) {
                out.interrupted = true;
                return out;
            }
        }
    }
    out
}
