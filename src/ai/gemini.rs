//! Google Gemini `:streamGenerateContent?alt=sse`: function calls arrive whole (no ids), finishReason
//! is STOP even for tool calls, usageMetadata may come in any chunk; thoughtSignature is echoed back.
use super::sse::read_frames;
use super::*;
use serde_json::json;

pub struct Gemini {
    pub base: String,
    pub key: String,
    pub http: ureq::Agent,
}

impl Gemini {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base.trim_end_matches('/'))
    }

    fn body(&self, req: &ChatRequest) -> Value {
        let mut contents: Vec<Value> = Vec::new();
        for m in &req.messages {
            let (role, parts) = match m.role {
                Role::User => {
                    let mut parts = vec![json!({"text": m.content})];
                    parts.extend(
                        m.images.iter().map(
                            |i| json!({"inlineData": {"mimeType": i.mime, "data": i.data_b64}}),
                        ),
                    );
                    ("user", parts)
                }
                Role::Assistant => {
                    let mut parts = Vec::new();
                    if !m.content.is_empty() {
                        parts.push(json!({"text": m.content}));
                    }
                    for c in &m.tool_calls {
                        let mut p = json!({"functionCall": {"name": c.name, "args": c.arguments}});
                        if let Some(sig) = &c.thought_signature {
                            p["thoughtSignature"] = json!(sig);
                        }
                        parts.push(p);
                    }
                    ("model", parts)
                }
                Role::Tool => {
                    // The response must be an object: wrap text results.
                    let response = serde_json::from_str::<Value>(&m.content)
                        .ok()
                        .filter(Value::is_object)
                        .unwrap_or_else(|| json!({"result": m.content}));
                    (
                        "user",
                        vec![
                            json!({"functionResponse": {"name": m.tool_name, "response": response}}),
                        ],
                    )
                }
            };
            match contents.last_mut() {
                Some(last) if last["role"] == role && m.role == Role::Tool => {
                    if let Some(arr) = last["parts"].as_array_mut() {
                        arr.extend(parts);
                    }
                }
                _ => contents.push(json!({"role": role, "parts": parts})),
            }
        }
        let mut body = json!({
            "contents": contents,
            "generationConfig": {"maxOutputTokens": req.max_tokens},
        });
        if let Some(t) = req.temperature {
            body["generationConfig"]["temperature"] = json!(t);
        }
        if !req.system.is_empty() {
            body["systemInstruction"] = json!({"parts": [{"text": req.system}]});
        }
        if !req.tools.is_empty() {
            body["tools"] = json!([{"functionDeclarations": req.tools.iter().map(|t| json!({
                "name": t.name, "description": t.description, "parameters": t.parameters
            })).collect::<Vec<_>>()}]);
        }
        body
    }
}

impl Provider for Gemini {
    fn name(&self) -> &str {
        "gemini"
    }

    fn default_model(&self) -> String {
        "gemini-2.5-flash".into()
    }

    fn chat(&self, req: &ChatRequest, sink: Sink) -> Result<(), ProviderError> {
        let model = req.model.trim_start_matches("models/");
        let mut resp = streaming(self.http.post(self.url(&format!(
            "/v1beta/models/{model}:streamGenerateContent?alt=sse"
        ))))
        .header("x-goog-api-key", &self.key)
        .send_json(self.body(req))
        .map_err(|e| transport_error("gemini", e))?;
        if !resp.status().is_success() {
            return Err(status_error("gemini", &mut resp));
        }
        let mut calls = Vec::new();
        let mut usage = None;
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
            if let Some(msg) = error_message(&v) {
                failure = Some(ProviderError::new(format!(
                    "gemini failed mid-stream: {msg}"
                )));
                return false;
            }
            if let Some(u) = v.get("usageMetadata") {
                let input = u["promptTokenCount"].as_u64().unwrap_or(0);
                let output = u["candidatesTokenCount"].as_u64().unwrap_or(0);
                usage = Some(Usage {
                    input_tokens: input,
                    output_tokens: output,
                    total_tokens: u["totalTokenCount"].as_u64().unwrap_or(input + output),
                });
            }
            let parts = v["candidates"][0]["content"]["parts"].as_array();
            for part in parts.into_iter().flatten() {
                if let Some(t) = part["text"].as_str() {
                    // Thought summaries are not part of the answer.
                    if !t.is_empty()
                        && part["thought"] != true
                        && sink(Event::Text(t.to_string())) == Flow::Stop
                    {
                        stopped = true;
                        return false;
                    }
                }
                if let Some(fc) = part.get("functionCall") {
                    calls.push(ToolCall {
                        id: format!("call_{}", calls.len()),
                        name: fc["name"].as_str().unwrap_or_default().to_string(),
                        arguments: fc.get("args").cloned().unwrap_or_else(|| json!({})),
                        thought_signature: part["thoughtSignature"].as_str().map(str::to_string),
                    });
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
        read.map_err(|e| ProviderError::new(format!("gemini stream broke: {e}")))?;
        if let Some(u) = usage
            && sink(Event::Usage(u)) == Flow::Stop
        {
            return Ok(());
        }
        for call in calls {
            if sink(Event::ToolCall(call)) == Flow::Stop {
                break;
            }
        }
        Ok(())
    }

    fn list_models(&self) -> Result<Vec<String>, ProviderError> {
        let mut resp = self
            .http
            .get(self.url("/v1beta/models"))
            .header("x-goog-api-key", &self.key)
            .call()
            .map_err(|e| transport_error("gemini", e))?;
        if !resp.status().is_success() {
            return Err(status_error("gemini", &mut resp));
        }
        let v = crate::net::read_json(&mut resp)
            .map_err(|e| ProviderError::new(format!("gemini: bad models list: {e}")))?;
        Ok(v["models"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["name"].as_str())
            .map(|n| n.trim_start_matches("models/").to_string())
            .collect())
    }

    fn embed(&self, model: &str, inputs: &[String]) -> Result<EmbedResult, ProviderError> {
        let model = model.trim_start_matches("models/");
        let requests: Vec<Value> = inputs
            .iter()
            .map(|t| json!({"model": format!("models/{model}"), "content": {"parts": [{"text": t}]}}))
            .collect();
        let mut resp = self
            .http
            .post(self.url(&format!("/v1beta/models/{model}:batchEmbedContents")))
            .header("x-goog-api-key", &self.key)
            .send_json(json!({ "requests": requests }))
            .map_err(|e| transport_error("gemini", e))?;
        if !resp.status().is_success() {
            return Err(status_error("gemini", &mut resp));
        }
        let v = crate::net::read_json(&mut resp)
            .map_err(|e| ProviderError::new(format!("gemini: bad embeddings: {e}")))?;
        let vectors = v["embeddings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                e["values"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|x| x.as_f64().map(|f| f as f32))
                    .collect()
            })
            .collect();
        let tokens = inputs.iter().map(|t| estimate_tokens(t)).sum();
        Ok(EmbedResult {
            vectors,
            usage: Usage {
                input_tokens: tokens,
                output_tokens: 0,
                total_tokens: tokens,
            },
        })
    }
}
