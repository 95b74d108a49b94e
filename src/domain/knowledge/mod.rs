//! Knowledge: sources and their importers, chunks, embeddings, THE retrieval function (FTS5 +
//! sqlite-vec, fused), collections and the memory log. Operations (validate, authorize, write
//! through `Db::write`) are in the sub-area modules (`sources`, `imports`, `collections`,
//! `memory`, `claude_code`, `platform_import`, `linkedin_import`); SQL only in the `*_store`
//! files; jobs (`ingest`, `reembed`, `platforms`) and tools are registered in `app.rs`.
pub mod chunk;
pub mod claude_code;
pub mod collections;
pub mod collections_store;
pub mod crawl;
pub mod embed;
pub mod entities;
pub mod exports;
pub mod extract;
pub mod folder;
pub mod formats;
pub mod html;
pub mod imports;
pub mod index;
pub mod index_store;
pub mod ingest;
pub mod knn_store;
pub mod linkedin;
pub mod linkedin_fetch;
pub mod linkedin_import;
pub mod linkedin_store;
pub mod main_text;
pub mod memory;
pub mod memory_store;
#[cfg(feature = "minilm")]
pub mod minilm;
pub mod models;
pub mod pdf;
pub mod pdf_unpack;
pub mod platform_apis;
pub mod platform_import;
pub mod platforms;
pub mod reembed;
pub mod remote;
pub mod search;
pub mod search_store;
pub mod snippet;
pub mod sources;
pub mod sources_store;
pub mod structure;
pub mod tools;
pub mod types;
pub mod vision;
pub mod youtube;

use crate::access::Resource;
use crate::error::{ApiError, ApiResult};
use std::sync::Arc;

/// Sources and collections follow the one access rule (registered in `app.rs`).
pub const SOURCE: Resource = Resource::shareable("source", "sources");
pub const COLLECTION: Resource = Resource::shareable("collection", "collections");

/// Run blocking work (embedding, extraction, outbound calls) off the async executor.
pub async fn blocking<T, F>(f: F) -> ApiResult<T>
where
    F: FnOnce() -> ApiResult<T> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
}

/// The local neural embedder, when its model files are installed (and support is built in).
/// Loaded on first use and kept in `state.local_model` for the life of the state.
#[cfg(feature = "minilm")]
pub fn local_model(state: &crate::state::AppState) -> Option<Arc<dyn embed::Embedder>> {
    let dir = models::minilm_dir(&state.cfg.data_dir);
    let mut slot = state.local_model.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((d, m)) = slot.as_ref()
        && *d == dir
        && let Ok(m) = m.clone().downcast::<minilm::MiniLm>()
    {
        return Some(m);
    }
    let m = load_minilm(&state.cfg.data_dir)?;
    *slot = Some((dir, m.clone()));
    Some(m)
}

#[cfg(not(feature = "minilm"))]
pub fn local_model(_state: &crate::state::AppState) -> Option<Arc<dyn embed::Embedder>> {
    None
}

/// The local embedder of a data dir, loaded now (benches; the app uses [`local_model`]).
pub fn local_model_in(data_dir: &std::path::Path) -> Option<Arc<dyn embed::Embedder>> {
    #[cfg(feature = "minilm")]
    return load_minilm(data_dir).map(|m| m as Arc<dyn embed::Embedder>);
    #[cfg(not(feature = "minilm"))]
    {
        let _ = data_dir;
        None
    }
}

#[cfg(feature = "minilm")]
fn load_minilm(data_dir: &std::path::Path) -> Option<Arc<minilm::MiniLm>> {
    if !models::minilm_installed(data_dir) {
        return None;
    }
    match minilm::MiniLm::load(&models::minilm_dir(data_dir)) {
        Ok(m) => Some(Arc::new(m)),
        Err(err) => {
            tracing::warn!(error = %format!("{err:#}"), "MiniLM is installed but failed to load; using hashing");
            None
        }
    }
}
