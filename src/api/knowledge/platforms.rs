//! POST /platforms/{type}/import. Fetching importers (rss, substack, medium, website, github,
//! notion) queue a job and answer 202; upload importers (twitter archive zip, youtube .vtt/.srt)
//! parse the file now and answer with the sources created.
use super::imports::check_user_url;
use super::sources_store::{self as store, Source};
use super::types::ImportedMany;
use crate::access::{self, Viewer};
use crate::ai::calls::CallError;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::knowledge::extract::{self, MAX_UNPACKED};
use crate::knowledge::platforms::{self, FETCHED, Item};
use crate::knowledge::youtube::{self, YtError};
use crate::knowledge::{exports, vision};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, post, web};
use futures_util::StreamExt;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use utoipa::ToSchema;

pub type Parts = HashMap<String, (Option<String>, Vec<u8>)>;

/// Read every multipart field (name → (filename, bytes)) with the upload cap.
pub async fn read_multipart(
    req: &HttpRequest,
    payload: web::Payload,
    cap: usize,
) -> ApiResult<Parts> {
    let mut form = actix_multipart::Multipart::new(req.headers(), payload);
    let mut parts = HashMap::new();
    let mut total = 0usize;
    while let Some(field) = form.next().await {
        let mut field =
            field.map_err(|e| ApiError::bad_request(format!("bad multipart body: {e}")))?;
        let name = field.name().unwrap_or("").to_string();
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

/// Store parsed items as sources of `platform` for the caller; answer 201 with them.
pub async fn save_items(
    state: &AppState,
    user: &AuthUser,
    platform: &'static str,
    collection_id: Option<String>,
    items: Vec<Item>,
) -> ApiResult<HttpResponse> {
    if items.is_empty() {
        return Err(ApiError::unprocessable("nothing to import was found"));
    }
    let v = Viewer::from(user);
    let sources = state
        .db
        .run(move |c| -> ApiResult<Vec<Source>> {
            if let Some(col) = &collection_id
                && !access::can_see(c, &v, "collections", "collection", col)?
            {
                return Err(ApiError::NotFound("collection"));
            }
            let ids =
                platforms::store_items(c, &v.user_id, platform, collection_id.as_deref(), items)?;
            let mut out = Vec::new();
            for id in ids {
                out.extend(store::get(c, &v, &id)?);
            }
            Ok(out)
        })
        .await?;
    state.jobs.notify();
    Ok(HttpResponse::Created().json(ImportedMany {
        count: sources.len(),
        sources,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct Queued {
    pub platform: String,
    pub job_id: Option<i64>,
    /// `queued`: sources appear (pending → ready) as the job fetches items.
    pub status: String,
}

fn zip_text(bytes: &[u8], suffixes: &[&str]) -> ApiResult<Option<String>> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| ApiError::unprocessable(format!("not a zip archive: {e}")))?;
    let name = z
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .find(|n| suffixes.iter().any(|s| n.to_ascii_lowercase().ends_with(s)));
    let Some(name) = name else { return Ok(None) };
    let data =
        extract::zip_member(&mut z, &name, MAX_UNPACKED).map_err(ApiError::PayloadTooLarge)?;
    Ok(data.map(|d| String::from_utf8_lossy(&d).into_owned()))
}

#[utoipa::path(tag = "platforms", params(("type" = String, Path, description = "substack, medium, twitter, youtube, rss, notion, github, website, visual-scan")),
    request_body(content = Object, description = "JSON {url|username, token?, max_pages?, delay_ms?, collection_id?}; multipart `file` for twitter (archive zip), youtube (.vtt/.srt) and visual-scan (PNG/JPEG/WebP, optional `title`, `provider`, `model`)"),
    responses((status = 202, body = Queued), (status = 201, body = ImportedMany), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/platforms/{type}/import")]
pub async fn import_platform(
    state: web::Data<AppState>,
    user: AuthUser,
    ty: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let ty = ty.into_inner();
    let cap = state.cfg.upload_limit;
    if is_multipart(&req) {
        let mut parts = read_multipart(&req, payload, cap).await?;
        let collection = parts
            .remove("collection_id")
            .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
            .filter(|s| !s.is_empty());
        let (filename, bytes) = parts
            .remove("file")
            .ok_or_else(|| ApiError::unprocessable("multipart field `file` is required"))?;
        let filename = filename.unwrap_or_default();
        return match ty.as_str() {
            "twitter" => {
                let js = zip_text(&bytes, &["data/tweets.js", "data/tweet.js"])?
                    .ok_or_else(|| ApiError::unprocessable("the archive has no data/tweets.js"))?;
                let tweets = exports::parse_tweets_js(&js).map_err(ApiError::unprocessable)?;
                let items = tweets
                    .into_iter()
                    .map(|t| Item {
                        external_id: t.id.clone(),
                        title: t.text.chars().take(80).collect(),
                        url: Some(format!("https://x.com/i/status/{}", t.id)),
                        text: t.text,
                        metadata: json!({ "created_at": t.created_at }),
                    })
                    .collect();
                save_items(&state, &user, "twitter", collection, items).await
            }
            "youtube" => {
                let text = exports::captions_text(&String::from_utf8_lossy(&bytes));
                let title = parts
                    .remove("title")
                    .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| filename.clone());
                let items = vec![Item {
                    external_id: format!("captions:{}", crate::crypto::sha256_hex(&bytes)),
                    title,
                    url: None,
                    text,
                    metadata: json!({ "filename": filename, "format": "captions" }),
                }];
                save_items(&state, &user, "youtube", collection, items).await
            }
            "visual-scan" => {
                let mut text_field = |n: &str| {
                    parts
                        .remove(n)
                        .map(|(_, b)| String::from_utf8_lossy(&b).trim().to_string())
                        .filter(|s| !s.is_empty())
                };
                let (title, provider, model) = (
                    text_field("title"),
                    text_field("provider"),
                    text_field("model"),
                );
                let items =
                    visual_scan(&state, &user, filename, bytes, title, provider, model).await?;
                save_items(&state, &user, "visual-scan", collection, items).await
            }
            _ => Err(ApiError::UnsupportedMediaType(format!(
                "{ty} imports take JSON, not an upload"
            ))),
        };
    }
    let body = payload
        .to_bytes_limited(state.cfg.json_limit)
        .await
        .map_err(|_| ApiError::PayloadTooLarge("request body too large".into()))?
        .map_err(|e| ApiError::bad_request(e.to_string()))?;
    let params: Value = if body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::unprocessable(format!("invalid JSON: {e}")))?
    };
    match ty.as_str() {
        t if FETCHED.contains(&t) => {}
        "twitter" => {
            return Err(ApiError::unprocessable(
                "upload the official archive zip as multipart field `file`",
            ));
        }
        "youtube" => {
            let url = params["url"].as_str().unwrap_or("").trim().to_string();
            if url.is_empty() {
                return Err(ApiError::unprocessable(
                    "url is required (or upload the .vtt or .srt file as multipart field `file`)",
                ));
            }
            let items = youtube_captions(&state, url).await?;
            let collection = params["collection_id"].as_str().map(str::to_string);
            return save_items(&state, &user, "youtube", collection, items).await;
        }
        "visual-scan" => {
            return Err(ApiError::unprocessable(
                "upload the image (PNG, JPEG or WebP) as multipart field `file`",
            ));
        }
        _ => return Err(ApiError::NotFound("platform")),
    }
    let url = params["url"].as_str().unwrap_or("").trim().to_string();
    match ty.as_str() {
        "rss" | "website" if url.is_empty() => {
            return Err(ApiError::unprocessable("url is required"));
        }
        "github"
            if params["username"]
                .as_str()
                .is_none_or(|u| u.trim().is_empty()) =>
        {
            return Err(ApiError::unprocessable("username is required"));
        }
        "substack" | "medium"
            if url.is_empty()
                && params["username"]
                    .as_str()
                    .is_none_or(|u| u.trim().is_empty()) =>
        {
            return Err(ApiError::unprocessable("url or username is required"));
        }
        _ => {}
    }
    if !url.is_empty() {
        check_user_url(&state, &url).await?;
    }
    let v = Viewer::from(&user);
    let collection = params["collection_id"].as_str().map(str::to_string);
    let ty2 = ty.clone();
    let job_id = state
        .db
        .run(move |c| -> ApiResult<Option<i64>> {
            if let Some(col) = &collection
                && !access::can_see(c, &v, "collections", "collection", col)? {
                    return Err(ApiError::NotFound("collection"));
                }
            let mut p = params.clone();
            if let Some(o) = p.as_object_mut() {
                o.remove("collection_id");
            }
            Ok(crate::jobs::enqueue(c, platforms::KIND, json!({ "platform": ty2, "owner_id": v.user_id, "collection_id": collection, "params": p }))?)
        })
        .await?;
    state.jobs.notify();
    Ok(HttpResponse::Accepted().json(Queued {
        platform: ty,
        job_id,
        status: "queued".into(),
    }))
}

/// Describe an uploaded image with a vision model: one item whose text is the description.
async fn visual_scan(
    state: &AppState,
    user: &AuthUser,
    filename: String,
    bytes: Vec<u8>,
    title: Option<String>,
    provider: Option<String>,
    model: Option<String>,
) -> ApiResult<Vec<Item>> {
    let mime = vision::image_mime(&bytes).ok_or_else(|| {
        ApiError::UnsupportedMediaType("visual-scan reads PNG, JPEG or WebP images".into())
    })?;
    let (st, uid) = (state.clone(), user.id.clone());
    let digest = crate::crypto::sha256_hex(&bytes);
    let text = web::block(move || {
        vision::describe(
            &st,
            &uid,
            &bytes,
            mime,
            provider.as_deref(),
            model.as_deref(),
        )
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))?
    .map_err(call_error)?;
    Ok(vec![Item {
        external_id: format!("image:{digest}"),
        title: title.unwrap_or_else(|| vision::title_of(&text)),
        url: None,
        metadata: json!({ "filename": filename, "mime": mime, "format": "image-description" }),
        text,
    }])
}

/// A failed AI call as the user should see it.
pub fn call_error(e: CallError) -> ApiError {
    match e {
        CallError::NotConfigured(m) => ApiError::BadRequest(m),
        CallError::OverBudget(m) => ApiError::too_many(m, 3600),
        CallError::Provider(m) => ApiError::BadGateway(m),
        CallError::Internal(e) => ApiError::Internal(e),
    }
}

/// Captions of a YouTube video, best effort; no captions is a 422 pointing at the upload.
async fn youtube_captions(state: &AppState, url: String) -> ApiResult<Vec<Item>> {
    let st = state.clone();
    let video = web::block(move || -> anyhow::Result<Result<youtube::Video, YtError>> {
        let c = st.db.conn()?;
        let allow_private = crate::settings::store::allow_private_network(&c, &st.secrets)?;
        let base = crate::settings::store::get_string(&c, &st.secrets, "youtube_base_url")?;
        drop(c);
        Ok(youtube::fetch(&st, &url, base, allow_private))
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))??;
    let v = video.map_err(|e| match e {
        YtError::BadUrl(m) => ApiError::unprocessable(m),
        YtError::NoCaptions(m) => ApiError::unprocessable(format!(
            "{m}; upload the .vtt or .srt file as multipart field `file` instead"
        )),
        YtError::Fetch(m) => ApiError::BadGateway(format!(
            "{m}; upload the .vtt or .srt file as multipart field `file` instead"
        )),
    })?;
    Ok(vec![Item {
        external_id: format!("youtube:{}", v.id),
        url: Some(format!("https://www.youtube.com/watch?v={}", v.id)),
        metadata: json!({ "video_id": v.id, "author": v.author, "language": v.language, "format": "captions" }),
        title: v.title,
        text: v.text,
    }])
}
