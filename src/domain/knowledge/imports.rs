//! Creating sources: paste, URL, file and folder imports (and every other importer's sources
//! go through [`create`]). Each creates pending source(s) and queues the ingest job in the same
//! write; the answer is the sources with their status, searchable once `ready`.
use super::extract;
use super::sources_store::{self as store, NewSource, Source};
use super::types::NewImport;
use super::{COLLECTION, folder, ingest};
use crate::access::{self, Viewer};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use std::collections::HashMap;

/// Check the target collection (visible) and the client/project placement (422 when refused).
pub fn check_target(c: &rusqlite::Connection, v: &Viewer, s: &mut NewSource) -> ApiResult<()> {
    check_collection(c, v, s.collection_id.as_deref())?;
    let (client, project) =
        access::check_placement(c, v, s.client_id.as_deref(), s.project_id.as_deref())?
            .map_err(ApiError::from)?;
    s.client_id = client;
    s.project_id = project;
    Ok(())
}

/// A collection to import into must be one the caller may see (404 otherwise).
pub fn check_collection(
    c: &rusqlite::Connection,
    v: &Viewer,
    collection_id: Option<&str>,
) -> ApiResult<()> {
    match collection_id {
        Some(col) if !access::can_view(c, v, &COLLECTION, col)? => {
            Err(ApiError::NotFound("collection"))
        }
        _ => Ok(()),
    }
}

/// Insert sources and queue their ingest in one write; returns them as stored.
pub async fn create(state: &AppState, v: Viewer, items: Vec<NewImport>) -> ApiResult<Vec<Source>> {
    state
        .db
        .write(move |tx| -> ApiResult<Vec<Source>> {
            let mut out = Vec::new();
            for (mut s, blob) in items {
                check_target(tx, &v, &mut s)?;
                let id = store::insert(tx, &s)?;
                if let Some((name, bytes)) = &blob {
                    store::put_blob(tx, &id, name, bytes)?;
                }
                ingest::enqueue(tx, &id)?;
                out.extend(store::get(tx, &v, &id)?);
            }
            Ok(out)
        })
        .await
}

/// Pasted text; the title defaults to its first line.
pub async fn paste(state: &AppState, v: Viewer, mut s: NewSource) -> ApiResult<Source> {
    if s.content.trim().is_empty() {
        return Err(ApiError::unprocessable("content is empty"));
    }
    if s.title.trim().is_empty() {
        s.title = s
            .content
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim_start_matches('#')
            .trim()
            .chars()
            .take(80)
            .collect();
    }
    s.owner_id = v.user_id.clone();
    s.kind = "paste";
    one(create(state, v, vec![(s, None)]).await?)
}

fn one(mut created: Vec<Source>) -> ApiResult<Source> {
    created.pop().ok_or(ApiError::NotFound("source"))
}

/// Refuse a URL the SSRF guard would refuse, now, with a clear 400.
/// 403 for a private address unless an admin allows private networks, 400 for a URL that is not
/// a fetchable http(s) URL.
pub async fn check_user_url(state: &AppState, url: &str) -> ApiResult<()> {
    let st = state.clone();
    let url = url.to_string();
    state
        .db
        .read(move |c| -> ApiResult<()> {
            let allow = crate::settings::store::allow_private_network(c, &st.secrets)?;
            crate::net::check_public_url(&url, allow).map_err(|e| match e {
                // A policy the admin can change, not a malformed request.
                crate::net::UrlRefused::Private(_) => ApiError::forbidden(e.to_string()),
                // A field the request got wrong (not http(s), no host…): 422 like any other.
                _ => ApiError::unprocessable(e.to_string()),
            })?;
            Ok(())
        })
        .await
}

/// A web page, fetched and extracted by the ingest job.
pub async fn url(
    state: &AppState,
    v: Viewer,
    url: &str,
    collection_id: Option<String>,
    title: Option<String>,
) -> ApiResult<Source> {
    let url = url.trim().to_string();
    check_user_url(state, &url).await?;
    let s = NewSource {
        owner_id: v.user_id.clone(),
        collection_id,
        kind: "url",
        title: title.unwrap_or_default(),
        url: Some(url),
        ..Default::default()
    };
    one(create(state, v, vec![(s, None)]).await?)
}

/// An uploaded file (typed by content: 415 when unsupported); `fields` are the form's other
/// fields (`collection_id`, `title`).
pub async fn file(
    state: &AppState,
    v: Viewer,
    filename: String,
    bytes: Vec<u8>,
    mut fields: HashMap<String, String>,
) -> ApiResult<Source> {
    if bytes.is_empty() {
        return Err(ApiError::unprocessable("the file is empty"));
    }
    let kind = extract::sniff(&bytes, &filename)
        .map_err(|e| ApiError::UnsupportedMediaType(e.to_string()))?;
    if kind.is_image() {
        return Err(ApiError::UnsupportedMediaType(
            "unsupported file type: an image (use the visual-scan import)".into(),
        ));
    }
    // A PDF bomb is refused now, not later as a failed import.
    let bytes = if kind == extract::Kind::Pdf {
        super::blocking(move || {
            super::pdf_unpack::check_unpacked(&bytes, super::pdf_unpack::MAX_UNPACKED)
                .map_err(|e| ApiError::PayloadTooLarge(e.to_string()))?;
            Ok(bytes)
        })
        .await?
    } else {
        bytes
    };
    let s = NewSource {
        owner_id: v.user_id.clone(),
        collection_id: fields.remove("collection_id").filter(|s| !s.is_empty()),
        kind: "file",
        title: fields
            .remove("title")
            .filter(|s| !s.is_empty())
            .unwrap_or_default(),
        metadata: serde_json::json!({ "filename": filename, "format": kind }),
        ..Default::default()
    };
    one(create(state, v, vec![(s, Some((filename, bytes)))]).await?)
}

/// Every importable file of a folder inside the configured import roots. Admins only: the
/// roots are the server's file system, configured for the whole instance.
pub async fn folder(
    state: &AppState,
    v: Viewer,
    path: String,
    recursive: bool,
    collection_id: Option<String>,
) -> ApiResult<Vec<Source>> {
    if !v.admin {
        return Err(ApiError::forbidden("folder imports are for admins"));
    }
    let st = state.clone();
    let owner = v.user_id.clone();
    let items = state
        .db
        .read(move |c| -> ApiResult<Vec<NewImport>> {
            let roots = ingest::import_roots(c, &st)?;
            let dir = folder::check_inside(&roots, std::path::Path::new(&path))
                .map_err(|e| ApiError::forbidden(e.to_string()))?;
            let files = folder::list(&roots, &dir, recursive)
                .map_err(|e| ApiError::unprocessable(e.to_string()))?;
            if files.is_empty() {
                return Err(ApiError::unprocessable(
                    "no importable files (pdf, docx, txt, md, csv, html, json) in that folder",
                ));
            }
            Ok(files
                .into_iter()
                .map(|f| {
                    let s = NewSource {
                        owner_id: owner.clone(),
                        collection_id: collection_id.clone(),
                        kind: "folder",
                        title: f
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        url: Some(f.display().to_string()),
                        metadata: serde_json::json!({ "path": f.display().to_string() }),
                        ..Default::default()
                    };
                    (s, None)
                })
                .collect())
        })
        .await?;
    create(state, v, items).await
}
