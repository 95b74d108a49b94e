//! Attachments (a document's text or an image, typed by content through the one file reader)
//! and voice-note transcription.
use super::store;
use super::types::AttachmentResponse;
use crate::ai::{self, Audio, Usage};
use crate::domain::knowledge::{blocking, extract};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Attach an uploaded file to a conversation the caller may see.
pub async fn attach(
    state: &AppState,
    user_id: String,
    conv_id: String,
    filename: String,
    bytes: Vec<u8>,
) -> ApiResult<AttachmentResponse> {
    let conv = super::visible(state, &user_id, &conv_id).await?;
    let kind = extract::sniff(&bytes, &filename).map_err(|_| {
        ApiError::UnsupportedMediaType(
            "unsupported file type: upload a PDF, DOCX, TXT, MD, CSV, PNG, JPEG or WebP".into(),
        )
    })?;
    let (text, bytes) = blocking(move || {
        let text = extract::plain_text(kind, &bytes).map_err(|e| match e {
            extract::ExtractError::TooLarge(m) => ApiError::PayloadTooLarge(m),
            e => ApiError::unprocessable(e.to_string()),
        })?;
        Ok((text, bytes))
    })
    .await?;
    if !kind.is_image() && text.trim().is_empty() {
        return Err(ApiError::unprocessable(
            "no text could be extracted from the file",
        ));
    }
    let att = AttachmentResponse {
        id: uuid::Uuid::now_v7().to_string(),
        conversation_id: conv.id,
        user_id: Some(user_id),
        mime: kind.mime().into(),
        kind: if kind.is_image() { "image" } else { "text" }.into(),
        size: bytes.len() as i64,
        chars: text.chars().count() as i64,
        filename,
        created_at: crate::time::now_rfc3339(),
    };
    let row = att.clone();
    let uid = att.user_id.clone().unwrap_or_default();
    state
        .db
        .write(move |tx| -> ApiResult<()> {
            // Still visible now that the file is read (it may have been deleted or left).
            store::get_visible(tx, &uid, &row.conversation_id)?
                .ok_or(ApiError::NotFound("conversation"))?;
            let data = kind.is_image().then_some(&bytes[..]);
            Ok(store::insert_attachment(tx, &row, &text, data)?)
        })
        .await?;
    Ok(att)
}

/// Transcribe a voice note with the configured provider (logged as `transcription`).
pub async fn transcribe(
    state: &AppState,
    user_id: String,
    conv_id: String,
    filename: String,
    declared: String,
    bytes: Vec<u8>,
) -> ApiResult<String> {
    let conv = super::visible(state, &user_id, &conv_id).await?;
    let state = state.clone();
    blocking(move || -> ApiResult<String> {
        let (provider, model) = state.db.read_blocking(|c| -> ApiResult<_> {
            if let Some(detail) = ai::logs::over_budget(c, &state.secrets, &user_id)? {
                return Err(ApiError::too_many(detail, 3600));
            }
            ai::config::transcriber(c, &state.secrets, &state.http.trusted)?.map_err(ApiError::from)
        })?;
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
            user_id: Some(&user_id),
            error: result.as_ref().err().map(|e| e.message.as_str()),
            latency_ms: started.elapsed().as_millis() as i64,
            ttft_ms: None,
            usage,
            conversation_id: Some(&conv.id),
        };
        state
            .db
            .write_blocking(|tx| ai::logs::record(tx, &state.secrets, &entry))?;
        result.map_err(|e| ApiError::BadGateway(e.message))
    })
    .await
}
