//! Anthropic Messages API: `x-api-key` + `anthropic-version`, top-level `system`, tool_use blocks
//! whose input arrives as `input_json_delta` fragments; `ping` and `error` events mid-stream.
use super::openai_compat::parse_arguments;
use super::sse::read_frames;
use super::*;
use serde_json::json;
use std::collections::BTreeMap;

pub struct Anthropic {
    pub base: String,
    pub key: String,
    pub http: ureq::Agent,
}

const VERSION: &str = "2023-06-01";

impl Anthropic {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base.trim_end_matches('/'))
    }

    fn body(&self, req: &ChatRequest) -> Value {
        let mut messages: Vec<Value> = Vec::new();
        for m in &req.messages {
            let (role, blocks) = match m.role {
                Role::User => {
                    let mut blocks: Vec<Value> = m
                        .images
                        .iter()
                        .map(|i| json!({"type": "image", "source": {"type": "base64", "media_type": i.mime, "data": i.data_b64}}))
                        .collect();
                    blocks.push(json!({"type": "text", "text": m.content}));
                    ("user", blocks)
                }
                Role::Assistant => {
                    let mut blocks = Vec::new();
                    if !m.content.is_empty() {
                        blocks.push(json!({"type": "text", "text": m.content}));
                    }
                    for c in &m.tool_calls {
                        blocks.push(json!({"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments}));
                    }
                    ("assistant", blocks)
                }
                Role::Tool => (
                    "user",
                    vec![
                        json!({"type": "tool_result", "tool_use_id": m.tool_call_id, "content": m.content}),
                    ],
                ),
            };
            // Consecutive same-role turns (several tool results) merge into one message.
            match messages.last_mut() {
                Some(last) if last["role"] == role => {
                    if let Some(arr) = last["content"].as_array_mut() {
                        arr.extend(blocks);
                    }
                }
                _ => messages.push(json!({"role": role, "content": blocks})),
            }
        }
        let mut body = json!({
            "model": req.model,
            "max_tokens": req.max_tokens,
            "stream": true,
            "messages": messages,
        });
        // Anthropic's range is 0–1.
        if let Some(t) = req.temperature {
            body["temperature"] = json!(t.min(1.0));
        }
        if !req.system.is_empty() {
            body["system"] = json!(req.system);
        }
        if !req.tools.is_empty() {
            body["tools"] = req
                .tools
                .iter()
                .map(|t| json!({"name": t.name, "description": t.description, "input_schema": t.parameters}))
                .collect();
        }
        body
    }
}

impl Provider for Anthropic {
    fn name(&self) -> &str {
        "anthropic"
    }

    fn default_model(&self) -> String {
        "claude-sonnet-4-5".into()
    }

    fn chat(&self, req: &ChatRequest, sink: Sink) -> Result<(), ProviderError> {
        let mut resp = streaming(self.http.post(self.url("/v1/messages")))
            .header("x-api-key", &self.key)
            .header("anthropic-version", VERSION)
            .header("Accept", "text/event-stream")
            .send_json(self.body(req))
            .map_err(|e| transport_error("anthropic", e))?;
        if !resp.status().is_success() {
            return Err(status_error("anthropic", &mut resp));
        }
        // index -> (id, name, partial json)
        let mut tools: BTreeMap<u64, (String, String, String)> = BTreeMap::new();
        let mut usage = Usage::default();
        let mut failure = None;
        let mut stopped = false;
        let read = read_frames(resp.into_body().into_reader(), |item| {
            let Some(frame) = item else {
                if sink(Event::Flush) == Flow::Stop {
                    stopped = true;
                    return false;
                }
                return true;
            };
            let Ok(v) = serde_json::from_str::<Value>(frame.data.trim()) else {
                return true;
            };
            let kind = v["type"].as_str().unwrap_or(frame.event.as_str());
            let flow = match kind {
                "message_start" => {
                    let u = &v["message"]["usage"];
                    usage.input_tokens = u["input_tokens"].as_u64().unwrap_or(0);
                    usage.output_tokens = u["output_tokens"].as_u64().unwrap_or(0);
                    Flow::Continue
                }
                "content_block_start" => {
                    let block = &v["content_block"];
                    if block["type"] == "tool_use" {
                        tools.insert(
                            v["index"].as_u64().unwrap_or(0),
                            (
                                block["id"].as_str().unwrap_or_default().to_string(),
                                block["name"].as_str().unwrap_or_default().to_string(),
                                String::new(),
                            ),
                        );
                        Flow::Continue
                    } else if let Some(t) = block["text"].as_str().filter(|t| !t.is_empty()) {
                        sink(Event::Text(t.to_string()))
                    } else {
                        Flow::Continue
                    }
                }
                "content_block_delta" => {
                    let d = &v["delta"];
                    match d["type"].as_str() {
                        Some("text_delta") => {
                            let t = d["text"].as_str().unwrap_or_default();
                            if t.is_empty() {
                                Flow::Continue
                            } else {
                                sink(Event::Text(t.to_string()))
                            }
                        }
                        Some("input_json_delta") => {
                            if let Some(entry) = tools.get_mut(&v["index"].as_u64().unwrap_or(0)) {
                                entry
                                    .2
                                    .push_str(d["partial_json"].as_str().unwrap_or_default());
                            }
                            Flow::Continue
                        }
                        _ => Flow::Continue,
                    }
                }
                "message_delta" => {
                    if let Some(out) = v["usage"]["output_tokens"].as_u64() {
                        usage.output_tokens = out;
                    }
                    if let Some(inp) = v["usage"]["input_tokens"].as_u64() {
                        usage.input_tokens = inp;
                    }
                    Flow::Continue
                }
                "error" => {
                    let msg = error_message(&v).unwrap_or_else(|| "unknown error".into());
                    failure = Some(ProviderError::new(format!(
                        "anthropic failed mid-stream: {msg}"
                    )));
                    return false;
                }
                "message_stop" => return false,
                _ => Flow::Continue,
            };
            if flow == Flow::Stop {
                stopped = true;
                return false;
            }
            true
        });
        if stopped {
            return Ok(());
        }
        if let Some(e) = failure {
            return Err(e);
        }
        read.map_err(|e| ProviderError::new(format!("anthropic stream broke: {e}")))?;
        usage.total_tokens = usage.input_tokens + usage.output_tokens;
        if sink(Event::Usage(usage)) == Flow::Stop {
            return Ok(());
        }
        for (id, name, json) in tools.into_values() {
            let call = ToolCall {
                id,
                name,
                arguments: parse_arguments(&json),
                thought_signature: None,
            };
            if sink(Event::ToolCall(call)) == Flow::Stop {
                break;
            }
        }
        Ok(())
    }

    fn list_models(&self) -> Result<Vec<String>, ProviderError> {
        let mut resp = self
            .http
            .get(self.url("/v1/models"))
            .header("x-api-key", &self.key)
            .header("anthropic-version", VERSION)
            .call()
            .map_err(|e| transport_error("anthropic", e))?;
        if !resp.status().is_success() {
            return Err(status_error("anthropic", &mut resp));
        }
        let v = crate::net::read_json(&mut resp)
            .map_err(|e| ProviderError::new(format!("anthropic: bad models list: {e}")))?;
        Ok(v["data"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["id"].as_str().map(str::to_string))
            .collect())
    }
}
