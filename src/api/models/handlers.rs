//! Thin admin handlers of the models area.
use crate::auth::AdminUser;
use crate::domain::models::{self, types::*};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use futures_util::StreamExt;

/// Every model the app knows: present, size on disk, active, loaded, busy.
#[utoipa::path(tag = "models", responses((status = 200, body = ModelList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
#[get("/models")]
pub async fn list_models(
    state: web::Data<AppState>,
    _admin: AdminUser,
) -> ApiResult<web::Json<ModelList>> {
    Ok(web::Json(models::list(&state).await?))
}

/// Download a local LLM from its published URL (or the `local_llm_download_url` base),
/// sha256-verified. SSE: `{stage: "downloading", done, total}` … then `{done: true, model}`
/// or `{error}`.
#[utoipa::path(tag = "models", params(("name" = String, Path, description = "smollm2-135m, qwen2.5-0.5b or qwen2.5-1.5b", pattern = "^(smollm2-135m|qwen2\\.5-0\\.5b|qwen2\\.5-1\\.5b)$")),
    responses((status = 200, description = "text/event-stream of progress frames", content_type = "text/event-stream"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/models/{name}/pull")]
pub async fn pull_model(
    state: web::Data<AppState>,
    _admin: AdminUser,
    name: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let install = models::begin(&state, &name)?;
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    let st = state.get_ref().clone();
    std::thread::Builder::new()
        .name("model-pull".into())
        .spawn(move || {
            models::download(&st, install, &mut crate::ai::agent::ChannelFrames::new(tx))
        })
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(crate::api::sse::response(rx))
}

/// Upload a model file (the raw GGUF as the body, `Content-Length` = its published size); it
/// is installed only when its sha256 is the pinned one.
#[utoipa::path(tag = "models", params(("name" = String, Path, description = "smollm2-135m, qwen2.5-0.5b or qwen2.5-1.5b", pattern = "^(smollm2-135m|qwen2\\.5-0\\.5b|qwen2\\.5-1\\.5b)$")),
    request_body(content = inline(crate::api::models::types::Binary), content_type = "application/octet-stream", description = "the GGUF file"),
    responses((status = 200, body = ModelInfo), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/models/{name}/file")]
pub async fn upload_model(
    state: web::Data<AppState>,
    _admin: AdminUser,
    req: HttpRequest,
    name: web::Path<String>,
    mut body: web::Payload,
) -> ApiResult<web::Json<ModelInfo>> {
    let length: Option<u64> = req
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok()?.parse().ok());
    let install = models::begin(&state, &name)?;
    let Some(length) = length else {
        return Err(ApiError::unprocessable(
            "send the file with its Content-Length",
        ));
    };
    if length != install.spec.size {
        return Err(ApiError::unprocessable(format!(
            "{} is {} bytes, this upload is {length}",
            install.spec.file, install.spec.size
        )));
    }
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    let st = state.get_ref().clone();
    let writer = web::block(move || models::receive(&st, install, rx));
    let feeding = async move {
        while let Some(chunk) = body.next().await {
            let chunk =
                chunk.map_err(|e| ApiError::BadRequest(format!("reading the upload: {e}")))?;
            if tx.send(chunk).await.is_err() {
                break;
            }
        }
        Ok::<_, ApiError>(())
    };
    let (fed, written) = tokio::join!(feeding, writer);
    let info = written??;
    fed?;
    Ok(web::Json(info))
}

/// Remove an installed local LLM file.
#[utoipa::path(tag = "models", params(("name" = String, Path, description = "smollm2-135m, qwen2.5-0.5b or qwen2.5-1.5b", pattern = "^(smollm2-135m|qwen2\\.5-0\\.5b|qwen2\\.5-1\\.5b)$")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[delete("/models/{name}")]
pub async fn delete_model(
    state: web::Data<AppState>,
    _admin: AdminUser,
    name: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let st = state.get_ref().clone();
    web::block(move || models::remove(&st, &name)).await??;
    Ok(HttpResponse::NoContent().finish())
}
