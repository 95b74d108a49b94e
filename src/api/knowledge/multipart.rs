//! Reading multipart bodies (HTTP): every field as (filename, bytes) under the upload cap. The
//! domain gets plain bytes and text fields.
use crate::error::{ApiError, ApiResult};
use actix_web::{HttpRequest, web};
use futures_util::StreamExt;
use std::collections::HashMap;

pub type Parts = HashMap<String, (Option<String>, Vec<u8>)>;

/// Read every multipart field (name → (filename, bytes)) with the upload cap; a field the form
/// does not take (`fields`) is refused with 422, as its document states.
pub async fn read(
    req: &HttpRequest,
    payload: web::Payload,
    cap: usize,
    fields: &[&str],
) -> ApiResult<Parts> {
    let mut form = actix_multipart::Multipart::new(req.headers(), payload);
    let mut parts = HashMap::new();
    let mut total = 0usize;
    while let Some(field) = form.next().await {
        let mut field =
            field.map_err(|e| ApiError::bad_request(format!("bad multipart body: {e}")))?;
        let name = field.name().unwrap_or("").to_string();
        if !fields.contains(&name.as_str()) {
            return Err(ApiError::unprocessable(format!(
                "unknown multipart field {name:?}; this form takes {}",
                fields.join(", ")
            )));
        }
        let filename = field
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_string);
        let mut buf = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk =
                chunk.map_err(|e| ApiError::bad_request(format!("bad multipart body: {e}")))?;
            total += chunk.len();
            if total > cap {
                return Err(ApiError::PayloadTooLarge(format!(
                    "the upload is larger than {cap} bytes"
                )));
            }
            buf.extend_from_slice(&chunk);
        }
        parts.insert(name, (filename, buf));
    }
    Ok(parts)
}

pub fn is_multipart(req: &HttpRequest) -> bool {
    req.headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// The `file` field (filename, bytes): 422 when absent.
pub fn take_file(parts: &mut Parts) -> ApiResult<(Option<String>, Vec<u8>)> {
    let file = parts
        .remove("file")
        .ok_or_else(|| ApiError::unprocessable("multipart field `file` is required"))?;
    if file.1.is_empty() {
        return Err(ApiError::unprocessable("the file is empty"));
    }
    Ok(file)
}

/// The remaining small fields as text.
pub fn text_fields(parts: Parts) -> HashMap<String, String> {
    parts
        .into_iter()
        .filter(|(_, (_, b))| b.len() <= 4096)
        .map(|(k, (_, b))| (k, String::from_utf8_lossy(&b).into_owned()))
        .collect()
}
