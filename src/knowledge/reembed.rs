//! Changing the embedding model re-embeds every chunk in the background. Vectors of the new
//! model are written beside the old ones; search keeps reading the old model (the *active*
//! one) until every chunk has a new vector, then the active model flips and old vectors go.
use super::{embed, index};
use crate::jobs::Job;
use crate::state::AppState;
use rusqlite::{Connection, params};
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
pub fn check(state: &AppState, c: &Connection, configured: &str) -> rusqlite::Result<()> {
    if index::active_model(c, configured)? != configured {
        ensure_queued(c)?;
        state.jobs.notify();
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
    let active = index::active_model(c, configured)?;
    let total: i64 = c
        .prepare_cached("SELECT COUNT(*) FROM chunks")?
        .query_row([], |r| r.get(0))?;
    let embedded: i64 = c
        .prepare_cached("SELECT COUNT(*) FROM chunk_vectors WHERE model = ?1")?
        .query_row([configured], |r| r.get(0))?;
    Ok(Status {
        reembedding: active != configured,
        active_model: active,
        configured_model: configured.to_string(),
        total_chunks: total,
        embedded,
    })
}

pub fn run(state: &AppState, _job: &Job) -> anyhow::Result<()> {
    let emb = embed::configured(state)?;
    let target = emb.model_id().to_string();
    loop {
        let conn = state.db.conn()?;
        let todo: Vec<(i64, String)> = {
            let mut stmt = conn.prepare_cached(
                "SELECT c.id, c.text FROM chunks c
                 WHERE NOT EXISTS (SELECT 1 FROM chunk_vectors cv WHERE cv.chunk_id = c.id AND cv.model = ?1)
                 ORDER BY c.id LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![target, BATCH], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        drop(conn);
        if todo.is_empty() {
            break;
        }
        let texts: Vec<&str> = todo.iter().map(|(_, t)| t.as_str()).collect();
        let vectors = emb.embed(&texts)?;
        let mut conn = state.db.conn()?;
        let tx = conn.transaction()?;
        for ((id, _), v) in todo.iter().zip(&vectors) {
            // The chunk may have been deleted meanwhile; then the insert has nothing to refer to.
            let exists: bool = tx
                .prepare_cached("SELECT EXISTS(SELECT 1 FROM chunks WHERE id = ?1)")?
                .query_row([id], |r| r.get(0))?;
            if exists {
                index::add_vector(&tx, *id, &target, v)?;
            }
        }
        tx.commit()?;
    }
    let conn = state.db.conn()?;
    index::set_active_model(&conn, &target)?;
    conn.prepare_cached("DELETE FROM chunk_vectors WHERE model <> ?1")?
        .execute([&target])?;
    tracing::info!(model = %target, "re-embed complete; search now uses the new model");
    Ok(())
}
