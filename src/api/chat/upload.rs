//! Multipart routes: attach a document or image to a conversation, and transcribe a voice note.
//! Reading the multipart body is HTTP; the domain gets the bytes.
use super::types::*;
use crate::access::Viewer;
use crate::domain::chat::upload;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_multipart::Multipart;
use actix_web::{HttpResponse, post, web};
use futures_util::StreamExt;

/// The `file` field of a multipart body: (filename, declared type, bytes), capped at `limit`.
async fn file_field(mut mp: Multipart, limit: usize) -> ApiResult<(String, String, Vec<u8>)> {
    let mut found = None;
    while let Some(field) = mp.next().await {
        let mut field =
            field.map_err(|e| ApiError::bad_request(format!("malformed multipart body: {e}")))?;
        if field.name() != Some("file") {
            return Err(ApiError::unprocessable(format!(
                "unknown multipart field {:?}; this form takes file",
                field.name().unwrap_or("")
            )));
        }
        let is_file = found.is_none();
        let filename = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .unwrap_or("upload")
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '/' | '\\'))
            .take(200)
            .collect::<String>();
        let declared = field
            .content_type()
            .map(|m| m.essence_str().to_string())
            .unwrap_or_default();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk
                .map_err(|e| ApiError::bad_request(format!("could not read the upload: {e}")))?;
            if is_file {
                if bytes.len() + chunk.len() > limit {
                    return Err(ApiError::PayloadTooLarge(format!(
                        "the file exceeds the {limit}-byte upload limit"
                    )));
                }
                bytes.extend_from_slice(&chunk);
            }
        }
        if is_file {
            found = Some((
                if filename.is_empty() {
                    "upload".into()
                } else {
                    filename
                },
                declared,
                bytes,
            ));
        }
    }
    let found =
        found.ok_or_else(|| ApiError::bad_request("no `file` field in the multipart body"))?;
    if found.2.is_empty() {
        return Err(ApiError::unprocessable("the file is empty"));
    }
    Ok(found)
}

#[utoipa::path(tag = "chat", request_body(content_type = "multipart/form-data", content = FileForm, description = "field `file`: PDF, DOCX, TXT, MD, CSV, PNG, JPEG or WebP"),
    responses((status = 201, body = AttachmentResponse), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody, description = "unsupported file type (checked by content)"), (status = 422, body = ErrorBody)))]
#[post("/chat/conversations/{id}/upload")]
pub async fn upload_attachment(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    mp: Multipart,
) -> ApiResult<HttpResponse> {
    chat_visible(&state, &viewer, &id).await?;
    let (filename, _declared, bytes) = file_field(mp, state.cfg.upload_limit).await?;
    let att = upload::attach(&state, viewer.user_id, id.into_inner(), filename, bytes).await?;
    Ok(HttpResponse::Created().json(att))
}

/// 404 before reading a body for a conversation the caller may not see.
async fn chat_visible(state: &AppState, viewer: &Viewer, id: &str) -> ApiResult<()> {
    crate::domain::chat::visible(state, &viewer.user_id, id)
        .await
        .map(drop)
}

#[utoipa::path(tag = "chat", request_body(content_type = "multipart/form-data", content = FileForm, description = "field `file`: audio (webm, ogg, mp3, m4a, wav)"),
    responses((status = 200, body = TranscriptionResponse), (status = 409, body = ErrorBody, description = "no transcription provider is configured"),
        (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 429, body = ErrorBody), (status = 502, body = ErrorBody)))]
#[post("/chat/conversations/{id}/transcribe")]
pub async fn transcribe(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    mp: Multipart,
) -> ApiResult<web::Json<TranscriptionResponse>> {
    chat_visible(&state, &viewer, &id).await?;
    let (filename, declared, bytes) = file_field(mp, state.cfg.upload_limit).await?;
    let text = upload::transcribe(
        &state,
        viewer.user_id,
        id.into_inner(),
        filename,
        declared,
        bytes,
    )
    .await?;
    Ok(web::Json(TranscriptionResponse { text }))
}
