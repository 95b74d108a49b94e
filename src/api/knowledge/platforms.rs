//! POST /platforms/{type}/import: JSON queues a fetching import (202) or fetches captions now;
//! a multipart `file` (twitter archive, youtube captions, visual-scan image) creates sources now.
use super::multipart;
use super::types::*;
use crate::access::Viewer;
use crate::domain::knowledge::platform_import::{self, Imported};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde_json::json;

#[utoipa::path(tag = "platforms", params(("type" = String, Path, description = "substack, medium, twitter, youtube, rss, notion, github, website, visual-scan")),
    request_body(content((PlatformImportJson = "application/json"), (PlatformUploadForm = "multipart/form-data")), description = "JSON {url|username, token?, max_pages?, delay_ms?, collection_id?}; multipart `file` for twitter (archive zip), youtube (.vtt/.srt) and visual-scan (PNG/JPEG/WebP, optional `title`, `provider`, `model`)"),
    responses((status = 202, body = Queued), (status = 201, body = ImportedMany), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody, description = "a private-network address, refused unless an admin allows private networks"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "the provider it needs is not configured"),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody), (status = 502, body = ErrorBody)))]
#[post("/platforms/{type}/import")]
pub async fn import_platform(
    state: web::Data<AppState>,
    viewer: Viewer,
    ty: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let ty = ty.into_inner();
    if multipart::is_multipart(&req) {
        let mut parts = multipart::read(
            &req,
            payload,
            state.cfg.upload_limit,
            &["file", "collection_id", "title", "provider", "model"],
        )
        .await?;
        let (filename, bytes) = multipart::take_file(&mut parts)?;
        let fields = multipart::text_fields(parts);
        let created = platform_import::upload(
            &state,
            viewer,
            &ty,
            filename.unwrap_or_default(),
            bytes,
            fields,
        )
        .await?;
        return Ok(HttpResponse::Created().json(created));
    }
    let body = payload
        .to_bytes_limited(state.cfg.json_limit)
        .await
        .map_err(|_| ApiError::PayloadTooLarge("request body too large".into()))?
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    // Typed like any JSON body (a field of the wrong type is 422); fields it does not name are
    // dropped here, so the queued job holds only what the import reads.
    let params: PlatformImportJson = if body.is_empty() {
        serde_json::from_value(json!({}))
    } else {
        serde_json::from_slice(&body)
    }
    .map_err(|e| ApiError::unprocessable(format!("invalid JSON: {e}")))?;
    let params = serde_json::to_value(params).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(
        match platform_import::from_params(&state, viewer, ty, params).await? {
            Imported::Queued(q) => HttpResponse::Accepted().json(q),
            Imported::Created(c) => HttpResponse::Created().json(c),
        },
    )
}
