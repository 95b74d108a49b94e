//! POST /sources/import/{paste,url,file,folder}: each creates pending source(s) and queues the
//! ingest job; the response is the source with its status, searchable once `ready`.
use super::multipart;
use super::types::*;
use crate::access::Viewer;
use crate::domain::knowledge::imports;
use crate::domain::knowledge::sources_store::NewSource;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};

#[utoipa::path(tag = "sources", request_body = PasteImport,
    responses((status = 201, body = Source), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/sources/import/paste")]
pub async fn import_paste(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<PasteImport>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let s = NewSource {
        client_id: b.client_id,
        project_id: b.project_id,
        collection_id: b.collection_id,
        platform: b.platform,
        title: b.title.unwrap_or_default(),
        content: b.content,
        ..Default::default()
    };
    Ok(HttpResponse::Created().json(imports::paste(&state, viewer, s).await?))
}

#[utoipa::path(tag = "sources", request_body = UrlImport,
    responses((status = 201, body = Source), (status = 400, body = ErrorBody, description = "not an http(s) URL"), (status = 403, body = ErrorBody, description = "a private-network address, refused unless an admin allows private networks"), (status = 404, body = ErrorBody)))]
#[post("/sources/import/url")]
pub async fn import_url(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<UrlImport>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let s = imports::url(&state, viewer, &b.url, b.collection_id, b.title).await?;
    Ok(HttpResponse::Created().json(s))
}

#[utoipa::path(tag = "sources", request_body(content_type = "multipart/form-data", content = FileImportForm, description = "field `file` (PDF, DOCX, TXT, MD, CSV, HTML, JSON); optional `collection_id`, `title`"),
    responses((status = 201, body = Source), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/sources/import/file")]
pub async fn import_file(
    state: web::Data<AppState>,
    viewer: Viewer,
    req: actix_web::HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let mut parts = multipart::read(
        &req,
        payload,
        state.cfg.upload_limit,
        &["file", "collection_id", "title"],
    )
    .await?;
    let (name, bytes) = multipart::take_file(&mut parts)?;
    let filename = name.unwrap_or_else(|| "upload".into());
    let fields = multipart::text_fields(parts);
    let s = imports::file(&state, viewer, filename, bytes, fields).await?;
    Ok(HttpResponse::Created().json(s))
}

#[utoipa::path(tag = "sources", request_body = FolderImport,
    responses((status = 201, body = ImportedMany), (status = 403, body = ErrorBody, description = "not an admin, or the path is not inside import_roots (a missing path answers the same)"), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/sources/import/folder")]
pub async fn import_folder(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<FolderImport>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let sources = imports::folder(&state, viewer, b.path, b.recursive, b.collection_id).await?;
    Ok(HttpResponse::Created().json(ImportedMany {
        count: sources.len(),
        sources,
    }))
}
