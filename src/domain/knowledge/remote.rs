//! Remote embedders: the AI area's providers (OpenAI-compatible `/embeddings`, Ollama's native
//! `/api/embed`, Gemini `batchEmbedContents`) behind the knowledge `Embedder` interface. Each
//! call is recorded in the AI logs under `embeddings`. The vector size is learned from the
//! provider once (a one-input probe) and becomes part of the model id, so a provider, model or
//! dimension change is a new model and triggers the background re-embed.
use super::embed::{EmbedError, Embedder, normalise};
use crate::ai::{Provider, calls, config};
use crate::settings::store::get_string;
use crate::state::AppState;
use std::time::Duration;

pub const PROVIDERS: &[&str] = &["openai", "ollama", "gemini", "openrouter"];

/// Inputs per request: under every vendor's batch limit (Gemini allows 100).
const BATCH: usize = 64;
const ATTEMPTS: u32 = 3;

pub struct Remote {
    state: AppState,
    provider: Box<dyn Provider>,
    model: String,
    dims: usize,
    id: String,
}

/// The configured remote embedder, or why it cannot be used (a missing key, a failing probe).
pub fn build(state: &AppState, name: &str) -> Result<Remote, EmbedError> {
    let base_key = match name {
        "openai" => Some("openai_base_url"),
        "ollama" => Some("ollama_base_url"),
        "gemini" => Some("gemini_base_url"),
        _ => None,
    };
    let (configured, base) = state
        .db
        .read_blocking(|c| -> anyhow::Result<_> {
            let configured = config::embedder(c, &state.secrets, &state.http.trusted)?;
            let base = match base_key {
                Some(k) => get_string(c, &state.secrets, k)?.unwrap_or_default(),
                None => String::new(),
            };
            Ok((configured, base))
        })
        .map_err(EmbedError::Store)?;
    let (provider, model) = configured.map_err(|e| EmbedError::NotConfigured(e.to_string()))?;
    let key = format!("{name}|{base}|{model}");
    let known = state
        .embed_dims
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
        .copied();
    let mut r = Remote {
        state: state.clone(),
        provider,
        id: String::new(),
        model,
        dims: known.unwrap_or(0),
    };
    if known.is_none() {
        let probe = r.call(&["dimension probe".to_string()])?;
        let dims = probe.first().map(Vec::len).unwrap_or(0);
        if dims == 0 || dims > super::index_store::MAX_DIMS {
            return Err(EmbedError::Provider(format!(
                "{name} returned a {dims}-dimensional embedding for {}",
                r.model
            )));
        }
        r.dims = dims;
        state
            .embed_dims
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, dims);
    }
    r.id = format!("{name}:{}:{}", r.model, r.dims);
    Ok(r)
}

impl Remote {
    /// One request, retried on 429/5xx/connection errors with a short backoff.
    fn call(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match calls::embed_with(
                &self.state,
                self.provider.as_ref(),
                &self.model,
                None,
                texts,
            ) {
                Ok(v) => return Ok(v),
                Err(calls::CallError::Provider(m)) if attempt < ATTEMPTS && retryable(&m) => {
                    std::thread::sleep(Duration::from_millis(250 * u64::from(attempt)));
                }
                Err(e) => return Err(EmbedError::Provider(e.to_string())),
            }
        }
    }
}

/// `calls` reports provider failures as text; these are the transient ones.
fn retryable(message: &str) -> bool {
    message.contains("unreachable") || message.contains("answered 429") || {
        message
            .split("answered 5")
            .nth(1)
            .is_some_and(|rest| rest.len() >= 2 && rest[..2].chars().all(|c| c.is_ascii_digit()))
    }
}

impl Embedder for Remote {
    fn model_id(&self) -> &str {
        &self.id
    }

    fn embed(&self, texts: &[&str]) -> anyhow::Result<Vec<Vec<f32>>> {
        let mut out = Vec::with_capacity(texts.len());
        for batch in texts.chunks(BATCH) {
            let owned: Vec<String> = batch.iter().map(|t| t.to_string()).collect();
            let vectors = self.call(&owned)?;
            if vectors.len() != batch.len() {
                return Err(EmbedError::Provider(format!(
                    "{} returned {} embeddings for {} inputs",
                    self.provider.name(),
                    vectors.len(),
                    batch.len()
                ))
                .into());
            }
            for mut v in vectors {
                if v.len() != self.dims {
                    return Err(EmbedError::Provider(format!(
                        "{} returned a {}-dimensional embedding; {} was expected",
                        self.provider.name(),
                        v.len(),
                        self.dims
                    ))
                    .into());
                }
                normalise(&mut v);
                out.push(v);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn server_errors_and_rate_limits_are_retried_client_errors_are_not() {
        assert!(super::retryable("openai answered 500: boom"));
        assert!(super::retryable("openai answered 429: slow down"));
        assert!(super::retryable("ollama is unreachable: refused"));
        assert!(!super::retryable("openai answered 401: bad key"));
    }
}
