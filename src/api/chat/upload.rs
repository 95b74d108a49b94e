//! Multipart routes: attach a document or image to a conversation, and transcribe a voice note.
use super::extract;
use super::handlers::visible;
use super::store;
use super::types::*;
use crate::ai::{self, Audio, Usage};
use crate::auth::AuthUser;
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
        let is_file = field.name() == Some("file") && found.is_none();
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

#[utoipa::path(tag = "chat", request_body(content_type = "multipart/form-data", description = "field `file`: PDF, DOCX, TXT, MD, CSV, PNG, JPEG or WebP"),
    responses((status = 201, body = AttachmentResponse), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody, description = "unsupported file type (checked by content)"), (status = 422, body = ErrorBody)))]
#[post("/chat/conversations/{id}/upload")]
pub async fn upload_attachment(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    mp: Multipart,
) -> ApiResult<HttpResponse> {
    let conv = visible(&state, &user, &id).await?;
    let (filename, _declared, bytes) = file_field(mp, state.cfg.upload_limit).await?;
    let kind = extract::sniff(&bytes).ok_or_else(|| {
        ApiError::UnsupportedMediaType(
            "unsupported file type: upload a PDF, DOCX, TXT, MD, CSV, PNG, JPEG or WebP".into(),
        )
    })?;
    let uid = user.id.clone();
    let att = web::block(move || -> ApiResult<AttachmentResponse> {
        let text = extract::text(&kind, &bytes).map_err(ApiError::Unprocessable)?;
        if !kind.is_image() && text.trim().is_empty() {
            return Err(ApiError::unprocessable(
                "no text could be extracted from the file",
            ));
        }
        let att = AttachmentResponse {
            id: uuid::Uuid::now_v7().to_string(),
            conversation_id: conv.id.clone(),
            user_id: Some(uid),
            mime: kind.mime(&filename).into(),
            kind: if kind.is_image() { "image" } else { "text" }.into(),
            size: bytes.len() as i64,
            chars: text.chars().count() as i64,
            filename,
            created_at: crate::time::now_rfc3339(),
        };
        let data = kind.is_image().then_some(&bytes[..]);
        store::insert_attachment(&*state.db.conn()?, &att, &text, data)?;
        Ok(att)
    })
    .await??;
    Ok(HttpResponse::Created().json(att))
}

#[utoipa::path(tag = "chat", request_body(content_type = "multipart/form-data", description = "field `file`: audio (webm, ogg, mp3, m4a, wav)"),
    responses((status = 200, body = TranscriptionResponse), (status = 400, body = ErrorBody, description = "no transcription provider configured"),
        (status = 404, body = ErrorBody), (status = 502, body = ErrorBody)))]
#[post("/chat/conversations/{id}/transcribe")]
pub async fn transcribe(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    mp: Multipart,
) -> ApiResult<web::Json<TranscriptionResponse>> {
    let conv = visible(&state, &user, &id).await?;
    let (filename, declared, bytes) = file_field(mp, state.cfg.upload_limit).await?;
    let uid = user.id.clone();
    let text = web::block(move || -> ApiResult<String> {
        let c = state.db.conn()?;
        if let Some(detail) = ai::logs::over_budget(&c, &state.secrets, &uid)? {
            return Err(ApiError::too_many(detail, 3600));
        }
        let (provider, model) = ai::config::transcriber(&c, &state.secrets, &state.http.trusted)?
            .map_err(ApiError::BadRequest)?;
        drop(c);
        let mime = if declared.is_empty() {
            "application/octet-stream".to_string()
        } else {
            declared
        };
        let audio = Audio {
            filename,
            mime,
            bytes,
        };
        let started = std::time::Instant::now();
        let result = provider.transcribe(&model, &audio);
        let usage = match &result {
            Ok(t) => Usage {
                output_tokens: ai::estimate_tokens(t),
                total_tokens: ai::estimate_tokens(t),
                input_tokens: 0,
            },
            Err(_) => Usage::default(),
        };
        let entry = ai::logs::Entry {
            provider: provider.name(),
            model: &model,
            function: "transcription",
            user_id: Some(&uid),
            error: result.as_ref().err().map(|e| e.message.as_str()),
            latency_ms: started.elapsed().as_millis() as i64,
            ttft_ms: None,
            usage,
            conversation_id: Some(&conv.id),
        };
        ai::logs::record(&*state.db.conn()?, &state.secrets, &entry)?;
        result.map_err(|e| ApiError::BadGateway(e.message))
    })
    .await??;
    Ok(web::Json(TranscriptionResponse { text }))
}
