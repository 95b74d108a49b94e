//! /claude-code helpers built on retrieval: a context block for an agent, a grounded brief for
//! generation, and the writing patterns of a collection.
use super::types::*;
use crate::access::Viewer;
use crate::domain::knowledge::claude_code;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{get, post, web};

#[utoipa::path(tag = "claude-code", params(ContextQuery), responses((status = 409, body = ErrorBody, description = "the embedding provider is not usable as configured (its model not installed, or without its key)"), (status = 200, body = ContextBlock)))]
#[get("/claude-code/context")]
pub async fn context(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ContextQuery>,
) -> ApiResult<web::Json<ContextBlock>> {
    let q = q.into_inner();
    // The same block every generation gets (skills, learnings, rules, persona), then memory and
    // passages.
    let voice = crate::domain::learnings::context::block(
        &state.db,
        viewer.clone(),
        q.client_id,
        q.project_id,
        q.persona_id,
    )
    .await?;
    let mut block = claude_code::context(&state, viewer, q.q, q.limit).await?;
    if !voice.is_empty() {
        block.context = format!("{voice}\n\n{}", block.context);
    }
    Ok(web::Json(block))
}

#[utoipa::path(tag = "claude-code", request_body = GenerateIn, responses((status = 200, body = Grounded),
    (status = 409, body = ErrorBody, description = "the provider is not configured (or has no model installed)"), (status = 422, body = ErrorBody),
    (status = 429, body = ErrorBody, description = "AI budget spent"), (status = 502, body = ErrorBody, description = "the provider failed")))]
#[post("/claude-code/generate")]
pub async fn generate(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<GenerateIn>,
) -> ApiResult<web::Json<Grounded>> {
    let b = body.into_inner();
    // `collection_id` is one more of `collection_ids` (listed once): at most 100 together, so
    // beside it `collection_ids` holds at most 99 (as the schema says).
    let mut collections: Vec<String> = b.collection_ids;
    if let Some(one) = b.collection_id {
        if collections.len() >= 100 {
            return Err(ApiError::unprocessable(
                "collection_ids holds at most 99 ids beside collection_id (100 collections together)",
            ));
        }
        if !collections.contains(&one) {
            collections.push(one);
        }
    }
    Ok(web::Json(
        claude_code::generate(&state, viewer, b.brief, b.platform, collections).await?,
    ))
}

#[utoipa::path(tag = "claude-code", responses((status = 200, body = Patterns), (status = 404, body = ErrorBody)))]
#[get("/claude-code/patterns/{collection_id}")]
pub async fn patterns(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<Patterns>> {
    claude_code::patterns(&state, viewer, id.into_inner())
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("collection"))
}
