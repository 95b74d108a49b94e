//! Knowledge: chunking, embedding, the index (FTS5 + sqlite-vec) and THE retrieval function,
//! plus the import pipeline that turns sources into searchable chunks. HTTP lives in
//! `api::knowledge`; this module has no actix types so jobs, the CLI and benches can use it.
pub mod ann;
pub mod chunk;
pub mod crawl;
pub mod embed;
pub mod exports;
pub mod extract;
pub mod folder;
pub mod formats;
pub mod html;
pub mod index;
pub mod ingest;
mod knn;
pub mod linkedin;
pub mod linkedin_fetch;
#[cfg(feature = "minilm")]
pub mod minilm;
pub mod models;
pub mod platforms;
pub mod reembed;
pub mod remote;
pub mod search;
pub mod snippet;
pub mod structure;
pub mod vision;
pub mod youtube;

use std::sync::Arc;

/// The local neural embedder, when its model files are installed (and support is built in).
/// Loaded lazily on first use and kept for the life of the process.
pub fn local_model(state: &crate::state::AppState) -> Option<Arc<dyn embed::Embedder>> {
    local_model_in(&state.cfg.data_dir)
}

#[cfg(feature = "minilm")]
pub fn local_model_in(data_dir: &std::path::Path) -> Option<Arc<dyn embed::Embedder>> {
    type Loaded = Option<(std::path::PathBuf, Arc<dyn embed::Embedder>)>;
    static CACHE: std::sync::Mutex<Loaded> = std::sync::Mutex::new(None);
    let dir = models::minilm_dir(data_dir);
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((d, m)) = cache.as_ref()
        && *d == dir
    {
        return Some(m.clone());
    }
    if !models::minilm_installed(data_dir) {
        return None;
    }
    match minilm::MiniLm::load(&dir) {
        Ok(m) => {
            let m: Arc<dyn embed::Embedder> = Arc::new(m);
            *cache = Some((dir, m.clone()));
            Some(m)
        }
        Err(err) => {
            tracing::warn!(error = %format!("{err:#}"), "MiniLM is installed but failed to load; using hashing");
            None
        }
    }
}

#[cfg(not(feature = "minilm"))]
pub fn local_model_in(_data_dir: &std::path::Path) -> Option<Arc<dyn embed::Embedder>> {
    None
}
