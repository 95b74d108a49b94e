//! `POST /platforms/{type}/import`. Fetching importers (rss, substack, medium, website, github,
//! notion) queue the `knowledge.platform` job; upload importers (twitter archive zip, youtube
//! .vtt/.srt, visual-scan images) and YouTube captions by URL create their sources now.
use super::extract::{self, MAX_UNPACKED};
use super::imports::{check_collection, check_user_url};
use super::platforms::{self, FETCHED, Item};
use super::sources_store as store;
use super::types::{ImportedMany, Queued};
use super::youtube::{self, YtError};
use super::{exports, vision};
use crate::access::Viewer;
use crate::ai::calls::CallError;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use serde_json::{Value, json};
use std::collections::HashMap;

/// What an import answered: a queued job (202) or the sources created (201).
pub enum Imported {
    Queued(Queued),
    Created(ImportedMany),
}

/// Store parsed items as sources of `platform` for the caller.
pub async fn save_items(
    state: &AppState,
    v: Viewer,
    platform: &'static str,
    collection_id: Option<String>,
    items: Vec<Item>,
) -> ApiResult<ImportedMany> {
    if items.is_empty() {
        return Err(ApiError::unprocessable("nothing to import was found"));
    }
    let sources = state
        .db
        .write(move |tx| -> ApiResult<Vec<store::Source>> {
            check_collection(tx, &v, collection_id.as_deref())?;
            let ids =
                platforms::store_items(tx, &v.user_id, platform, collection_id.as_deref(), items)?;
            let mut out = Vec::new();
            for id in ids {
                out.extend(store::get(tx, &v, &id)?);
            }
            Ok(out)
        })
        .await?;
    Ok(ImportedMany {
        count: sources.len(),
        sources,
    })
}

fn zip_text(bytes: &[u8], suffixes: &[&str]) -> ApiResult<Option<String>> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| ApiError::UnsupportedMediaType(format!("not a zip archive: {e}")))?;
    let name = z
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .find(|n| suffixes.iter().any(|s| n.to_ascii_lowercase().ends_with(s)));
    let Some(name) = name else { return Ok(None) };
    let data =
        extract::zip_member(&mut z, &name, MAX_UNPACKED).map_err(ApiError::PayloadTooLarge)?;
    Ok(data.map(|d| String::from_utf8_lossy(&d).into_owned()))
}

/// An uploaded file for `ty` (twitter archive, youtube captions, visual-scan image); `fields`
/// are the form's text fields (`collection_id`, `title`, `provider`, `model`).
pub async fn upload(
    state: &AppState,
    v: Viewer,
    ty: &str,
    filename: String,
    bytes: Vec<u8>,
    mut fields: HashMap<String, String>,
) -> ApiResult<ImportedMany> {
    let collection = fields.remove("collection_id").filter(|s| !s.is_empty());
    match ty {
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
            save_items(state, v, "twitter", collection, items).await
        }
        "youtube" => {
            let text = exports::captions_text(&String::from_utf8_lossy(&bytes));
            if text.trim().is_empty() {
                return Err(ApiError::unprocessable(
                    "the file holds no caption text (a .vtt or .srt file is expected)",
                ));
            }
            let title = fields
                .remove("title")
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| filename.clone());
            let items = vec![Item {
                external_id: format!("captions:{}", crate::crypto::sha256_hex(&bytes)),
                title,
                url: None,
                text,
                metadata: json!({ "filename": filename, "format": "captions" }),
            }];
            save_items(state, v, "youtube", collection, items).await
        }
        "visual-scan" => {
            let mut field = |n: &str| {
                fields
                    .remove(n)
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
            };
            let (title, provider, model) = (field("title"), field("provider"), field("model"));
            let items =
                visual_scan(state, &v.user_id, filename, bytes, title, provider, model).await?;
            save_items(state, v, "visual-scan", collection, items).await
        }
        _ => Err(ApiError::UnsupportedMediaType(format!(
            "{ty} imports take JSON, not an upload"
        ))),
    }
}

/// A JSON import: fetching platforms queue their job; YouTube by URL fetches captions now.
pub async fn from_params(
    state: &AppState,
    v: Viewer,
    ty: String,
    params: Value,
) -> ApiResult<Imported> {
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
            let items = youtube_captions(state, url).await?;
            let collection = params["collection_id"].as_str().map(str::to_string);
            return Ok(Imported::Created(
                save_items(state, v, "youtube", collection, items).await?,
            ));
        }
        "visual-scan" => {
            return Err(ApiError::UnsupportedMediaType(
                "visual-scan imports take an upload: the image (PNG, JPEG or WebP) as multipart field `file`".into(),
            ));
        }
        _ => return Err(ApiError::NotFound("platform")),
    }
    if params["max_pages"]
        .as_u64()
        .is_some_and(|n| !(1..=super::crawl::MAX_PAGES).contains(&n))
    {
        return Err(ApiError::unprocessable(format!(
            "max_pages must be 1–{}",
            super::crawl::MAX_PAGES
        )));
    }
    if params["delay_ms"]
        .as_u64()
        .is_some_and(|n| n > super::crawl::MAX_DELAY_MS)
    {
        return Err(ApiError::unprocessable(format!(
            "delay_ms must be at most {}",
            super::crawl::MAX_DELAY_MS
        )));
    }
    let url = params["url"].as_str().unwrap_or("").trim().to_string();
    let username = params["username"]
        .as_str()
        .is_some_and(|u| !u.trim().is_empty());
    match ty.as_str() {
        "rss" | "website" if url.is_empty() => {
            return Err(ApiError::unprocessable("url is required"));
        }
        "github" if !username => {
            return Err(ApiError::unprocessable("username is required"));
        }
        "substack" | "medium" if url.is_empty() && !username => {
            return Err(ApiError::unprocessable("url or username is required"));
        }
        _ => {}
    }
    if !url.is_empty() {
        check_user_url(state, &url).await?;
    }
    let collection = params["collection_id"].as_str().map(str::to_string);
    let platform = ty.clone();
    let secrets = state.secrets.clone();
    let job_id = state
        .db
        .write(move |tx| -> ApiResult<Option<i64>> {
            check_collection(tx, &v, collection.as_deref())?;
            let mut p = params;
            // A token the user typed is sealed in the payload and dropped when the job ends.
            let token = p
                .as_object_mut()
                .and_then(|o| {
                    o.remove("collection_id");
                    o.remove("token")
                })
                .and_then(|t| t.as_str().map(|t| secrets.seal(t)));
            Ok(crate::jobs::enqueue(
                tx,
                platforms::KIND,
                json!({ "platform": platform, "owner_id": v.user_id, "collection_id": collection, "params": p,
                        "sealed": { "token": token } }),
            )?)
        })
        .await?;
    Ok(Imported::Queued(Queued {
        platform: ty,
        job_id,
        status: "queued".into(),
    }))
}

/// Describe an uploaded image with a vision model: one item whose text is the description.
async fn visual_scan(
    state: &AppState,
    user_id: &str,
    filename: String,
    bytes: Vec<u8>,
    title: Option<String>,
    provider: Option<String>,
    model: Option<String>,
) -> ApiResult<Vec<Item>> {
    let mime = vision::image_mime(&bytes).ok_or_else(|| {
        ApiError::UnsupportedMediaType("visual-scan reads PNG, JPEG or WebP images".into())
    })?;
    let (st, uid) = (state.clone(), user_id.to_string());
    let digest = crate::crypto::sha256_hex(&bytes);
    let text = super::blocking(move || {
        vision::describe(
            &st,
            &uid,
            &bytes,
            mime,
            provider.as_deref(),
            model.as_deref(),
        )
        .map_err(call_error)
    })
    .await?;
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
        CallError::Unusable(u) => ApiError::from(u),
        CallError::OverBudget(m) => ApiError::too_many(m, 3600),
        CallError::Provider(m) => ApiError::BadGateway(m),
        CallError::Internal(e) => ApiError::Internal(e),
    }
}

/// Captions of a YouTube video, best effort; no captions is a 422 pointing at the upload.
async fn youtube_captions(state: &AppState, url: String) -> ApiResult<Vec<Item>> {
    let st = state.clone();
    let video = super::blocking(move || -> ApiResult<Result<youtube::Video, YtError>> {
        let (allow_private, base) = st.db.read_blocking(|c| -> anyhow::Result<_> {
            Ok((
                crate::settings::store::allow_private_network(c, &st.secrets)?,
                crate::settings::store::get_string(c, &st.secrets, "youtube_base_url")?,
            ))
        })?;
        Ok(youtube::fetch(&st, &url, base, allow_private))
    })
    .await?;
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
