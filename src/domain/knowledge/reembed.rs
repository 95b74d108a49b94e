//! Changing the embedding model re-embeds every chunk in the background. Vectors of the new
//! model are written beside the old ones; search keeps reading the old model (the *active*
//! one) until every chunk has a new vector, then the active model flips and old vectors go.
use super::{embed, index_store};
use crate::jobs::Job;
use crate::state::AppState;
use rusqlite::Connection;
use serde::Serialize;
use utoipa::ToSchema;

pub const KIND: &str = "knowledge.reembed";
const BATCH: i64 = 128;

/// Queue the re-embed unless one is already queued or running.
pub fn ensure_queued(c: &Connection) -> rusqlite::Result<()> {
    crate::jobs::store::insert(
        c,
        &crate::jobs::store::NewJob {
            kind: KIND,
            payload: serde_json::json!({}),
            run_after_ms: crate::time::now_millis(),
            max_attempts: 5,
            dedupe_key: Some(KIND),
        },
    )?;
    Ok(())
}

/// If the configured model is not the one search uses, make sure a re-embed is on its way.
/// Blocking: call it from a worker thread or inside `Db::read`'s closure.
pub fn check(state: &AppState, configured: &str) -> anyhow::Result<()> {
    let moved = |c: &Connection| -> rusqlite::Result<bool> {
        Ok(index_store::active_model(c)?.is_some_and(|a| a != configured))
    };
    // Searches call this: only a model change takes the write lock (and checks again there).
    if state.db.read_blocking(moved)? {
        state.db.write_blocking(|tx| -> rusqlite::Result<()> {
            if moved(tx)? {
                ensure_queued(tx)?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

#[derive(Serialize, ToSchema)]
pub struct Status {
    /// The model search uses now.
    pub active_model: String,
    /// The model new vectors are made with.
    pub configured_model: String,
    pub total_chunks: i64,
    /// Chunks that already have a vector of the configured model.
    pub embedded: i64,
    pub reembedding: bool,
}

pub fn status(c: &Connection, configured: &str) -> rusqlite::Result<Status> {
    let active = index_store::active_model(c)?.unwrap_or_else(|| configured.to_string());
    let (total, embedded) = index_store::vector_coverage(c, configured)?;
    Ok(Status {
        reembedding: active != configured,
        active_model: active,
        configured_model: configured.to_string(),
        total_chunks: total,
        embedded,
    })
}

/// Embed the chunks that lack a vector of the configured model, one batch at a time: each
/// batch is embedded without a lock, then written in its own short transaction.
pub fn run(state: &AppState, _job: &Job) -> anyhow::Result<()> {
    let emb = embed::configured(state)?;
    let target = emb.model_id().to_string();
    loop {
        let todo = state
            .db
            .read_blocking(|c| index_store::without_vector(c, &target, BATCH))?;
        if todo.is_empty() {
            break;
        }
        // The same input as the import embedded: the document's title, then the passage.
        let inputs: Vec<String> = todo
            .iter()
            .map(|(_, title, text)| super::index::embed_input(title, text))
            .collect();
        let texts: Vec<&str> = inputs.iter().map(String::as_str).collect();
        let vectors = emb.embed(&texts)?;
        state.db.write_blocking(|tx| -> rusqlite::Result<()> {
            for ((id, _, _), v) in todo.iter().zip(&vectors) {
                // The chunk may have been deleted meanwhile; then the insert has nothing to refer to.
                if index_store::chunk_exists(tx, *id)? {
                    index_store::add_vector(tx, *id, &target, v)?;
                }
            }
            Ok(())
        })?;
    }
    state.db.write_blocking(|tx| -> rusqlite::Result<()> {
        index_store::set_active_model(tx, &target)?;
        index_store::drop_other_models(tx, &target)?;
        Ok(())
    })?;
    tracing::info!(model = %target, "re-embed complete; search now uses the new model");
    Ok(())
}
