//! /memory (the log of what happened across the app) and the /claude-code helper routes.
use super::memory_store::{self as store, Memory, Stats};
use super::sources::{mode, run_search};
use super::types::*;
use crate::access::Viewer;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::knowledge::{embed, index, search};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, web};
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

/// Record one memory entry (indexed for search) and emit `memory.created`. Other areas call
/// this (content generated, feedback, decisions, conversation summaries).
pub fn record(
    c: &mut rusqlite::Connection,
    emb: &dyn embed::Embedder,
    owner: &str,
    kind: &str,
    content: &str,
    metadata: &serde_json::Value,
) -> anyhow::Result<Memory> {
    let prepared = index::prepare(emb, content)?;
    let tx = c.transaction()?;
    let m = store::insert(&tx, owner, kind, content, metadata)?;
    index::active_model(&tx, emb.model_id())?;
    index::write(&tx, "memory", &m.id, &prepared)?;
    crate::events::emit(
        &tx,
        "memory.created",
        Some(owner),
        json!({ "memory_id": m.id, "type": kind }),
    )?;
    tx.commit()?;
    Ok(m)
}

#[derive(Deserialize, IntoParams)]
pub struct RecentQuery {
    pub limit: Option<i64>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[utoipa::path(tag = "memory", params(RecentQuery), responses((status = 200, body = Vec<Memory>)))]
#[get("/memory/")]
pub async fn recent(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<RecentQuery>,
) -> ApiResult<web::Json<Vec<Memory>>> {
    let q = q.into_inner();
    let owner = user.id.clone();
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    Ok(web::Json(
        state
            .db
            .run(move |c| store::recent(c, &owner, q.kind.as_deref(), limit))
            .await?,
    ))
}

#[utoipa::path(tag = "memory", params(SearchQuery), responses((status = 200, body = SearchResults)))]
#[get("/memory/search")]
pub async fn search_memory(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<SearchQuery>,
) -> ApiResult<web::Json<SearchResults>> {
    let q = q.into_inner();
    let query = search::Query {
        text: q.q.clone(),
        limit: q.limit.unwrap_or(10),
        scope: search::Scope::Memory,
        mode: mode(q.mode.as_deref())?,
        filters: search::Filters {
            kind: q.kind,
            ..Default::default()
        },
        ..Default::default()
    };
    let results = run_search(&state, Viewer::from(&user), query).await?;
    Ok(web::Json(SearchResults {
        query: q.q,
        results,
    }))
}

#[utoipa::path(tag = "memory", responses((status = 200, body = Stats)))]
#[get("/memory/stats")]
pub async fn memory_stats(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<Stats>> {
    let owner = user.id.clone();
    Ok(web::Json(
        state.db.run(move |c| store::stats(c, &owner)).await?,
    ))
}

#[utoipa::path(tag = "memory", responses((status = 204), (status = 404, body = ErrorBody)))]
#[delete("/memory/{id}")]
pub async fn delete_memory(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let owner = user.id.clone();
    let id = id.into_inner();
    if state.db.run(move |c| store::delete(c, &owner, &id)).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound("memory entry"))
    }
}

#[derive(Deserialize, ToSchema)]
pub struct MemoryIn {
    #[serde(rename = "type")]
    pub kind: String,
    pub content: String,
    #[schema(value_type = Object)]
    pub metadata: Option<serde_json::Value>,
}

#[utoipa::path(tag = "claude-code", request_body = MemoryIn, responses((status = 201, body = Memory), (status = 422, body = ErrorBody)))]
#[post("/claude-code/memory")]
pub async fn add_memory(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<MemoryIn>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let kind = b.kind.trim().to_string();
    if kind.is_empty() || kind.len() > 64 || b.content.trim().is_empty() {
        return Err(ApiError::unprocessable(
            "type (≤64 chars) and content are required",
        ));
    }
    if b.metadata.as_ref().is_some_and(|m| !m.is_object()) {
        return Err(ApiError::unprocessable("metadata must be an object"));
    }
    let owner = user.id.clone();
    let st = state.clone();
    let m = state
        .db
        .run(move |c| -> ApiResult<Memory> {
            let emb = embed::configured(&st).map_err(|e| embed::api_error(e.into()))?;
            record(
                c,
                emb.as_ref(),
                &owner,
                &kind,
                &b.content,
                &b.metadata.unwrap_or_default(),
            )
            .map_err(embed::api_error)
        })
        .await?;
    state.jobs.notify();
    Ok(HttpResponse::Created().json(m))
}

#[derive(Deserialize, ToSchema)]
pub struct QueryIn {
    pub query: String,
    pub collection_id: Option<String>,
    pub limit: Option<usize>,
}

#[utoipa::path(tag = "claude-code", request_body = QueryIn, responses((status = 200, body = SearchResults)))]
#[post("/claude-code/query")]
pub async fn cc_query(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<QueryIn>,
) -> ApiResult<web::Json<SearchResults>> {
    let b = body.into_inner();
    let q = search::Query {
        text: b.query.clone(),
        limit: b.limit.unwrap_or(8),
        filters: search::Filters {
            collection_ids: b.collection_id.into_iter().collect(),
            ..Default::default()
        },
        ..Default::default()
    };
    let results = run_search(&state, Viewer::from(&user), q).await?;
    Ok(web::Json(SearchResults {
        query: b.query,
        results,
    }))
}
