//! The provider wire formats: OpenAI images (and servers speaking it), Gemini Imagen `:predict`,
//! Gemini Veo `:predictLongRunning` polled until done then downloaded. Runs on worker threads
//! (blocking ureq). Transient failures (429, 5xx, connection errors) are retried here; content
//! policy refusals and other 4xx answers are not.
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::Duration;

/// A provider as a client needs it (the key opened).
pub struct Config {
    pub name: String,
    pub kind: String,
    pub base_url: String,
    pub api_key: Option<String>,
    pub model: String,
    pub defaults: Value,
}

pub struct Ask<'a> {
    pub prompt: &'a str,
    pub aspect: &'a str,
}

/// Limits of one generation: the size cap and where a large download is spooled.
pub struct Limits {
    pub max_bytes: u64,
    pub spool: PathBuf,
}

/// What a provider delivered: bytes in memory (images) or a spooled file (videos).
pub enum Output {
    Bytes {
        bytes: Vec<u8>,
        mime: String,
        /// Tokens the provider reported (gpt-image-1 answers `usage`).
        usage: Option<crate::ai::Usage>,
    },
    File {
        path: PathBuf,
        size: u64,
        sha256: String,
        mime: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Transient(String),
    #[error("{0}")]
    Failed(String),
    #[error("{0}")]
    TooLarge(String),
}

pub(super) type Resp = ureq::http::Response<ureq::Body>;

impl Config {
    pub(super) fn say(&self, msg: impl std::fmt::Display) -> String {
        format!("{} ({}): {msg}", self.name, self.kind)
    }

    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url.trim_end_matches('/'))
    }

    pub(super) fn auth(
        &self,
        r: ureq::RequestBuilder<ureq::typestate::WithBody>,
    ) -> ureq::RequestBuilder<ureq::typestate::WithBody> {
        match (&self.api_key, self.kind.starts_with("gemini")) {
            (Some(k), true) => r.header("x-goog-api-key", k),
            (Some(k), false) => r.header("authorization", &format!("Bearer {k}")),
            (None, _) => r,
        }
    }

    pub(super) fn auth_get(
        &self,
        r: ureq::RequestBuilder<ureq::typestate::WithoutBody>,
    ) -> ureq::RequestBuilder<ureq::typestate::WithoutBody> {
        match (&self.api_key, self.kind.starts_with("gemini")) {
            (Some(k), true) => r.header("x-goog-api-key", k),
            (Some(k), false) => r.header("authorization", &format!("Bearer {k}")),
            (None, _) => r,
        }
    }

    /// The configured defaults without the client's own keys (`poll_interval_ms`).
    pub(super) fn extra(&self) -> serde_json::Map<String, Value> {
        let mut m = self.defaults.as_object().cloned().unwrap_or_default();
        m.remove("poll_interval_ms");
        m.remove("max_poll_secs");
        m
    }
}

/// Send with retries on transient failures (3 attempts, honouring a short Retry-After).
pub(super) fn send(
    cfg: &Config,
    what: &str,
    mut go: impl FnMut() -> Result<Resp, ureq::Error>,
) -> Result<Resp, GenError> {
    let mut last = String::new();
    for attempt in 0..3u32 {
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis(400 * 2u64.pow(attempt)));
        }
        match go() {
            Ok(mut r) if r.status().as_u16() == 429 || r.status().is_server_error() => {
                let wait = crate::net::retry_after(&r).unwrap_or(Duration::ZERO);
                last = cfg.say(format!(
                    "{what}: HTTP {} {}",
                    r.status().as_u16(),
                    message(&mut r)
                ));
                if wait > Duration::from_secs(10) {
                    break;
                }
                std::thread::sleep(wait);
            }
            Ok(r) => return Ok(r),
            Err(e) => last = cfg.say(format!("{what}: {e}")),
        }
    }
    Err(GenError::Transient(last))
}

/// The provider's own error message (`{error: {message}}` in both APIs), else the body.
pub(super) fn message(r: &mut Resp) -> String {
    let text = crate::net::read_text(r, 64 * 1024).unwrap_or_default();
    serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
        .unwrap_or_else(|| text.chars().take(300).collect())
}

/// A non-success answer: content-policy refusals are told apart from other failures.
pub(super) fn refusal(cfg: &Config, what: &str, mut r: Resp) -> GenError {
    let status = r.status().as_u16();
    let text = crate::net::read_text(&mut r, 64 * 1024).unwrap_or_default();
    let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let msg = v["error"]["message"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| text.chars().take(300).collect());
    let code = format!("{} {}", v["error"]["code"], v["error"]["status"]).to_lowercase();
    let lower = msg.to_lowercase();
    if code.contains("content_policy")
        || code.contains("moderation")
        || lower.contains("safety system")
        || lower.contains("content policy")
        || lower.contains("safety filter")
    {
        GenError::Refused(cfg.say(format!("refused by the content policy: {msg}")))
    } else {
        GenError::Failed(cfg.say(format!("{what}: HTTP {status}: {msg}")))
    }
}

pub(super) fn read_body(cfg: &Config, r: &mut Resp, limit: u64) -> Result<Value, GenError> {
    let text = crate::net::read_text(r, limit).map_err(|e| {
        GenError::TooLarge(cfg.say(format!(
            "the answer is larger than the asset size cap or unreadable: {e}"
        )))
    })?;
    serde_json::from_str(&text)
        .map_err(|e| GenError::Failed(cfg.say(format!("unreadable answer: {e}"))))
}

/// OpenAI image sizes closest to an aspect ratio (dall-e-3 and gpt-image-1 differ).
fn openai_size(model: &str, aspect: &str) -> &'static str {
    let wide = matches!(aspect, "16:9" | "4:3");
    let tall = matches!(aspect, "9:16" | "4:5" | "3:4");
    match (model.starts_with("dall-e-3"), wide, tall) {
        (true, true, _) => "1792x1024",
        (true, _, true) => "1024x1792",
        (false, true, _) => "1536x1024",
        (false, _, true) => "1024x1536",
        _ => "1024x1024",
    }
}

/// Imagen and Veo take 1:1, 3:4, 4:3, 9:16 and 16:9; 4:5 is served as 3:4.
pub(super) fn gemini_aspect(aspect: &str) -> &str {
    if aspect == "4:5" { "3:4" } else { aspect }
}

pub fn generate(
    agent: &ureq::Agent,
    cfg: &Config,
    ask: &Ask,
    lim: &Limits,
) -> Result<Output, GenError> {
    // Base64 grows bytes by 4/3; JSON adds little.
    let json_limit = lim.max_bytes * 4 / 3 + 64 * 1024;
    match cfg.kind.as_str() {
        "openai_images" | "openai_compatible_images" => {
            let mut body = json!({"model": cfg.model, "prompt": ask.prompt, "n": 1,
                "size": openai_size(&cfg.model, ask.aspect)});
            if cfg.model.starts_with("dall-e") {
                body["response_format"] = json!("b64_json");
            }
            for (k, v) in cfg.extra() {
                body[k] = v;
            }
            let url = cfg.url("/images/generations");
            let mut r = send(cfg, "images/generations", || {
                cfg.auth(agent.post(&url)).send_json(&body)
            })?;
            if !r.status().is_success() {
                return Err(refusal(cfg, "images/generations", r));
            }
            let v = read_body(cfg, &mut r, json_limit)?;
            let item = &v["data"][0];
            if let Some(b64) = item["b64_json"].as_str() {
                let bytes = STANDARD.decode(b64).map_err(|e| {
                    GenError::Failed(cfg.say(format!("b64_json is not base64: {e}")))
                })?;
                let mime = sniff(&bytes);
                let usage = v["usage"]["total_tokens"]
                    .as_u64()
                    .map(|total| crate::ai::Usage {
                        input_tokens: v["usage"]["input_tokens"].as_u64().unwrap_or(0),
                        output_tokens: v["usage"]["output_tokens"].as_u64().unwrap_or(0),
                        total_tokens: total,
                    });
                Ok(Output::Bytes { bytes, mime, usage })
            } else if let Some(u) = item["url"].as_str() {
                super::clients_veo::download(agent, cfg, u, lim, false)
            } else {
                Err(GenError::Failed(cfg.say(
                    "the answer has neither data[0].b64_json nor data[0].url",
                )))
            }
        }
        "gemini_imagen" => {
            let mut params = json!({"sampleCount": 1, "aspectRatio": gemini_aspect(ask.aspect)});
            for (k, v) in cfg.extra() {
                params[k] = v;
            }
            let body = json!({"instances": [{"prompt": ask.prompt}], "parameters": params});
            let url = cfg.url(&format!("/v1beta/models/{}:predict", cfg.model));
            let mut r = send(cfg, ":predict", || {
                cfg.auth(agent.post(&url)).send_json(&body)
            })?;
            if !r.status().is_success() {
                return Err(refusal(cfg, ":predict", r));
            }
            let v = read_body(cfg, &mut r, json_limit)?;
            let Some(p) = v["predictions"].as_array().and_then(|a| a.first()) else {
                return Err(GenError::Refused(cfg.say(
                    "refused by the content policy: no image was returned (filtered by the provider's safety filters)",
                )));
            };
            if let Some(reason) = p["raiFilteredReason"].as_str() {
                return Err(GenError::Refused(
                    cfg.say(format!("refused by the content policy: {reason}")),
                ));
            }
            let bytes = STANDARD
                .decode(p["bytesBase64Encoded"].as_str().unwrap_or_default())
                .map_err(|e| {
                    GenError::Failed(cfg.say(format!("bytesBase64Encoded is not base64: {e}")))
                })?;
            if bytes.is_empty() {
                return Err(GenError::Failed(
                    cfg.say("the prediction has no bytesBase64Encoded"),
                ));
            }
            let mime = p["mimeType"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| sniff(&bytes));
            Ok(Output::Bytes {
                bytes,
                mime,
                usage: None,
            })
        }
        "gemini_veo" => super::clients_veo::veo(agent, cfg, ask, lim),
        other => Err(GenError::Failed(
            cfg.say(format!("unknown provider type {other}")),
        )),
    }
}

/// The mime type from the first bytes (PNG, JPEG, WebP, GIF), PNG when unknown.
pub fn sniff(b: &[u8]) -> String {
    match b {
        [0xff, 0xd8, ..] => "image/jpeg",
        [b'G', b'I', b'F', ..] => "image/gif",
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => "image/webp",
        _ => "image/png",
    }
    .into()
}

/// Check credentials with the cheapest call each API has: the model list (OpenAI) or the
/// model's own metadata (Gemini). Answers a short description of what was found.
pub fn test(agent: &ureq::Agent, cfg: &Config) -> Result<String, String> {
    let url = match cfg.kind.as_str() {
        "gemini_imagen" | "gemini_veo" => cfg.url(&format!("/v1beta/models/{}", cfg.model)),
        _ => cfg.url("/models"),
    };
    let mut r = cfg
        .auth_get(agent.get(&url))
        .call()
        .map_err(|e| cfg.say(format!("unreachable: {e}")))?;
    let status = r.status().as_u16();
    if !r.status().is_success() {
        return Err(cfg.say(format!("HTTP {status}: {}", message(&mut r))));
    }
    let v = read_body(cfg, &mut r, 4 * 1024 * 1024).map_err(|e| e.to_string())?;
    Ok(match v["data"].as_array() {
        Some(models) => {
            let has = models
                .iter()
                .any(|m| m["id"].as_str() == Some(cfg.model.as_str()));
            format!(
                "credentials accepted; {} models listed{}",
                models.len(),
                if has || cfg.model.is_empty() {
                    String::new()
                } else {
                    format!(", {} not among them", cfg.model)
                }
            )
        }
        None => format!(
            "credentials accepted; model {} found",
            v["name"].as_str().unwrap_or(&cfg.model)
        ),
    })
}
