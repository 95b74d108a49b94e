//! POST /sources/import/{paste,url,file,folder}: each creates pending source(s) and queues the
//! ingest job; the response is the source with its status, searchable once `ready`.
use super::sources_store::{self as store, NewSource, Source};
use super::types::*;
use crate::access::{self, Viewer};
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::knowledge::{extract, folder, ingest};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};

/// Check the target collection (visible) and the client/project placement.
pub fn check_target(
    c: &rusqlite::Connection,
    v: &Viewer,
    s: &mut NewSource,
) -> Result<(), ApiError> {
    if let Some(col) = &s.collection_id
        && !access::can_see(c, v, "collections", "collection", col)?
    {
        return Err(ApiError::NotFound("collection"));
    }
    match access::check_placement(c, v, s.client_id.as_deref(), s.project_id.as_deref())? {
        Ok((client, project)) => {
            s.client_id = client;
            s.project_id = project;
            Ok(())
        }
        Err(p) => Err(p.into()),
    }
}

/// Insert sources and queue their ingest, in one transaction; returns them as stored.
pub fn create_all(
    c: &mut rusqlite::Connection,
    v: &Viewer,
    mut items: Vec<(NewSource, Option<(String, Vec<u8>)>)>,
) -> Result<Vec<Source>, ApiError> {
    let tx = c.transaction()?;
    let mut ids = Vec::new();
    for (s, blob) in items.iter_mut() {
        check_target(&tx, v, s)?;
        let id = store::insert(&tx, s)?;
        if let Some((name, bytes)) = blob {
            store::put_blob(&tx, &id, name, bytes)?;
        }
        ingest::enqueue(&tx, &id)?;
        ids.push(id);
    }
    tx.commit()?;
    let mut out = Vec::new();
    for id in ids {
        out.extend(store::get(c, v, &id)?);
    }
    Ok(out)
}

pub async fn create(
    state: &AppState,
    v: Viewer,
    items: Vec<(NewSource, Option<(String, Vec<u8>)>)>,
) -> ApiResult<Vec<Source>> {
    let out = state.db.run(move |c| create_all(c, &v, items)).await?;
    state.jobs.notify();
    Ok(out)
}

#[utoipa::path(tag = "sources", request_body = PasteImport,
    responses((status = 201, body = Source), (status = 422, body = ErrorBody)))]
#[post("/sources/import/paste")]
pub async fn import_paste(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<PasteImport>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    if b.content.trim().is_empty() {
        return Err(ApiError::unprocessable("content is empty"));
    }
    let title = b.title.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| {
        b.content
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim_start_matches('#')
            .trim()
            .chars()
            .take(80)
            .collect()
    });
    let s = NewSource {
        owner_id: user.id.clone(),
        client_id: b.client_id,
        project_id: b.project_id,
        collection_id: b.collection_id,
        kind: "paste",
        platform: b.platform,
        title,
        content: b.content,
        ..Default::default()
    };
    let mut out = create(&state, Viewer::from(&user), vec![(s, None)]).await?;
    Ok(HttpResponse::Created().json(out.remove(0)))
}

/// Refuse a URL the SSRF guard would refuse, now, with a clear 400.
pub async fn check_user_url(state: &AppState, url: &str) -> ApiResult<()> {
    let st = state.clone();
    let url = url.to_string();
    state
        .db
        .run(move |c| -> ApiResult<()> {
            let allow = crate::settings::store::allow_private_network(c, &st.secrets)?;
            crate::net::check_public_url(&url, allow)
                .map_err(|e| ApiError::bad_request(e.to_string()))?;
            Ok(())
        })
        .await
}

#[utoipa::path(tag = "sources", request_body = UrlImport,
    responses((status = 201, body = Source), (status = 400, body = ErrorBody, description = "URL refused (scheme, private address)")))]
#[post("/sources/import/url")]
pub async fn import_url(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<UrlImport>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let url = b.url.trim().to_string();
    check_user_url(&state, &url).await?;
    let s = NewSource {
        owner_id: user.id.clone(),
        collection_id: b.collection_id,
        kind: "url",
        title: b.title.unwrap_or_default(),
        url: Some(url),
        ..Default::default()
    };
    let mut out = create(&state, Viewer::from(&user), vec![(s, None)]).await?;
    Ok(HttpResponse::Created().json(out.remove(0)))
}

#[utoipa::path(tag = "sources", request_body(content_type = "multipart/form-data", content = Object, description = "field `file` (PDF, DOCX, TXT, MD, CSV, HTML, JSON); optional `collection_id`, `title`"),
    responses((status = 201, body = Source), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
#[post("/sources/import/file")]
pub async fn import_file(
    state: web::Data<AppState>,
    user: AuthUser,
    req: actix_web::HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let mut parts = super::platforms::read_multipart(&req, payload, state.cfg.upload_limit).await?;
    let file = parts
        .remove("file")
        .map(|(name, bytes)| (name.unwrap_or_else(|| "upload".into()), bytes));
    let mut fields: std::collections::HashMap<String, String> = parts
        .into_iter()
        .filter(|(_, (_, b))| b.len() <= 4096)
        .map(|(k, (_, b))| (k, String::from_utf8_lossy(&b).into_owned()))
        .collect();
    let (filename, bytes) =
        file.ok_or_else(|| ApiError::unprocessable("multipart field `file` is required"))?;
    if bytes.is_empty() {
        return Err(ApiError::unprocessable("the file is empty"));
    }
    let kind = extract::sniff(&bytes, &filename)
        .map_err(|e| ApiError::UnsupportedMediaType(e.to_string()))?;
    let s = NewSource {
        owner_id: user.id.clone(),
        collection_id: fields.remove("collection_id").filter(|s| !s.is_empty()),
        kind: "file",
        title: fields
            .remove("title")
            .filter(|s| !s.is_empty())
            .unwrap_or_default(),
        metadata: serde_json::json!({ "filename": filename, "format": kind }),
        ..Default::default()
    };
    let mut out = create(
        &state,
        Viewer::from(&user),
        vec![(s, Some((filename, bytes)))],
    )
    .await?;
    Ok(HttpResponse::Created().json(out.remove(0)))
}

#[utoipa::path(tag = "sources", request_body = FolderImport,
    responses((status = 201, body = ImportedMany), (status = 403, body = ErrorBody, description = "outside import_roots"), (status = 422, body = ErrorBody)))]
#[post("/sources/import/folder")]
pub async fn import_folder(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<FolderImport>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let st = state.clone();
    let owner = user.id.clone();
    let v = Viewer::from(&user);
    let sources = state
        .db
        .run(move |c| -> ApiResult<Vec<Source>> {
            let roots = ingest::import_roots(c, &st)?;
            let dir =
                folder::check_inside(&roots, std::path::Path::new(&b.path)).map_err(
                    |e| match e {
                        folder::FolderError::Missing(_) => ApiError::unprocessable(e.to_string()),
                        _ => ApiError::forbidden(e.to_string()),
                    },
                )?;
            let files = folder::list(&roots, &dir, b.recursive)
                .map_err(|e| ApiError::unprocessable(e.to_string()))?;
            if files.is_empty() {
                return Err(ApiError::unprocessable(
                    "no importable files (pdf, docx, txt, md, csv, html, json) in that folder",
                ));
            }
            let items = files
                .into_iter()
                .map(|f| {
                    (
                        NewSource {
                            owner_id: owner.clone(),
                            collection_id: b.collection_id.clone(),
                            kind: "folder",
                            title: f
                                .file_name()
                                .map(|n| n.to_string_lossy().into_owned())
                                .unwrap_or_default(),
                            url: Some(f.display().to_string()),
                            metadata: serde_json::json!({ "path": f.display().to_string() }),
                            ..Default::default()
                        },
                        None,
                    )
                })
                .collect();
            create_all(c, &v, items)
        })
        .await?;
    state.jobs.notify();
    Ok(HttpResponse::Created().json(ImportedMany {
        count: sources.len(),
        sources,
    }))
}
