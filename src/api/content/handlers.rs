//! Thin handlers of /content: extract, call one domain operation, respond.
use super::types::*;
use crate::access::Viewer;
use crate::api::sse;
use crate::domain::content::{self as domain, generate, platforms, templates, types::*};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};

const SSE: &str =
    "text/event-stream of {stage} | {content} | {done, content_id, version, warnings} | {error}";

#[utoipa::path(tag = "content", responses((status = 200, body = [platforms::PlatformRules])))]
#[get("/content/platforms")]
pub async fn list_platforms(_viewer: Viewer) -> web::Json<&'static [platforms::PlatformRules]> {
    web::Json(platforms::PLATFORMS)
}

#[utoipa::path(tag = "content", responses((status = 200, body = [ContentTemplate])))]
#[get("/content/templates")]
pub async fn list_templates(
    state: web::Data<AppState>,
    viewer: Viewer,
) -> ApiResult<web::Json<Vec<ContentTemplate>>> {
    Ok(web::Json(templates::list(&state.db, viewer).await?))
}

#[utoipa::path(tag = "content", request_body = CreateTemplateRequest,
    responses((status = 201, body = ContentTemplate), (status = 422, body = ErrorBody)))]
#[post("/content/templates")]
pub async fn create_template(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<CreateTemplateRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let t = templates::NewTemplate {
        name: b.name,
        description: b.description,
        platform: b.platform,
        structure: b.structure,
    };
    Ok(HttpResponse::Created().json(templates::create(&state.db, viewer, t).await?))
}

#[utoipa::path(tag = "content", responses((status = 204), (status = 403, body = ErrorBody, description = "built-in template"),
    (status = 404, body = ErrorBody)))]
#[delete("/content/templates/{id}")]
pub async fn delete_template(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    if !templates::delete(&state.db, viewer, id.into_inner()).await? {
        return Err(ApiError::NotFound("template"));
    }
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "content", request_body = GenerateContentRequest,
    responses((status = 200, description = SSE), (status = 409, body = ErrorBody, description = "the provider is not configured (or has no model installed)"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody, description = "AI budget spent, or too many generations running (for this user or in all; `Retry-After`)")))]
#[post("/content/generate")]
pub async fn generate_content(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<GenerateContentRequest>,
) -> ApiResult<HttpResponse> {
    let ask = generate::Ask::Generate(body.into_inner().into());
    Ok(sse::response(generate::start(&state, viewer, ask).await?))
}

#[utoipa::path(tag = "content", request_body = RefineContentRequest,
    responses((status = 200, description = SSE), (status = 409, body = ErrorBody, description = "the provider is not configured (or has no model installed)"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody, description = "AI budget spent, or too many generations running (for this user or in all; `Retry-After`)")))]
#[post("/content/refine")]
pub async fn refine_content(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<RefineContentRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let ask = generate::Ask::Refine {
        content_id: b.content_id,
        instructions: b.instructions,
        provider: b.provider,
        model: b.model,
    };
    Ok(sse::response(generate::start(&state, viewer, ask).await?))
}

#[utoipa::path(tag = "content", params(ContentQuery, Page),
    responses((status = 200, body = Paged<Content>), (status = 422, body = ErrorBody)))]
#[get("/content/")]
pub async fn list_contents(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ContentQuery>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Content>>> {
    Ok(web::Json(
        domain::list(&state.db, viewer, q.into_inner().into(), page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "content", responses((status = 200, body = ContentDetail), (status = 404, body = ErrorBody)))]
#[get("/content/{id}")]
pub async fn get_content(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<ContentDetail>> {
    let mut detail = domain::get(&state.db, viewer, id.into_inner())
        .await?
        .ok_or(ApiError::NotFound("content"))?;
    // The content area does not know multimodal (the layer rule): the assets are composed here.
    let (id, secrets) = (detail.content.id.clone(), state.secrets.clone());
    detail.assets = state
        .db
        .read(move |c| -> ApiResult<_> {
            Ok(crate::domain::multimodal::summaries(c, &secrets, &id)?
                .into_iter()
                .map(|a| serde_json::to_value(a).unwrap_or_default())
                .collect())
        })
        .await?;
    Ok(web::Json(detail))
}

#[utoipa::path(tag = "content", request_body = UpdateContentRequest,
    responses((status = 200, body = Content), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
#[put("/content/{id}")]
pub async fn update_content(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<UpdateContentRequest>,
) -> ApiResult<web::Json<Content>> {
    domain::update(&state.db, viewer, id.into_inner(), body.into_inner().into())
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("content"))
}

#[utoipa::path(tag = "content", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/content/{id}")]
pub async fn delete_content(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    if !domain::delete(&state.db, viewer, id.into_inner()).await? {
        return Err(ApiError::NotFound("content"));
    }
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "content", params(Page),
    responses((status = 200, body = Paged<ContentVersion>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/content/{id}/versions")]
pub async fn list_versions(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<ContentVersion>>> {
    domain::versions(&state.db, viewer, id.into_inner(), page.into_inner())
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("content"))
}

#[utoipa::path(tag = "content",
    params(("id" = String, Path), ("n" = i64, Path, minimum = 1, maximum = 1000000000, description = "The version's number")),
    responses((status = 200, body = Content), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody, description = "no such content or version")))]
#[post("/content/{id}/versions/{n}/restore")]
pub async fn restore_version(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(String, i64)>,
) -> ApiResult<web::Json<Content>> {
    let (id, n) = path.into_inner();
    domain::restore(&state.db, viewer, id, n)
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("content"))
}

#[utoipa::path(tag = "content", request_body = ContentFeedbackRequest,
    responses((status = 201, body = ContentFeedback), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/content/{id}/feedback")]
pub async fn add_feedback(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<ContentFeedbackRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let f = domain::add_feedback(
        &state.db,
        viewer,
        id.into_inner(),
        b.score,
        b.summary,
        b.tags,
    )
    .await?
    .ok_or(ApiError::NotFound("content"))?;
    Ok(HttpResponse::Created().json(f))
}
