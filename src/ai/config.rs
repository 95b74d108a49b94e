//! Which provider serves a call: built from the settings (keys, base URLs, defaults). The offline
//! `local` provider is the default while nothing else is configured.
use super::Provider;
use super::anthropic::Anthropic;
use super::gemini::Gemini;
use super::local::Local;
use super::openai_compat::OpenAiCompat;
use crate::crypto::SecretBox;
use crate::settings::store::get_string;
use rusqlite::Connection;

/// Why a provider cannot serve a call, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unusable {
    /// A name that is none of `PROVIDERS`: the caller's mistake.
    #[error("{0}")]
    Unknown(String),
    /// A provider this server knows but cannot use as configured (no key, no model installed,
    /// not able to do what is asked): an admin can change that.
    #[error("{0}")]
    NotConfigured(String),
}

pub const PROVIDERS: &[&str] = &[
    "local",
    "local-llm",
    "openai",
    "anthropic",
    "gemini",
    "ollama",
    "openrouter",
];

pub const OPENAI_BASE: &str = "https://api.openai.com/v1";
pub const ANTHROPIC_BASE: &str = "https://api.anthropic.com";
pub const GEMINI_BASE: &str = "https://generativelanguage.googleapis.com";
pub const OLLAMA_BASE: &str = "http://127.0.0.1:11434";
pub const OPENROUTER_BASE: &str = "https://openrouter.ai/api/v1";

/// A provider with the model to ask it for, or what the admin still has to configure.
pub type Resolved = Result<(Box<dyn Provider>, String), Unusable>;

/// Build a provider by name, or say precisely what is missing.
pub fn build(
    c: &Connection,
    secrets: &SecretBox,
    http: &ureq::Agent,
    name: &str,
) -> anyhow::Result<Result<Box<dyn Provider>, Unusable>> {
    let get = |k: &str| get_string(c, secrets, k);
    let missing = |key: &str| {
        Err(Unusable::NotConfigured(format!(
            "{name} is not configured: set {key} in Settings"
        )))
    };
    let http = http.clone();
    Ok(Ok(match name {
        "local" => Box::new(Local),
        "local-llm" => match local_llm(c, secrets)? {
            Ok(p) => p,
            Err(e) => return Ok(Err(e)),
        },
        "openai" => {
            let base = get("openai_base_url")?;
            let key = get("openai_api_key")?;
            // A custom base URL (LM Studio, vLLM, llama.cpp…) may need no key.
            if key.is_none() && base.is_none() {
                return Ok(missing("openai_api_key"));
            }
            Box::new(OpenAiCompat {
                label: "openai".into(),
                base: base.unwrap_or_else(|| OPENAI_BASE.into()),
                key,
                default_model: "gpt-4o-mini".into(),
                http,
            })
        }
        "openrouter" => {
            let Some(key) = get("openrouter_api_key")? else {
                return Ok(missing("openrouter_api_key"));
            };
            Box::new(OpenAiCompat {
                label: "openrouter".into(),
                base: OPENROUTER_BASE.into(),
                key: Some(key),
                default_model: "openai/gpt-4o-mini".into(),
                http,
            })
        }
        "ollama" => Box::new(OpenAiCompat {
            label: "ollama".into(),
            base: format!(
                "{}/v1",
                get("ollama_base_url")?
                    .unwrap_or_else(|| OLLAMA_BASE.into())
                    .trim_end_matches('/')
            ),
            key: None,
            default_model: "llama3.2".into(),
            http,
        }),
        "anthropic" => {
            let Some(key) = get("anthropic_api_key")? else {
                return Ok(missing("anthropic_api_key"));
            };
            Box::new(Anthropic {
                base: get("anthropic_base_url")?.unwrap_or_else(|| ANTHROPIC_BASE.into()),
                key,
                http,
            })
        }
        "gemini" => {
            let Some(key) = get("gemini_api_key")? else {
                return Ok(missing("gemini_api_key"));
            };
            Box::new(Gemini {
                base: get("gemini_base_url")?.unwrap_or_else(|| GEMINI_BASE.into()),
                key,
                http,
            })
        }
        other => {
            return Ok(Err(Unusable::Unknown(format!(
                "unknown provider {other:?}; use one of {}",
                PROVIDERS.join(", ")
            ))));
        }
    }))
}

/// The provider and model for a chat call: explicit choice, else the configured default, else local.
pub fn resolve_chat(
    c: &Connection,
    secrets: &SecretBox,
    http: &ureq::Agent,
    provider: Option<&str>,
    model: Option<&str>,
) -> anyhow::Result<Resolved> {
    let default = default_provider(c, secrets)?;
    let name = provider.filter(|p| !p.is_empty()).unwrap_or(&default);
    let p = match build(c, secrets, http, name)? {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let model = match model.filter(|m| !m.trim().is_empty()) {
        Some(m) => m.trim().to_string(),
        None if name == default => {
            get_string(c, secrets, "default_model")?.unwrap_or_else(|| p.default_model())
        }
        None => p.default_model(),
    };
    Ok(Ok((p, model)))
}

/// The `default_provider` setting, else the offline default below.
pub fn default_provider(c: &Connection, secrets: &SecretBox) -> anyhow::Result<String> {
    Ok(match get_string(c, secrets, "default_provider")? {
        Some(d) => d,
        None => offline_default(c, secrets)?.into(),
    })
}

/// With no provider chosen: the in-process model when one is installed, else the deterministic
/// offline provider.
fn offline_default(c: &Connection, secrets: &SecretBox) -> anyhow::Result<&'static str> {
    #[cfg(feature = "minilm")]
    if let Some(dir) = super::local_llm::catalog::data_dir_of(c) {
        let chosen = get_string(c, secrets, "local_llm_model")?;
        if super::local_llm::catalog::active(&dir, chosen.as_deref()).is_some() {
            return Ok("local-llm");
        }
    }
    let _ = (c, secrets);
    Ok("local")
}

/// A number setting, or its default when unset or unreadable.
#[cfg(feature = "minilm")]
fn number(c: &Connection, secrets: &SecretBox, key: &str, default: f64) -> anyhow::Result<f64> {
    Ok(get_string(c, secrets, key)?
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0)
        .unwrap_or(default))
}

/// The in-process model provider, or why it cannot run.
#[cfg(feature = "minilm")]
fn local_llm(
    c: &Connection,
    secrets: &SecretBox,
) -> anyhow::Result<Result<Box<dyn Provider>, Unusable>> {
    use super::local_llm::{LocalLlm, Settings, catalog, runtime::Tuning};
    let Some(data_dir) = catalog::data_dir_of(c) else {
        return Ok(Err(Unusable::NotConfigured(
            "local-llm needs a database file beside its models".into(),
        )));
    };
    let chosen = get_string(c, secrets, "local_llm_model")?;
    let Some(active) = catalog::active(&data_dir, chosen.as_deref()) else {
        return Ok(Err(Unusable::NotConfigured(format!(
            "local-llm has no model installed: run `neuromancer models pull smollm2-135m` (or {}) or download one in Settings",
            catalog::CATALOG
                .iter()
                .skip(1)
                .map(|s| s.name)
                .collect::<Vec<_>>()
                .join(", ")
        ))));
    };
    let n = |k: &str, d: f64| number(c, secrets, k, d);
    let settings = Settings {
        tuning: Tuning {
            idle: std::time::Duration::from_secs_f64(n("local_llm_idle_seconds", 600.0)?.max(0.05)),
            threads: n("local_llm_threads", 0.0)? as usize,
            context: n("local_llm_context", 4096.0)? as usize,
        },
        temperature: n("local_llm_temperature", 0.7)?.min(2.0),
        top_p: n("local_llm_top_p", 0.9)?.min(1.0),
        repeat_penalty: n("local_llm_repeat_penalty", 1.1)?.clamp(1.0, 2.0) as f32,
        max_tokens: (n("local_llm_max_tokens", 1024.0)? as usize).max(1),
    };
    Ok(Ok(Box::new(LocalLlm {
        data_dir,
        active,
        settings,
    })))
}

#[cfg(not(feature = "minilm"))]
fn local_llm(_: &Connection, _: &SecretBox) -> anyhow::Result<Result<Box<dyn Provider>, Unusable>> {
    Ok(Err(Unusable::NotConfigured(
        "this build has no local-llm (built without the minilm feature)".into(),
    )))
}

/// The OpenAI-compatible transcription service, if one is configured.
pub fn transcriber(
    c: &Connection,
    secrets: &SecretBox,
    http: &ureq::Agent,
) -> anyhow::Result<Resolved> {
    let none = "no transcription provider is configured: set transcription_provider (openai, openrouter) and its key in Settings";
    let Some(name) = get_string(c, secrets, "transcription_provider")? else {
        return Ok(Err(Unusable::NotConfigured(none.into())));
    };
    if !matches!(name.as_str(), "openai" | "openrouter") {
        return Ok(Err(Unusable::NotConfigured(format!(
            "{name} cannot transcribe here; use an OpenAI-compatible transcription_provider (openai, openrouter)"
        ))));
    }
    let p = match build(c, secrets, http, &name)? {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let model =
        get_string(c, secrets, "transcription_model")?.unwrap_or_else(|| "whisper-1".into());
    Ok(Ok((p, model)))
}

/// The embedding provider and model (local hashing embedder unless configured).
pub fn embedder(
    c: &Connection,
    secrets: &SecretBox,
    http: &ureq::Agent,
) -> anyhow::Result<Resolved> {
    // The knowledge area also reads `embedding_provider` (auto | hashing for its own embedder):
    // any value that is not a remote provider means the offline embedder here.
    let name = get_string(c, secrets, "embedding_provider")?
        .filter(|p| matches!(p.as_str(), "openai" | "gemini" | "ollama" | "openrouter"))
        .unwrap_or_else(|| "local".into());
    let p = match build(c, secrets, http, &name)? {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let model = get_string(c, secrets, "embedding_model")?.unwrap_or_else(|| match name.as_str() {
        "local" => super::local::EMBED_MODEL.into(),
        "gemini" => "text-embedding-004".into(),
        "ollama" => "nomic-embed-text".into(),
        _ => "text-embedding-3-small".into(),
    });
    Ok(Ok((p, model)))
}
