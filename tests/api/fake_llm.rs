//! Loopback fakes of the LLM providers speaking their real streaming wire formats (OpenAI Chat
//! Completions, Anthropic Messages, Gemini streamGenerateContent), scripted per request, with
//! a record of every request body and of streams the client abandoned.
#![allow(dead_code)]
use crate::helpers::*;
use actix_web::{HttpResponse, web};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub enum Reply {
    /// Raw body pieces, each written separately (`delay` before each).
    Stream(Vec<String>, Duration),
    Status(u16, String),
}

pub type Script = Arc<dyn Fn(&Value) -> Reply + Send + Sync>;

/// The headers of one request, in order.
pub type Headers = Vec<(String, String)>;

#[derive(Clone, Default)]
pub struct Record {
    pub requests: Arc<Mutex<Vec<Value>>>,
    /// Raw bodies of non-JSON requests (multipart transcription uploads).
    pub raw: Arc<Mutex<Vec<Vec<u8>>>>,
    pub headers: Arc<Mutex<Vec<Headers>>>,
    pub pieces_sent: Arc<AtomicUsize>,
    pub stream_dropped: Arc<AtomicBool>,
}

impl Record {
    pub fn requests(&self) -> Vec<Value> {
        self.requests.lock().unwrap().clone()
    }
    pub fn header(&self, i: usize, name: &str) -> Option<String> {
        self.headers
            .lock()
            .unwrap()
            .get(i)?
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

pub struct FakeLlm {
    pub svc: FakeService,
    pub rec: Record,
}

impl std::ops::Deref for FakeLlm {
    type Target = Record;
    fn deref(&self) -> &Record {
        &self.rec
    }
}

struct DropFlag(Arc<AtomicBool>);
impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

fn respond(rec: &Record, reply: Reply) -> HttpResponse {
    match reply {
        Reply::Status(code, body) => {
            HttpResponse::build(actix_web::http::StatusCode::from_u16(code).unwrap())
                .insert_header(("Retry-After", "0"))
                .content_type("application/json")
                .body(body)
        }
        Reply::Stream(pieces, delay) => {
            rec.stream_dropped.store(false, Ordering::SeqCst);
            let sent = rec.pieces_sent.clone();
            sent.store(0, Ordering::SeqCst);
            let flag = DropFlag(rec.stream_dropped.clone());
            let stream =
                futures_util::stream::unfold((pieces.into_iter(), flag), move |(mut it, flag)| {
                    let sent = sent.clone();
                    async move {
                        let piece = it.next()?;
                        if !delay.is_zero() {
                            actix_web::rt::time::sleep(delay).await;
                        }
                        sent.fetch_add(1, Ordering::SeqCst);
                        Some((
                            Ok::<_, actix_web::Error>(web::Bytes::from(piece)),
                            (it, flag),
                        ))
                    }
                });
            HttpResponse::Ok()
                .content_type("text/event-stream")
                .streaming(stream)
        }
    }
}

fn record(rec: &Record, req: &actix_web::HttpRequest, body: &[u8]) -> Value {
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                v.to_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    rec.headers.lock().unwrap().push(headers);
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    if v.is_null() {
        rec.raw.lock().unwrap().push(body.to_vec());
    }
    rec.requests.lock().unwrap().push(v.clone());
    v
}

/// One fake serving all three vendors' chat routes plus OpenAI models/transcriptions/embeddings.
pub fn start(script: impl Fn(&Value) -> Reply + Send + Sync + 'static) -> FakeLlm {
    let rec = Record::default();
    let script: Script = Arc::new(script);
    let (r, s) = (rec.clone(), script.clone());
    let svc = FakeService::start(move |cfg| {
        let (r1, s1) = (r.clone(), s.clone());
        let chat = move |req: actix_web::HttpRequest, body: web::Bytes| {
            let (r, s) = (r1.clone(), s1.clone());
            async move {
                let v = record(&r, &req, &body);
                respond(&r, s(&v))
            }
        };
        let r2 = r.clone();
        let transcribe = move |req: actix_web::HttpRequest, body: web::Bytes| {
            let r = r2.clone();
            async move {
                record(&r, &req, &body);
                HttpResponse::Ok().json(json!({"text": "Ship the newsletter on Tuesday."}))
            }
        };
        let r3 = r.clone();
        let models = move |req: actix_web::HttpRequest| {
            let r = r3.clone();
            async move {
                record(&r, &req, b"");
                HttpResponse::Ok().json(json!({"data": [{"id": "gpt-4o-mini"}, {"id": "fake-model"}], "models": [{"name": "models/gemini-2.5-flash"}]}))
            }
        };
        cfg.route("/v1/chat/completions", web::post().to(chat.clone()))
            .route("/v1/messages", web::post().to(chat.clone()))
            .route("/v1beta/models/{action}", web::post().to(chat))
            .route("/v1/models", web::get().to(models.clone()))
            .route("/v1beta/models", web::get().to(models))
            .route("/v1/audio/transcriptions", web::post().to(transcribe));
    });
    FakeLlm { svc, rec }
}

/// `data: {json}\n\n` frames, OpenAI style.
pub fn sse(values: &[Value]) -> Vec<String> {
    values.iter().map(|v| format!("data: {v}\n\n")).collect()
}

pub fn openai_text(words: &[&str], usage: (u64, u64)) -> Vec<String> {
    let mut v = vec![
        json!({"id": "chatcmpl-1", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": null}]}),
    ];
    for w in words {
        v.push(json!({"choices": [{"index": 0, "delta": {"content": w}, "finish_reason": null}]}));
    }
    v.push(json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}));
    // vLLM style: usage chunk with choices null.
    v.push(json!({"choices": null, "usage": {"prompt_tokens": usage.0, "completion_tokens": usage.1, "total_tokens": usage.0 + usage.1}}));
    let mut out = sse(&v);
    out.push("data: [DONE]\n\n".into());
    out
}

/// A tool call whose arguments arrive in fragments; finish_reason "stop" (as some servers send).
pub fn openai_tool_call(name: &str, args: &str) -> Vec<String> {
    let mut v = vec![
        json!({"choices": [{"index": 0, "delta": {"role": "assistant", "content": null, "tool_calls": []}, "finish_reason": null}]}),
    ];
    v.push(json!({"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": name, "arguments": ""}}]}, "finish_reason": null}]}));
    let mid = args.len() / 2;
    for part in [&args[..mid], &args[mid..]] {
        v.push(json!({"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": part}}]}, "finish_reason": null}]}));
    }
    v.push(json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}));
    v.push(json!({"choices": [], "usage": {"prompt_tokens": 20, "completion_tokens": 5, "total_tokens": 25}}));
    sse(&v)
}

/// True once the request carries a tool result (the second round of an agent loop).
pub fn has_tool_result(body: &Value) -> bool {
    let s = body.to_string();
    s.contains("\"role\":\"tool\"") || s.contains("tool_result") || s.contains("functionResponse")
}

/// Parse an SSE response body into its JSON frames.
pub fn frames(text: &str) -> Vec<Value> {
    text.split("\n\n")
        .filter_map(|f| f.trim_start().strip_prefix("data: "))
        .map(|d| serde_json::from_str(d).unwrap_or_else(|e| panic!("bad frame {d:?}: {e}")))
        .collect()
}

pub fn streamed_text(frames: &[Value]) -> String {
    frames
        .iter()
        .filter_map(|f| f["content"].as_str())
        .collect()
}

/// Admin token plus settings pointing a provider at the fake.
pub fn configure(s: &TestServer, token: &str, settings: Value) {
    let r = s.put("/api/v1/settings/", Some(token), &settings);
    assert_eq!(r.status, 200, "{}", r.text);
}

pub fn new_conversation(s: &TestServer, token: &str) -> String {
    let r = s.post("/api/v1/chat/conversations", Some(token), &json!({}));
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()["id"].as_str().unwrap().to_string()
}

pub fn send(s: &TestServer, token: &str, conv: &str, body: Value) -> (u16, Vec<Value>) {
    let r = s.post(
        &format!("/api/v1/chat/conversations/{conv}/messages"),
        Some(token),
        &body,
    );
    if r.status != 200 {
        return (r.status, vec![json!({"detail": r.json()["detail"]})]);
    }
    assert!(
        r.header("content-type")
            .unwrap_or_default()
            .starts_with("text/event-stream")
    );
    (r.status, frames(&r.text))
}
