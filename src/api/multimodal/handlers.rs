//! Thin handlers of /multimodal plans and assets: extract, call one domain operation, respond.
use super::types::*;
use crate::access::Viewer;
use crate::api::learnings::sse;
use crate::domain::multimodal::{self as domain, Generated, execute, files, plan, types::*};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};

const PLAN_SSE: &str = "text/event-stream of {content} (the model writing) | {plan: {text, assets}} | {done: true} | {error}";
const RUN_SSE: &str = "text/event-stream of {run: {id, assets}} | {asset_start: {asset_id, index, kind}} | {asset_complete: {asset_id, index, url, public_url, mime, width, height, size}} | {asset_failed: {asset_id, index, error}} | {done: true, run_id, completed, failed} | {error}";

#[utoipa::path(tag = "multimodal", request_body = PlanRequest,
    responses((status = 200, description = PLAN_SSE), (status = 409, body = ErrorBody, description = "the chat provider is not configured"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody, description = "too many generations running (for this user or in all); `Retry-After`")))]
#[post("/multimodal/plan")]
pub async fn plan_visuals(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<PlanRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let ask = plan::Ask {
        content_id: b.content_id,
        brief: b.brief,
        platform: b.platform,
        asset_types: b.asset_types,
        count: b.count,
        provider: b.provider,
        model: b.model,
        image_provider_id: b.image_provider_id,
    };
    Ok(sse(plan::start(&state, viewer, ask).await?))
}

#[utoipa::path(tag = "multimodal", request_body = ExecutePlanRequest,
    responses((status = 200, description = RUN_SSE), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody, description = "AI budget spent (a plan with provider assets)")))]
#[post("/multimodal/execute-plan")]
pub async fn execute_plan(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<ExecutePlanRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let run = execute::start(&state, viewer, b.content_id, b.plan).await?;
    Ok(sse(execute::watch(&state, run)?))
}

#[utoipa::path(tag = "multimodal", request_body = GenerateAssetRequest,
    responses((status = 201, body = AssetDetail, description = "an image, generated"),
        (status = 202, body = AssetDetail, description = "a video, queued: its status moves to done or failed"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody, description = "the content or media provider named is not there"),
        (status = 409, body = ErrorBody, description = "the media provider named cannot make that kind of asset"),
        (status = 413, body = ErrorBody, description = "above asset_max_bytes"),
        (status = 422, body = ErrorBody, description = "invalid, or refused by the provider's content policy"),
        (status = 429, body = ErrorBody, description = "AI budget spent (provider generations; the local renderer is free)"),
        (status = 502, body = ErrorBody, description = "the provider failed (its message)")))]
#[post("/multimodal/generate-asset")]
pub async fn generate_asset(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<GenerateAssetRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let ask = domain::OneAsk {
        content_id: b.content_id,
        kind: b.kind,
        prompt: b.prompt,
        aspect_ratio: b.aspect_ratio,
        provider_id: b.provider_id,
        text_overlay: b.text_overlay,
    };
    Ok(match domain::generate(&state, viewer, ask).await? {
        Generated::Done(d) => HttpResponse::Created().json(d),
        Generated::Queued(d) => HttpResponse::Accepted().json(d),
    })
}

#[utoipa::path(tag = "multimodal", params(Page),
    responses((status = 200, body = Paged<AssetView>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/multimodal/content/{id}/assets")]
pub async fn list_assets(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<AssetView>>> {
    domain::list(&state, viewer, id.into_inner(), page.into_inner())
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("content"))
}

#[utoipa::path(tag = "multimodal", responses((status = 200, body = AssetDetail), (status = 404, body = ErrorBody)))]
#[get("/multimodal/content/{id}/assets/{asset_id}")]
pub async fn get_asset(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, String)>,
) -> ApiResult<web::Json<AssetDetail>> {
    let (id, asset_id) = path.into_inner();
    domain::get(&state, viewer, Some(id), asset_id)
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("asset"))
}

#[utoipa::path(tag = "multimodal", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/multimodal/content/{id}/assets/{asset_id}")]
pub async fn delete_asset(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, asset_id) = path.into_inner();
    if !domain::delete(&state, viewer, id, asset_id).await? {
        return Err(ApiError::NotFound("asset"));
    }
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "multimodal", request_body = RegenerateRequest,
    responses((status = 200, body = AssetDetail, description = "an image: its new version is current"),
        (status = 202, body = AssetDetail, description = "a video: queued"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "being generated, or its media provider now makes the other kind"),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "AI budget spent (provider generations)"), (status = 502, body = ErrorBody)))]
#[post("/multimodal/content/{id}/assets/{asset_id}/regenerate")]
pub async fn regenerate_asset(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, String)>,
    body: Option<web::Json<RegenerateRequest>>,
) -> ApiResult<HttpResponse> {
    let (id, asset_id) = path.into_inner();
    let prompt = body.map(|b| b.into_inner()).unwrap_or_default().prompt;
    Ok(
        match domain::regenerate(&state, viewer, id, asset_id, prompt)
            .await?
            .ok_or(ApiError::NotFound("asset"))?
        {
            Generated::Done(d) => HttpResponse::Ok().json(d),
            Generated::Queued(d) => HttpResponse::Accepted().json(d),
        },
    )
}

#[utoipa::path(tag = "multimodal", params(FileQuery),
    responses((status = 200, description = "the bytes (ETag, Cache-Control, Accept-Ranges)"), (status = 206, description = "the requested range"),
        (status = 304, description = "not modified (If-None-Match)"), (status = 404, body = ErrorBody),
        (status = 416, description = "range not satisfiable"), (status = 422, body = ErrorBody)))]
#[get("/multimodal/content/{id}/assets/{asset_id}/file")]
pub async fn asset_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, String)>,
    q: web::Query<FileQuery>,
) -> ApiResult<HttpResponse> {
    let (id, asset_id) = path.into_inner();
    let f = files::open(&state, viewer, Some(id), asset_id, q.version)
        .await?
        .ok_or(ApiError::NotFound("asset"))?;
    Ok(crate::api::assets::serve(&req, &state, f, "private"))
}

#[utoipa::path(tag = "multimodal", params(FileQuery),
    responses((status = 200, description = "the bytes of an asset generated without a content"), (status = 206, description = "the requested range"),
        (status = 304, description = "not modified"), (status = 404, body = ErrorBody), (status = 416, description = "range not satisfiable"),
        (status = 422, body = ErrorBody)))]
#[get("/multimodal/assets/{asset_id}/file")]
pub async fn own_asset_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    viewer: Viewer,
    asset_id: web::Path<String>,
    q: web::Query<FileQuery>,
) -> ApiResult<HttpResponse> {
    let f = files::open(&state, viewer, None, asset_id.into_inner(), q.version)
        .await?
        .ok_or(ApiError::NotFound("asset"))?;
    Ok(crate::api::assets::serve(&req, &state, f, "private"))
}

#[utoipa::path(tag = "multimodal", responses((status = 200, body = PreviewLink), (status = 404, body = ErrorBody)))]
#[get("/multimodal/content/{id}/preview-link")]
pub async fn preview_link(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<PreviewLink>> {
    let url = files::preview_link(&state, viewer, id.into_inner())
        .await?
        .ok_or(ApiError::NotFound("content"))?;
    Ok(web::Json(PreviewLink { url }))
}
