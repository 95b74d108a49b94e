//! Knowledge: chunking, embedding, the index (FTS5 + sqlite-vec) and THE retrieval function,
//! plus the import pipeline that turns sources into searchable chunks. HTTP lives in
//! `api::knowledge`; this module has no actix types so jobs, the CLI and benches can use it.
pub mod chunk;
pub mod embed;
pub mod extract;
pub mod folder;
pub mod html;
pub mod index;
pub mod ingest;
pub mod search;
pub mod snippet;

use std::sync::Arc;

/// The local neural embedder, when its model files are installed (and support is built in).
pub fn local_model(_state: &crate::app::AppState) -> Option<Arc<dyn embed::Embedder>> {
    None
}
