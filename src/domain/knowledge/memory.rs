//! The memory log (what happened across the app, per user): record (indexed for search),
//! recent entries, search, stats, delete.
use super::memory_store::{self as store, Memory, Stats};
use super::{embed, index, index_store, search, sources};
use crate::access::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use crate::state::AppState;
use serde_json::json;

/// Record one memory entry (indexed for search) and emit `memory.created`. Blocking: the text
/// is embedded first, outside the write. Other areas call this (content generated, feedback,
/// decisions, conversation summaries).
pub fn record(
    state: &AppState,
    owner: &str,
    kind: &str,
    content: &str,
    metadata: &serde_json::Value,
) -> anyhow::Result<Memory> {
    let emb = embed::configured(state)?;
    let content = &super::chunk::nfc(content.to_string());
    let prepared = index::prepare(emb.as_ref(), "", content)?;
    state.db.write_blocking(|tx| -> anyhow::Result<Memory> {
        let m = store::insert(tx, owner, kind, content, metadata)?;
        index_store::write(tx, "memory", &m.id, &prepared)?;
        crate::events::emit(
            tx,
            "memory.created",
            Some(owner),
            json!({ "memory_id": m.id, "type": kind }),
        )?;
        Ok(m)
    })
}

/// `POST /claude-code/memory`: a validated entry from the caller.
pub async fn add(
    state: &AppState,
    owner: String,
    kind: String,
    content: String,
    metadata: Option<serde_json::Value>,
) -> ApiResult<Memory> {
    let kind = kind.trim().to_string();
    if kind.is_empty() || kind.chars().count() > 64 || content.trim().is_empty() {
        return Err(ApiError::unprocessable(
            "type (≤64 chars) and content are required",
        ));
    }
    if metadata.as_ref().is_some_and(|m| !m.is_object()) {
        return Err(ApiError::unprocessable("metadata must be an object"));
    }
    let st = state.clone();
    super::blocking(move || {
        record(&st, &owner, &kind, &content, &metadata.unwrap_or_default())
            .map_err(embed::api_error)
    })
    .await
}

pub async fn recent(
    state: &AppState,
    owner: String,
    kind: Option<String>,
    page: Page,
) -> ApiResult<Paged<Memory>> {
    Ok(state
        .db
        .read(move |c| store::recent(c, &owner, kind.as_deref(), page))
        .await?)
}

pub async fn search(
    state: &AppState,
    v: Viewer,
    text: String,
    limit: Option<usize>,
    mode: Option<&str>,
    kind: Option<String>,
) -> ApiResult<Vec<search::Hit>> {
    let q = search::Query {
        text,
        limit: limit.unwrap_or(10),
        scope: search::Scope::Memory,
        mode: sources::parse_mode(mode)?,
        filters: search::Filters {
            kind,
            ..Default::default()
        },
        ..Default::default()
    };
    sources::search(state, v, q).await
}

pub async fn stats(state: &AppState, owner: String) -> ApiResult<Stats> {
    Ok(state.db.read(move |c| store::stats(c, &owner)).await?)
}

/// False when there was no such entry of the caller's.
pub async fn delete(state: &AppState, owner: String, id: String) -> ApiResult<bool> {
    Ok(state
        .db
        .write(move |tx| store::delete(tx, &owner, &id))
        .await?)
}
