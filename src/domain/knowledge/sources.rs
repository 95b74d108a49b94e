//! Sources: list, detail with chunks, delete (chunks, FTS rows and vectors go with it),
//! re-analyze, the one search entry point of the API, and the embedding status.
use super::sources_store::{self as store, ListFilter, Source};
use super::types::SourceDetail;
use super::{SOURCE, embed, ingest, reembed, search};
use crate::access::{self, Viewer};
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use crate::state::AppState;
use serde_json::json;

pub async fn list(
    state: &AppState,
    v: Viewer,
    f: ListFilter,
    page: Page,
) -> ApiResult<Paged<Source>> {
    Ok(state.db.read(move |c| store::list(c, &v, &f, page)).await?)
}

pub async fn get(state: &AppState, v: Viewer, id: String) -> ApiResult<Option<SourceDetail>> {
    Ok(state
        .db
        .read(move |c| -> rusqlite::Result<Option<SourceDetail>> {
            let Some(source) = store::get(c, &v, &id)? else {
                return Ok(None);
            };
            let content = store::get_any(c, &id)?.map(|(_, t)| t).unwrap_or_default();
            Ok(Some(SourceDetail {
                chunks: store::chunks(c, "source", &id)?,
                content,
                source,
            }))
        })
        .await?)
}

/// Delete the visible sources among `ids` (403 on one the caller may see but not change).
/// Returns how many went.
pub async fn delete_many(state: &AppState, v: Viewer, ids: Vec<String>) -> ApiResult<usize> {
    if ids.len() > 1000 {
        return Err(ApiError::unprocessable("at most 1000 ids at once"));
    }
    state
        .db
        .write(move |tx| -> ApiResult<usize> {
            let mut n = 0;
            for id in &ids {
                let Some(s) = store::get(tx, &v, id)? else {
                    continue;
                };
                if !access::can_edit(tx, &v, &SOURCE, id)? {
                    return Err(ApiError::forbidden("only the owner can delete a source"));
                }
                if store::delete(tx, id)? {
                    crate::events::emit(
                        tx,
                        "source.deleted",
                        Some(&v.user_id),
                        json!({ "source_id": id, "title": s.title }),
                    )?;
                    n += 1;
                }
            }
            Ok(n)
        })
        .await
}

/// Queue the source's import again; it answers pending.
pub async fn analyze(state: &AppState, v: Viewer, id: String) -> ApiResult<Option<Source>> {
    Ok(state
        .db
        .write(move |tx| -> rusqlite::Result<Option<Source>> {
            if store::get(tx, &v, &id)?.is_none() {
                return Ok(None);
            }
            store::set_status(tx, &id, "pending", None)?;
            ingest::enqueue(tx, &id)?;
            store::get(tx, &v, &id)
        })
        .await?)
}

pub fn parse_mode(m: Option<&str>) -> ApiResult<search::Mode> {
    match m.unwrap_or("hybrid") {
        "hybrid" => Ok(search::Mode::Hybrid),
        "keyword" => Ok(search::Mode::Keyword),
        "vector" => Ok(search::Mode::Vector),
        other => Err(ApiError::unprocessable(format!(
            "unknown mode {other:?} (hybrid, keyword, vector)"
        ))),
    }
}

/// Run the one retrieval function off the executor (and queue a re-embed if the configured
/// model moved).
pub async fn search(state: &AppState, v: Viewer, q: search::Query) -> ApiResult<Vec<search::Hit>> {
    let st = state.clone();
    state
        .db
        .read(move |c| -> ApiResult<Vec<search::Hit>> {
            let emb = embed::configured(&st)?;
            let hits =
                search::search(c, &st.ann, &v, emb.as_ref(), &q).map_err(embed::api_error)?;
            reembed::check(&st, emb.model_id())?;
            Ok(hits)
        })
        .await
}

pub async fn embedding_status(state: &AppState) -> ApiResult<reembed::Status> {
    let st = state.clone();
    state
        .db
        .read(move |c| -> ApiResult<reembed::Status> {
            let emb = embed::configured(&st)?;
            reembed::check(&st, emb.model_id())?;
            Ok(reembed::status(c, emb.model_id())?)
        })
        .await
}
