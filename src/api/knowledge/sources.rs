//! /sources: list, detail with chunks, delete (chunks, FTS rows and vectors go with it),
//! re-analyze, and the search box over sources.
use super::sources_store::{self as store, ListFilter, Source};
use super::types::*;
use crate::access::Viewer;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::knowledge::{embed, ingest, reembed, search};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, web};
use serde_json::json;

#[utoipa::path(tag = "sources", params(SourceListQuery), responses((status = 200, body = Vec<Source>)))]
#[get("/sources/")]
pub async fn list_sources(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<SourceListQuery>,
) -> ApiResult<web::Json<Vec<Source>>> {
    let q = q.into_inner();
    let f = ListFilter {
        collection_id: q.collection_id,
        status: q.status,
        platform: q.platform,
        limit: q.limit.unwrap_or(100).clamp(1, 500),
        offset: q.offset.unwrap_or(0).max(0),
    };
    let v = Viewer::from(&user);
    Ok(web::Json(
        state.db.run(move |c| store::list(c, &v, &f)).await?,
    ))
}

#[utoipa::path(tag = "sources", responses((status = 200, body = SourceDetail), (status = 404, body = ErrorBody)))]
#[get("/sources/{id}")]
pub async fn get_source(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<SourceDetail>> {
    let v = Viewer::from(&user);
    let id = id.into_inner();
    let detail = state
        .db
        .run(move |c| -> ApiResult<Option<SourceDetail>> {
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
        .await?;
    detail.map(web::Json).ok_or(ApiError::NotFound("source"))
}

/// Delete visible sources the caller owns (admins: any). Returns how many went.
fn delete_many(c: &mut rusqlite::Connection, v: &Viewer, ids: &[String]) -> ApiResult<usize> {
    let tx = c.transaction()?;
    let mut n = 0;
    for id in ids {
        let Some(s) = store::get(&tx, v, id)? else {
            continue;
        };
        if !v.admin && s.owner_id != v.user_id {
            return Err(ApiError::forbidden("only the owner can delete a source"));
        }
        if store::delete(&tx, id)? {
            crate::events::emit(
                &tx,
                "source.deleted",
                Some(&v.user_id),
                json!({ "source_id": id, "title": s.title }),
            )?;
            n += 1;
        }
    }
    tx.commit()?;
    Ok(n)
}

#[utoipa::path(tag = "sources", responses((status = 204), (status = 404, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[delete("/sources/{id}")]
pub async fn delete_source(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let v = Viewer::from(&user);
    let ids = vec![id.into_inner()];
    let n = state.db.run(move |c| delete_many(c, &v, &ids)).await?;
    state.jobs.notify();
    if n == 0 {
        return Err(ApiError::NotFound("source"));
    }
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "sources", request_body = BulkDelete, responses((status = 200, body = Deleted)))]
#[post("/sources/bulk-delete")]
pub async fn bulk_delete(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<BulkDelete>,
) -> ApiResult<web::Json<Deleted>> {
    let ids = body.into_inner().ids;
    if ids.len() > 1000 {
        return Err(ApiError::unprocessable("at most 1000 ids at once"));
    }
    let v = Viewer::from(&user);
    let deleted = state.db.run(move |c| delete_many(c, &v, &ids)).await?;
    state.jobs.notify();
    Ok(web::Json(Deleted { deleted }))
}

#[utoipa::path(tag = "sources", responses((status = 202, body = Source), (status = 404, body = ErrorBody)))]
#[post("/sources/{id}/analyze")]
pub async fn analyze_source(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let v = Viewer::from(&user);
    let id = id.into_inner();
    let s = state
        .db
        .run(move |c| -> ApiResult<Option<Source>> {
            if store::get(c, &v, &id)?.is_none() {
                return Ok(None);
            }
            let tx = c.transaction()?;
            store::set_status(&tx, &id, "pending", None)?;
            ingest::enqueue(&tx, &id)?;
            tx.commit()?;
            Ok(store::get(c, &v, &id)?)
        })
        .await?
        .ok_or(ApiError::NotFound("source"))?;
    state.jobs.notify();
    Ok(HttpResponse::Accepted().json(s))
}

pub fn mode(m: Option<&str>) -> ApiResult<search::Mode> {
    match m.unwrap_or("hybrid") {
        "hybrid" => Ok(search::Mode::Hybrid),
        "keyword" => Ok(search::Mode::Keyword),
        "vector" => Ok(search::Mode::Vector),
        other => Err(ApiError::unprocessable(format!(
            "unknown mode {other:?} (hybrid, keyword, vector)"
        ))),
    }
}

/// Run the one retrieval function off the executor.
pub async fn run_search(
    state: &AppState,
    v: Viewer,
    q: search::Query,
) -> ApiResult<Vec<search::Hit>> {
    let st = state.clone();
    state
        .db
        .run(move |c| -> ApiResult<Vec<search::Hit>> {
            let emb = embed::configured(&st).map_err(|e| embed::api_error(e.into()))?;
            let hits = search::search(c, &v, emb.as_ref(), &q).map_err(embed::api_error)?;
            reembed::check(&st, c, emb.model_id())?;
            Ok(hits)
        })
        .await
}

#[utoipa::path(tag = "sources", params(SearchQuery), responses((status = 200, body = SearchResults)))]
#[get("/sources/search")]
pub async fn search_sources(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<SearchQuery>,
) -> ApiResult<web::Json<SearchResults>> {
    let q = q.into_inner();
    let query = search::Query {
        text: q.q.clone(),
        limit: q.limit.unwrap_or(10),
        scope: search::Scope::Sources,
        mode: mode(q.mode.as_deref())?,
        filters: search::Filters {
            collection_ids: q.collection_id.into_iter().collect(),
            source_id: q.source_id,
            client_id: q.client_id,
            project_id: q.project_id,
            platform: q.platform,
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

#[utoipa::path(tag = "sources", responses((status = 200, body = reembed::Status)))]
#[get("/sources/embedding-status")]
pub async fn embedding_status(
    state: web::Data<AppState>,
    _user: AuthUser,
) -> ApiResult<web::Json<reembed::Status>> {
    let st = state.clone();
    Ok(web::Json(
        state
            .db
            .run(move |c| -> ApiResult<reembed::Status> {
                let emb = embed::configured(&st).map_err(|e| embed::api_error(e.into()))?;
                reembed::check(&st, c, emb.model_id())?;
                Ok(reembed::status(c, emb.model_id())?)
            })
            .await?,
    ))
}
