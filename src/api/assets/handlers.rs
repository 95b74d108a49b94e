//! Handlers of the public capability routes and the shared answer of asset bytes.
use crate::domain::multimodal::assets_store::FileRef;
use crate::domain::multimodal::files;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
/// The single byte range asked for: Ok(None) for the whole file (no or unusable Range header —
/// multiple ranges are answered whole), Err(()) when unsatisfiable.
fn range(req: &HttpRequest, size: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("bytes="))
    else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.split_once('-') else {
        return Ok(None);
    };
    let (a, b) = (a.trim(), b.trim());
    let parsed = match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(s), Ok(e)) if s <= e => Some((s, e.min(size.saturating_sub(1)))),
        (Ok(s), Err(_)) if b.is_empty() => Some((s, size.saturating_sub(1))),
        (Err(_), Ok(n)) if a.is_empty() && n > 0 => {
            Some((size.saturating_sub(n), size.saturating_sub(1)))
        }
        _ => return Ok(None),
    };
    match parsed {
        Some((s, _)) if s >= size => Err(()),
        other => Ok(other),
    }
}

/// Answer an asset's bytes: 304 on a matching If-None-Match, 206 for a satisfiable range, 416
/// otherwise, else 200 — streamed from the blob in chunks.
pub fn serve(req: &HttpRequest, state: &AppState, f: FileRef, cache: &str) -> HttpResponse {
    let etag = format!("\"{}\"", f.sha256);
    let size = f.size as u64;
    let cache_control = format!("{cache}, max-age=3600");
    if req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache_control))
            .finish();
    }
    let (status, start, end) = match range(req, size) {
        Err(()) => {
            return HttpResponse::RangeNotSatisfiable()
                .insert_header((header::CONTENT_RANGE, format!("bytes */{size}")))
                .finish();
        }
        Ok(Some((s, e))) => (actix_web::http::StatusCode::PARTIAL_CONTENT, s, e),
        Ok(None) => (actix_web::http::StatusCode::OK, 0, size.saturating_sub(1)),
    };
    let mut res = HttpResponse::build(status);
    res.insert_header((header::CONTENT_TYPE, f.mime.clone()))
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache_control))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header(("X-Content-Type-Options", "nosniff"));
    if status == actix_web::http::StatusCode::PARTIAL_CONTENT {
        res.insert_header((header::CONTENT_RANGE, format!("bytes {start}-{end}/{size}")));
    }
    if size == 0 {
        return res.body(Vec::<u8>::new());
    }
    let len = end - start + 1;
    let mut rx = files::stream(state, f.blob_id, start, end);
    let body = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    res.no_chunking(len).streaming(body)
}

#[utoipa::path(tag = "assets", security(()),
    responses((status = 200, description = "the asset's bytes (ETag, Cache-Control, Accept-Ranges)"), (status = 206, description = "the requested range"),
        (status = 304, description = "not modified"), (status = 404, body = ErrorBody, description = "unknown, altered or expired token"),
        (status = 416, description = "range not satisfiable")))]
#[get("/assets/{token}")]
pub async fn public_asset(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let f = files::open_public(&state, token.into_inner())
        .await?
        .ok_or(ApiError::NotFound("asset"))?;
    Ok(serve(&req, &state, f, "public"))
}

#[utoipa::path(tag = "assets", security(()),
    responses((status = 200, description = "image/png preview card (1200×630) of the shared content"),
        (status = 404, body = ErrorBody, description = "unknown, altered or expired token")))]
#[get("/screenshots/{token}.png")]
pub async fn screenshot(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let png = files::screenshot(&state, token.into_inner())
        .await?
        .ok_or(ApiError::NotFound("preview"))?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header((header::CACHE_CONTROL, "public, max-age=600"))
        .body(png))
}
