//! /linkedin: URL and pasted imports, the official data export, the li_at cookie, profile
//! sections, and structure-with-ai (SSE) through the `Structurer` seam.
use super::multipart;
use super::types::*;
use crate::access::Viewer;
use crate::domain::knowledge::linkedin_import as linkedin;
use crate::domain::knowledge::structure::{Offline, Structurer};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, post, web};

#[utoipa::path(tag = "linkedin", request_body = LinkedinUrl, responses((status = 201, body = Source), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody, description = "a private-network address, refused unless an admin allows private networks"), (status = 404, body = ErrorBody)))]
#[post("/linkedin/import/url")]
pub async fn import_url(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<LinkedinUrl>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let s = linkedin::import_url(&state, viewer, &b.url, b.collection_id).await?;
    Ok(HttpResponse::Created().json(s))
}

#[utoipa::path(tag = "linkedin", request_body = LinkedinUrls, responses((status = 201, body = ImportedMany), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody, description = "a private-network address, refused unless an admin allows private networks"), (status = 422, body = ErrorBody)))]
#[post("/linkedin/import/multi-url")]
pub async fn import_multi_url(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<LinkedinUrls>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let many = linkedin::import_urls(&state, viewer, b.urls, b.collection_id).await?;
    Ok(HttpResponse::Created().json(many))
}

#[utoipa::path(tag = "linkedin", request_body = BatchPaste, responses((status = 201, body = ImportedMany), (status = 422, body = ErrorBody)))]
#[post("/linkedin/import/batch-paste")]
pub async fn import_batch_paste(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<BatchPaste>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let items = b.items.into_iter().map(|i| (i.title, i.content)).collect();
    let many = linkedin::batch_paste(&state, viewer, items, b.collection_id).await?;
    Ok(HttpResponse::Created().json(many))
}

#[utoipa::path(tag = "linkedin", request_body(content_type = "multipart/form-data", content = DataExportForm, description = "field `file`: the official export zip; optional `collection_id`"),
    responses((status = 201, body = ImportedMany), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/linkedin/import/data-export")]
pub async fn import_data_export(
    state: web::Data<AppState>,
    viewer: Viewer,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    if !multipart::is_multipart(&req) {
        return Err(ApiError::UnsupportedMediaType(
            "upload the export zip as multipart field `file`".into(),
        ));
    }
    let mut parts = multipart::read(
        &req,
        payload,
        state.cfg.upload_limit,
        &["file", "collection_id"],
    )
    .await?;
    let (_, bytes) = multipart::take_file(&mut parts)?;
    let collection = multipart::text_fields(parts)
        .remove("collection_id")
        .filter(|s| !s.is_empty());
    let many = linkedin::data_export(&state, viewer, bytes, collection).await?;
    Ok(HttpResponse::Created().json(many))
}

#[utoipa::path(tag = "linkedin", responses((status = 200, body = CookieStatus)))]
#[get("/linkedin/cookie-status")]
pub async fn cookie_status(
    state: web::Data<AppState>,
    viewer: Viewer,
) -> ApiResult<web::Json<CookieStatus>> {
    Ok(web::Json(
        linkedin::cookie_status(&state, viewer.user_id).await?,
    ))
}

#[utoipa::path(tag = "linkedin", request_body = SaveCookie, responses((status = 200, body = CookieStatus), (status = 422, body = ErrorBody)))]
#[post("/linkedin/save-cookie")]
pub async fn save_cookie(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<SaveCookie>,
) -> ApiResult<web::Json<CookieStatus>> {
    Ok(web::Json(
        linkedin::save_cookie(&state, viewer.user_id, &body.li_at).await?,
    ))
}

/// Import the member's recent posts with their saved li_at cookie (best effort).
#[utoipa::path(tag = "linkedin", request_body(content = Option<AutoExtract>, description = "optional"), responses((status = 201, body = ImportedMany),
    (status = 400, body = ErrorBody, description = "no cookie saved"),
    (status = 502, body = ErrorBody, description = "LinkedIn refused the cookie or answered a login page")))]
#[post("/linkedin/auto-extract")]
pub async fn auto_extract(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: crate::api::optional_json::OptionalJson<AutoExtract>,
) -> ApiResult<HttpResponse> {
    let collection = body.into_inner().unwrap_or_default().collection_id;
    let many = linkedin::auto_extract(&state, viewer, collection).await?;
    Ok(HttpResponse::Created().json(many))
}

#[utoipa::path(tag = "linkedin", responses((status = 200, body = Sections), (status = 404, body = ErrorBody)))]
#[get("/linkedin/sections/{source_id}")]
pub async fn sections(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<Sections>> {
    linkedin::sections(&state, viewer, id.into_inner())
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("source"))
}

#[utoipa::path(tag = "linkedin", request_body = StructureIn,
    responses((status = 200, content_type = "text/event-stream", description = "frames: {type: profile|section|post|done, …}"), (status = 422, body = ErrorBody)))]
#[post("/linkedin/structure-with-ai")]
pub async fn structure_with_ai(
    body: web::Json<StructureIn>,
    _viewer: Viewer,
) -> ApiResult<HttpResponse> {
    let text = body.into_inner().text;
    if text.trim().is_empty() {
        return Err(ApiError::unprocessable("text is empty"));
    }
    // The offline structurer; the AI provider layer replaces it behind the same trait.
    let structurer: Box<dyn Structurer> = Box::new(Offline);
    let frames = structurer.structure(&text).map(|ev| {
        let json = serde_json::to_string(&ev).unwrap_or_else(|_| "{}".into());
        Ok::<_, actix_web::Error>(web::Bytes::from(format!("data: {json}\n\n")))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        .streaming(futures_util::stream::iter(frames)))
}
