//! Embedders: one interface, several implementations. The built-in hashing embedder needs no
//! download and is deterministic (the same text gives the same vector on every machine), so
//! search always works offline; neural models are used instead whenever they are installed.
use std::sync::Arc;

/// Dimensions of the built-in embedders (the migration's vec0 tables are `float[384]`; other
/// sizes from remote providers get their own tables, see `index::vec_tables`).
pub const DIMS: usize = crate::db::ann::DIMS;

pub trait Embedder: Send + Sync {
    /// Tag stored with each vector; vectors of different models are never compared.
    fn model_id(&self) -> &str;
    /// One L2-normalised vector of `DIMS` floats per text.
    fn embed(&self, texts: &[&str]) -> anyhow::Result<Vec<Vec<f32>>>;
}

pub const HASHING_MODEL: &str = "hashing-v1";

/// Feature hashing of word unigrams, bigrams and character trigrams into 384 signed buckets,
/// with sublinear term frequency. A bag-of-words model: good at exact vocabulary overlap,
/// blind to synonyms (which is what the neural embedder and the hybrid fusion are for).
pub struct HashingEmbedder;

fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Lowercased alphanumeric words: the same tokenisation the snippets and the bench use.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
}

/// A light suffix stripper so "embeddings" and "embedding" land in the same bucket.
fn stem(w: &str) -> &str {
    for suf in ["ing", "ies", "es", "ed", "ly", "s"] {
        if w.len() > suf.len() + 3 && w.ends_with(suf) {
            return &w[..w.len() - suf.len()];
        }
    }
    w
}

const STOP: &[&str] = &[
    "the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "is", "are", "was", "be", "it",
    "this", "that", "with", "as", "at", "by", "from", "we", "you", "i", "our", "your",
];

impl HashingEmbedder {
    pub fn embed_one(text: &str) -> Vec<f32> {
        let mut v = vec![0f32; DIMS];
        let mut add = |feature: &[u8], weight: f32| {
            let h = fnv1a(feature, 0x9e37_79b9);
            let idx = (h % DIMS as u64) as usize;
            let sign = if (h >> 32) & 1 == 0 { 1.0 } else { -1.0 };
            v[idx] += sign * weight;
        };
        let toks: Vec<String> = words(text)
            .filter(|w| !STOP.contains(&w.as_str()))
            .map(|w| stem(&w).to_string())
            .collect();
        for t in &toks {
            add(t.as_bytes(), 1.0);
            let padded: Vec<char> = format!("^{t}$").chars().collect();
            for tri in padded.windows(3) {
                let s: String = tri.iter().collect();
                add(format!("#{s}").as_bytes(), 0.25);
            }
        }
        for pair in toks.windows(2) {
            add(format!("{} {}", pair[0], pair[1]).as_bytes(), 0.5);
        }
        // Sublinear tf: dampen repeated features, then normalise.
        for x in v.iter_mut() {
            *x = x.signum() * (1.0 + x.abs()).ln();
        }
        normalise(&mut v);
        v
    }
}

pub fn normalise(v: &mut [f32]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        for x in v.iter_mut() {
            *x /= n;
        }
    }
}

impl Embedder for HashingEmbedder {
    fn model_id(&self) -> &str {
        HASHING_MODEL
    }
    fn embed(&self, texts: &[&str]) -> anyhow::Result<Vec<Vec<f32>>> {
        Ok(texts.iter().map(|t| Self::embed_one(t)).collect())
    }
}

/// Little-endian f32 bytes, the blob format vec0 accepts.
pub fn to_blob(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// Why no vectors could be made: the stored configuration (409), the provider (502), or the
/// store while reading the configuration (a busy database stays 503).
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("{0}")]
    NotConfigured(String),
    #[error("the embedding provider failed: {0}")]
    Provider(String),
    #[error(transparent)]
    Store(anyhow::Error),
}

impl From<EmbedError> for crate::error::ApiError {
    fn from(e: EmbedError) -> Self {
        use crate::error::ApiError;
        match e {
            EmbedError::NotConfigured(m) => ApiError::Conflict(m),
            e @ EmbedError::Provider(_) => ApiError::BadGateway(e.to_string()),
            EmbedError::Store(e) => e.into(),
        }
    }
}

/// An API error for a failure that may come from the embedder: a clear 409/502, never a 500.
pub fn api_error(e: anyhow::Error) -> crate::error::ApiError {
    match e.downcast::<EmbedError>() {
        Ok(e) => e.into(),
        Err(e) => e.into(),
    }
}

/// The embedder configured for this deployment (`embedding_provider`): `auto` (the default) is
/// the local MiniLM model when its files are installed, otherwise hashing; `minilm` and the
/// remote providers are used as asked or reported as not configured.
pub fn configured(state: &crate::state::AppState) -> Result<Arc<dyn Embedder>, EmbedError> {
    let provider = state
        .db
        .read_blocking(|c| {
            crate::settings::store::get_string(c, &state.secrets, "embedding_provider")
        })
        .ok()
        .flatten()
        .unwrap_or_default();
    let provider = provider.trim().to_ascii_lowercase();
    match provider.as_str() {
        "hashing" => Ok(Arc::new(HashingEmbedder)),
        "minilm" => super::local_model(state).ok_or_else(|| {
            EmbedError::NotConfigured(
                "embedding_provider is minilm but the model is not installed: run `neuromancer models pull minilm`".into(),
            )
        }),
        "" | "auto" => {
            Ok(super::local_model(state).unwrap_or_else(|| Arc::new(HashingEmbedder)))
        }
        p if super::remote::PROVIDERS.contains(&p) => {
            Ok(Arc::new(super::remote::build(state, p)?))
        }
        other => Err(EmbedError::NotConfigured(format!(
            "unknown embedding_provider {other:?}; use auto, hashing, minilm, openai, ollama, gemini or openrouter"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cos(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn hashing_is_deterministic_normalised_and_topical() {
        let a = HashingEmbedder::embed_one("Vector search with SQLite and embeddings");
        let b = HashingEmbedder::embed_one("Vector search with SQLite and embeddings");
        assert_eq!(a, b);
        assert_eq!(a.len(), DIMS);
        assert!((cos(&a, &a) - 1.0).abs() < 1e-5);
        let near = HashingEmbedder::embed_one("embedding vectors for search in sqlite");
        let far = HashingEmbedder::embed_one("a recipe for lemon cake with butter");
        assert!(cos(&a, &near) > cos(&a, &far) + 0.2);
    }
}
