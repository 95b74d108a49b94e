//! Thin handlers of /learnings: extract, call one domain operation, respond.
use super::types::*;
use crate::access::Viewer;
use crate::domain::learnings::{self as domain, generate as run, model::ModelChoice, types::*};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, patch, post, put, web};

const SSE: &str =
    "text/event-stream of {stage, progress} | {learning} | {done, learning_ids} | {error}";

#[utoipa::path(tag = "learnings", request_body = GenerateRequest,
    responses((status = 200, description = SSE), (status = 409, body = ErrorBody, description = "the provider is not configured (or has no model installed)"),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody, description = "too many generations running (for this user or in all); `Retry-After`")))]
#[post("/learnings/generate")]
pub async fn generate(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<GenerateRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let plan = run::Plan {
        selection: SourceSelection {
            source_ids: b.source_ids,
            collection_ids: b.collection_ids,
            client_id: b.client_id,
            project_id: b.project_id,
        },
        choice: ModelChoice {
            provider: b.provider,
            model: b.model,
        },
        ..Default::default()
    };
    let rx = domain::start(&state, viewer, run::Kind::Writing, plan).await?;
    Ok(super::sse(rx))
}

#[utoipa::path(tag = "learnings", request_body = DesignSystemRequest,
    responses((status = 200, description = SSE), (status = 409, body = ErrorBody, description = "the provider is not configured (or has no model installed)"),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody, description = "too many generations running (for this user or in all); `Retry-After`")))]
#[post("/learnings/generate-design-system")]
pub async fn generate_design_system(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<DesignSystemRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    if b.source_ids.is_empty() && b.urls.is_empty() {
        return Err(ApiError::unprocessable("give urls or source_ids"));
    }
    let plan = run::Plan {
        selection: SourceSelection {
            source_ids: b.source_ids,
            client_id: b.client_id,
            ..Default::default()
        },
        urls: b.urls,
        choice: ModelChoice {
            provider: b.provider,
            model: b.model,
        },
        ..Default::default()
    };
    let rx = domain::start(&state, viewer, run::Kind::Design, plan).await?;
    Ok(super::sse(rx))
}

#[utoipa::path(tag = "learnings", request_body = ProductKnowledgeRequest,
    responses((status = 200, description = SSE), (status = 409, body = ErrorBody, description = "the provider is not configured (or has no model installed)"),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody, description = "too many generations running (for this user or in all); `Retry-After`")))]
#[post("/learnings/generate-product-knowledge")]
pub async fn generate_product_knowledge(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<ProductKnowledgeRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let plan = run::Plan {
        selection: SourceSelection {
            source_ids: b.source_ids,
            collection_ids: b.collection_ids,
            client_id: b.client_id,
            project_id: None,
        },
        choice: ModelChoice {
            provider: b.provider,
            model: b.model,
        },
        ..Default::default()
    };
    let rx = domain::start(&state, viewer, run::Kind::Product, plan).await?;
    Ok(super::sse(rx))
}

#[utoipa::path(tag = "learnings", params(LearningQuery, Page),
    responses((status = 200, body = Paged<Learning>), (status = 422, body = ErrorBody)))]
#[get("/learnings/")]
pub async fn list_learnings(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<LearningQuery>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Learning>>> {
    let q = q.into_inner();
    let f = ListFilter {
        kind: q.kind,
        source_id: q.source_id,
        client_id: q.client_id,
    };
    Ok(web::Json(
        domain::list(&state.db, viewer, f, page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "learnings", responses((status = 200, body = Learning), (status = 404, body = ErrorBody)))]
#[get("/learnings/{id}")]
pub async fn get_learning(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<Learning>> {
    domain::get(&state.db, viewer, id.into_inner())
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("learning"))
}

#[utoipa::path(tag = "learnings", request_body = LearningPatch,
    responses((status = 200, body = Learning), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[patch("/learnings/{id}")]
pub async fn update_learning(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<LearningPatch>,
) -> ApiResult<web::Json<Learning>> {
    domain::update(&state.db, viewer, id.into_inner(), body.into_inner())
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("learning"))
}

#[utoipa::path(tag = "learnings", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/learnings/{id}")]
pub async fn delete_learning(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    match domain::delete_many(&state.db, viewer, vec![id.into_inner()]).await? {
        0 => Err(ApiError::NotFound("learning")),
        _ => Ok(HttpResponse::NoContent().finish()),
    }
}

#[utoipa::path(tag = "learnings", request_body = BulkDeleteRequest,
    responses((status = 200, body = Deleted), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/learnings/bulk-delete")]
pub async fn bulk_delete(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<BulkDeleteRequest>,
) -> ApiResult<web::Json<Deleted>> {
    let deleted = domain::delete_many(&state.db, viewer, body.into_inner().ids).await?;
    Ok(web::Json(Deleted { deleted }))
}

#[utoipa::path(tag = "learnings", request_body = FeedbackRequest,
    responses((status = 200, body = Learning), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/learnings/{id}/feedback")]
pub async fn feedback(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<FeedbackRequest>,
) -> ApiResult<web::Json<Learning>> {
    let b = body.into_inner();
    domain::feedback(&state.db, viewer, id.into_inner(), b.score, b.comment)
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("learning"))
}

#[utoipa::path(tag = "learnings", request_body = MergeRequest,
    responses((status = 201, body = Learning), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/learnings/merge")]
pub async fn merge_learnings(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<MergeRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let merged = domain::merge(&state.db, viewer, b.ids, b.title).await?;
    Ok(HttpResponse::Created().json(merged))
}

#[utoipa::path(tag = "learnings", params(RulesQuery),
    responses((status = 200, body = CustomRules), (status = 404, body = ErrorBody, description = "client not found")))]
#[get("/learnings/custom-rules")]
pub async fn get_rules(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<RulesQuery>,
) -> ApiResult<web::Json<CustomRules>> {
    Ok(web::Json(
        domain::rules(&state.db, viewer, q.into_inner().client_id).await?,
    ))
}

#[utoipa::path(tag = "learnings", request_body = CustomRules,
    responses((status = 200, body = CustomRules), (status = 404, body = ErrorBody, description = "client not found"), (status = 422, body = ErrorBody)))]
#[put("/learnings/custom-rules")]
pub async fn put_rules(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<CustomRules>,
) -> ApiResult<web::Json<CustomRules>> {
    Ok(web::Json(
        domain::put_rules(&state.db, viewer, body.into_inner()).await?,
    ))
}
