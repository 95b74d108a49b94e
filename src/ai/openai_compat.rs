//! OpenAI Chat Completions and everything that speaks it (Ollama /v1, LM Studio, vLLM,
//! llama.cpp server, OpenRouter, Groq): streaming chat with tools, models, embeddings,
//! transcription and image generation.
use super::sse::read_frames;
use super::*;
use serde_json::json;
use std::collections::BTreeMap;

pub struct OpenAiCompat {
    /// `openai`, `ollama` or `openrouter` (for messages and logs).
    pub label: String,
    pub base: String,
    pub key: Option<String>,
    pub default_model: String,
    pub http: ureq::Agent,
}

impl OpenAiCompat {
    /// Ollama's native `POST /api/embed {model, input}` → `{embeddings, prompt_eval_count}`: it
    /// works on every Ollama version that embeds, unlike /v1/embeddings.
    fn ollama_embed(&self, model: &str, inputs: &[String]) -> Result<EmbedResult, ProviderError> {
        let root = self.base.trim_end_matches('/').trim_end_matches("/v1");
        let mut resp = self
            .http
            .post(format!("{root}/api/embed"))
            .send_json(json!({"model": model, "input": inputs}))
            .map_err(|e| transport_error(&self.label, e))?;
        if !resp.status().is_success() {
            return Err(status_error(&self.label, &mut resp));
        }
        let v = crate::net::read_json(&mut resp)
            .map_err(|e| ProviderError::new(format!("ollama: bad embeddings: {e}")))?;
        let vectors = v["embeddings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                e.as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|x| x.as_f64().map(|f| f as f32))
                    .collect()
            })
            .collect();
        let tokens = v["prompt_eval_count"]
            .as_u64()
            .unwrap_or_else(|| inputs.iter().map(|t| estimate_tokens(t)).sum());
        Ok(EmbedResult {
            vectors,
            usage: Usage {
                input_tokens: tokens,
                output_tokens: 0,
                total_tokens: tokens,
            },
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base.trim_end_matches('/'))
    }

    fn post(&self, path: &str) -> ureq::RequestBuilder<ureq::typestate::WithBody> {
        let mut r = self.http.post(self.url(path));
        if let Some(k) = &self.key {
            r = r.header("Authorization", format!("Bearer {k}"));
        }
        r
    }

    fn body(&self, req: &ChatRequest) -> Value {
        let mut messages = Vec::new();
        if !req.system.is_empty() {
            messages.push(json!({"role": "system", "content": req.system}));
        }
        for m in &req.messages {
            messages.push(match m.role {
                Role::User if !m.images.is_empty() => {
                    let mut parts = vec![json!({"type": "text", "text": m.content})];
                    for img in &m.images {
                        parts.push(json!({"type": "image_url", "image_url": {
                            "url": format!("data:{};base64,{}", img.mime, img.data_b64)}}));
                    }
                    json!({"role": "user", "content": parts})
                }
                Role::User => json!({"role": "user", "content": m.content}),
                Role::Assistant if !m.tool_calls.is_empty() => json!({
                    "role": "assistant",
                    "content": if m.content.is_empty() { Value::Null } else { json!(m.content) },
                    "tool_calls": m.tool_calls.iter().map(|c| json!({
                        "id": c.id, "type": "function",
                        "function": {"name": c.name, "arguments": c.arguments.to_string()}
                    })).collect::<Vec<_>>(),
                }),
                Role::Assistant => json!({"role": "assistant", "content": m.content}),
                Role::Tool => {
                    json!({"role": "tool", "tool_call_id": m.tool_call_id, "content": m.content})
                }
            });
        }
        let mut body = json!({
            "model": req.model,
            "stream": true,
            "stream_options": {"include_usage": true},
            "messages": messages,
            "max_tokens": req.max_tokens,
        });
        if let Some(t) = req.temperature {
            body["temperature"] = json!(t);
        }
        if !req.tools.is_empty() {
            body["tools"] = req
                .tools
                .iter()
                .map(|t| {
                    json!({"type": "function", "function": {
                    "name": t.name, "description": t.description, "parameters": t.parameters}})
                })
                .collect();
        }
        body
    }
}

/// Tool-call fragments grouped by `index`: id and name come first, arguments are concatenated.
#[derive(Default)]
struct PartialCall {
    id: String,
    name: String,
    args: String,
}

pub fn parse_arguments(raw: &str) -> Value {
    if raw.trim().is_empty() {
        return json!({});
    }
    serde_json::from_str(raw).unwrap_or_else(|_| json!({ "_unparsed": raw }))
}

fn usage_of(u: &Value) -> Option<Usage> {
    let input = u.get("prompt_tokens")?.as_u64().unwrap_or(0);
    let output = u
        .get("completion_tokens")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let total = u
        .get("total_tokens")
        .and_then(Value::as_u64)
        .unwrap_or(input + output);
    Some(Usage {
        input_tokens: input,
        output_tokens: output,
        total_tokens: total,
    })
}

impl Provider for OpenAiCompat {
    fn name(&self) -> &str {
        &self.label
    }

    fn default_model(&self) -> String {
        self.default_model.clone()
    }

    fn chat(&self, req: &ChatRequest, sink: Sink) -> Result<(), ProviderError> {
        let mut resp = streaming(self.post("/chat/completions"))
            .header("Accept", "text/event-stream")
            .send_json(self.body(req))
            .map_err(|e| transport_error(&self.label, e))?;
        if !resp.status().is_success() {
            return Err(status_error(&self.label, &mut resp));
        }
        let mut calls: BTreeMap<u64, PartialCall> = BTreeMap::new();
        let mut failure: Option<ProviderError> = None;
        let mut stopped = false;
        let reader = resp.into_body().into_reader();
        let read = read_frames(reader, |item| {
            let Some(frame) = item else {
                if sink(Event::Flush) == Flow::Stop {
                    stopped = true;
                    return false;
                }
                return true;
            };
            let data = frame.data.trim();
            if data.is_empty() || data == "[DONE]" {
                return true;
            }
            let Ok(v) = serde_json::from_str::<Value>(data) else {
                return true;
            };
            if let Some(msg) = error_message(&v) {
                failure = Some(ProviderError::new(format!(
                    "{} failed mid-stream: {msg}",
                    self.label
                )));
                return false;
            }
            if let Some(u) = v.get("usage").filter(|u| !u.is_null()).and_then(usage_of)
                && sink(Event::Usage(u)) == Flow::Stop
            {
                stopped = true;
                return false;
            }
            let choices = v.get("choices").and_then(Value::as_array);
            for choice in choices.into_iter().flatten() {
                let delta = &choice["delta"];
                if let Some(text) = delta.get("content").and_then(Value::as_str)
                    && !text.is_empty()
                    && sink(Event::Text(text.to_string())) == Flow::Stop
                {
                    stopped = true;
                    return false;
                }
                for (n, tc) in delta
                    .get("tool_calls")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    let index = tc.get("index").and_then(Value::as_u64).unwrap_or(n as u64);
                    let entry = calls.entry(index).or_default();
                    if let Some(id) = tc.get("id").and_then(Value::as_str) {
                        entry.id = id.to_string();
                    }
                    let f = &tc["function"];
                    if let Some(name) = f.get("name").and_then(Value::as_str) {
                        entry.name.push_str(name);
                    }
                    match f.get("arguments") {
                        Some(Value::String(s)) => entry.args.push_str(s),
                        // Some servers send the arguments as an object.
                        Some(obj @ Value::Object(_)) => entry.args.push_str(&obj.to_string()),
                        _ => {}
                    }
                }
            }
            true
        });
        if stopped {
            return Ok(());
        }
        if let Some(e) = failure {
            return Err(e);
        }
        read.map_err(|e| ProviderError::new(format!("{} stream broke: {e}", self.label)))?;
        // A tool call happened if there are tool calls, whatever finish_reason said.
        for (i, c) in calls.into_values().enumerate() {
            if c.name.is_empty() {
                continue;
            }
            let call = ToolCall {
                id: if c.id.is_empty() {
                    format!("call_{i}")
                } else {
                    c.id
                },
                arguments: parse_arguments(&c.args),
                name: c.name,
                thought_signature: None,
            };
            if sink(Event::ToolCall(call)) == Flow::Stop {
                return Ok(());
            }
        }
        Ok(())
    }

    fn list_models(&self) -> Result<Vec<String>, ProviderError> {
        let mut r = self.http.get(self.url("/models"));
        if let Some(k) = &self.key {
            r = r.header("Authorization", format!("Bearer {k}"));
        }
        let mut resp = r.call().map_err(|e| transport_error(&self.label, e))?;
        if !resp.status().is_success() {
            return Err(status_error(&self.label, &mut resp));
        }
        let v = crate::net::read_json(&mut resp)
            .map_err(|e| ProviderError::new(format!("{}: bad models list: {e}", self.label)))?;
        let mut ids: Vec<String> = v["data"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["id"].as_str().map(str::to_string))
            .collect();
        ids.sort();
        Ok(ids)
    }

    fn embed(&self, model: &str, inputs: &[String]) -> Result<EmbedResult, ProviderError> {
        if self.label == "ollama" {
            return self.ollama_embed(model, inputs);
        }
        let mut resp = self
            .post("/embeddings")
            .send_json(json!({"model": model, "input": inputs, "encoding_format": "float"}))
            .map_err(|e| transport_error(&self.label, e))?;
        if !resp.status().is_success() {
            return Err(status_error(&self.label, &mut resp));
        }
        let v = crate::net::read_json(&mut resp)
            .map_err(|e| ProviderError::new(format!("{}: bad embeddings: {e}", self.label)))?;
        let mut rows: Vec<(u64, Vec<f32>)> = v["data"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| {
                let vec = d["embedding"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|x| x.as_f64().map(|f| f as f32))
                    .collect();
                (d["index"].as_u64().unwrap_or(0), vec)
            })
            .collect();
        rows.sort_by_key(|r| r.0);
        Ok(EmbedResult {
            vectors: rows.into_iter().map(|r| r.1).collect(),
            usage: usage_of(&v["usage"]).unwrap_or_default(),
        })
    }

    fn transcribe(&self, model: &str, audio: &Audio) -> Result<String, ProviderError> {
        // ureq has no multipart builder; the body is small and simple enough to write by hand.
        let boundary = format!("neuromancer{}", uuid::Uuid::now_v7().simple());
        let mut body = Vec::with_capacity(audio.bytes.len() + 512);
        let filename = audio.filename.replace(['"', '\r', '\n'], "_");
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\n{model}\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"response_format\"\r\n\r\njson\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
                 Content-Type: {}\r\n\r\n",
                audio.mime
            )
            .as_bytes(),
        );
        body.extend_from_slice(&audio.bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut resp = self
            .post("/audio/transcriptions")
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .send(&body[..])
            .map_err(|e| transport_error(&self.label, e))?;
        if !resp.status().is_success() {
            return Err(status_error(&self.label, &mut resp));
        }
        let v = crate::net::read_json(&mut resp)
            .map_err(|e| ProviderError::new(format!("{}: bad transcription: {e}", self.label)))?;
        v["text"].as_str().map(str::to_string).ok_or_else(|| {
            ProviderError::new(format!("{}: transcription without text", self.label))
        })
    }

    fn generate_image(&self, model: &str, prompt: &str) -> Result<String, ProviderError> {
        let mut resp = self
            .post("/images/generations")
            .send_json(json!({"model": model, "prompt": prompt, "n": 1, "size": "1024x1024"}))
            .map_err(|e| transport_error(&self.label, e))?;
        if !resp.status().is_success() {
            return Err(status_error(&self.label, &mut resp));
        }
        let v = crate::net::read_json(&mut resp)
            .map_err(|e| ProviderError::new(format!("{}: bad image: {e}", self.label)))?;
        v["data"][0]["b64_json"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| ProviderError::new(format!("{}: no b64_json image", self.label)))
    }
}
