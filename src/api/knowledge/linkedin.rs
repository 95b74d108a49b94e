//! /linkedin: URL and pasted imports, the official data export, the li_at cookie (sealed at
//! rest), profile sections, and structure-with-ai (SSE) through the `Structurer` seam.
use super::imports::{check_user_url, create};
use super::linkedin_store;
use super::platforms::{is_multipart, read_multipart, save_items};
use super::sources_store::{self as store, NewSource, Source};
use super::types::ImportedMany;
use crate::access::Viewer;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::knowledge::structure::{Offline, Section, Structured, Structurer};
use crate::knowledge::{linkedin, linkedin_fetch};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct LinkedinUrl {
    pub url: String,
    pub collection_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct LinkedinUrls {
    pub urls: Vec<String>,
    pub collection_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct PastedItem {
    pub title: Option<String>,
    pub content: String,
}

#[derive(Deserialize, ToSchema)]
pub struct BatchPaste {
    pub items: Vec<PastedItem>,
    pub collection_id: Option<String>,
}

fn url_source(
    user: &AuthUser,
    url: String,
    collection_id: Option<String>,
) -> (NewSource, Option<(String, Vec<u8>)>) {
    (
        NewSource {
            owner_id: user.id.clone(),
            collection_id,
            kind: "url",
            platform: Some("linkedin".into()),
            external_id: Some(url.clone()),
            url: Some(url),
            ..Default::default()
        },
        None,
    )
}

#[utoipa::path(tag = "linkedin", request_body = LinkedinUrl, responses((status = 201, body = Source), (status = 400, body = ErrorBody)))]
#[post("/linkedin/import/url")]
pub async fn import_url(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<LinkedinUrl>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let url = b.url.trim().to_string();
    check_user_url(&state, &url).await?;
    let mut out = create(
        &state,
        Viewer::from(&user),
        vec![url_source(&user, url, b.collection_id)],
    )
    .await?;
    Ok(HttpResponse::Created().json(out.remove(0)))
}

#[utoipa::path(tag = "linkedin", request_body = LinkedinUrls, responses((status = 201, body = ImportedMany), (status = 400, body = ErrorBody)))]
#[post("/linkedin/import/multi-url")]
pub async fn import_multi_url(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<LinkedinUrls>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    if b.urls.is_empty() || b.urls.len() > 100 {
        return Err(ApiError::unprocessable("give 1–100 URLs"));
    }
    let mut items = Vec::new();
    for u in b.urls {
        let u = u.trim().to_string();
        check_user_url(&state, &u)
            .await
            .map_err(|e| ApiError::bad_request(format!("{u}: {e}")))?;
        items.push(url_source(&user, u, b.collection_id.clone()));
    }
    let sources = create(&state, Viewer::from(&user), items).await?;
    Ok(HttpResponse::Created().json(ImportedMany {
        count: sources.len(),
        sources,
    }))
}

#[utoipa::path(tag = "linkedin", request_body = BatchPaste, responses((status = 201, body = ImportedMany), (status = 422, body = ErrorBody)))]
#[post("/linkedin/import/batch-paste")]
pub async fn import_batch_paste(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<BatchPaste>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let items: Vec<_> = b
        .items
        .into_iter()
        .filter(|i| !i.content.trim().is_empty())
        .map(|i| {
            let title = i.title.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| {
                i.content
                    .lines()
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(80)
                    .collect()
            });
            (
                NewSource {
                    owner_id: user.id.clone(),
                    collection_id: b.collection_id.clone(),
                    kind: "paste",
                    platform: Some("linkedin".into()),
                    title,
                    content: i.content,
                    ..Default::default()
                },
                None,
            )
        })
        .collect();
    if items.is_empty() || items.len() > 500 {
        return Err(ApiError::unprocessable("give 1–500 non-empty items"));
    }
    let sources = create(&state, Viewer::from(&user), items).await?;
    Ok(HttpResponse::Created().json(ImportedMany {
        count: sources.len(),
        sources,
    }))
}

#[utoipa::path(tag = "linkedin", request_body(content_type = "multipart/form-data", content = Object, description = "field `file`: the official export zip; optional `collection_id`"),
    responses((status = 201, body = ImportedMany), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/linkedin/import/data-export")]
pub async fn import_data_export(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    if !is_multipart(&req) {
        return Err(ApiError::UnsupportedMediaType(
            "upload the export zip as multipart field `file`".into(),
        ));
    }
    let mut parts = read_multipart(&req, payload, state.cfg.upload_limit).await?;
    let collection = parts
        .remove("collection_id")
        .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
        .filter(|s| !s.is_empty());
    let (_, bytes) = parts
        .remove("file")
        .ok_or_else(|| ApiError::unprocessable("multipart field `file` is required"))?;
    let items = web::block(move || linkedin::parse_export(&bytes))
        .await?
        .map_err(ApiError::unprocessable)?;
    save_items(&state, &user, "linkedin", collection, items).await
}

#[derive(Serialize, ToSchema)]
pub struct CookieStatus {
    pub saved: bool,
    pub updated_at: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct SaveCookie {
    pub li_at: String,
}

#[utoipa::path(tag = "linkedin", responses((status = 200, body = CookieStatus)))]
#[get("/linkedin/cookie-status")]
pub async fn cookie_status(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<CookieStatus>> {
    let uid = user.id.clone();
    let row = state.db.run(move |c| linkedin_store::get(c, &uid)).await?;
    Ok(web::Json(CookieStatus {
        saved: row.is_some(),
        updated_at: row.map(|r| r.1),
    }))
}

#[utoipa::path(tag = "linkedin", request_body = SaveCookie, responses((status = 200, body = CookieStatus), (status = 422, body = ErrorBody)))]
#[post("/linkedin/save-cookie")]
pub async fn save_cookie(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<SaveCookie>,
) -> ApiResult<web::Json<CookieStatus>> {
    let v = body.into_inner().li_at.trim().to_string();
    if v.len() < 10 || v.len() > 4096 || v.contains(char::is_whitespace) || v.contains(';') {
        return Err(ApiError::unprocessable(
            "li_at must be the cookie value alone (no spaces or ';')",
        ));
    }
    let sealed = state.secrets.seal(&v);
    let uid = user.id.clone();
    let at = state
        .db
        .run(move |c| linkedin_store::save(c, &uid, &sealed))
        .await?;
    Ok(web::Json(CookieStatus {
        saved: true,
        updated_at: Some(at),
    }))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct AutoExtract {
    pub collection_id: Option<String>,
}

/// Import the member's recent posts with their saved li_at cookie (best effort).
#[utoipa::path(tag = "linkedin", request_body = AutoExtract, responses((status = 201, body = ImportedMany),
    (status = 400, body = ErrorBody, description = "no cookie saved"),
    (status = 502, body = ErrorBody, description = "LinkedIn refused the cookie or answered a login page")))]
#[post("/linkedin/auto-extract")]
pub async fn auto_extract(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Option<web::Json<AutoExtract>>,
) -> ApiResult<HttpResponse> {
    let collection = body
        .map(|b| b.into_inner())
        .unwrap_or_default()
        .collection_id;
    let (st, uid) = (state.clone(), user.id.clone());
    let items = web::block(
        move || -> ApiResult<Vec<crate::knowledge::platforms::Item>> {
            use crate::settings::store as settings;
            let c = st.db.conn()?;
            let Some((sealed, _)) = linkedin_store::get(&c, &uid)? else {
                return Err(ApiError::bad_request(
                    "save your li_at cookie first (POST /linkedin/save-cookie)",
                ));
            };
            let li_at = st.secrets.open(&sealed)?;
            let base = settings::get_string(&c, &st.secrets, "linkedin_base_url")?;
            let allow_private = settings::allow_private_network(&c, &st.secrets)?;
            drop(c);
            linkedin_fetch::recent_posts(&st, &li_at, base, allow_private).map_err(|e| match e {
                linkedin_fetch::FetchError::Refused(m) => ApiError::BadGateway(m),
                linkedin_fetch::FetchError::Other(e) => {
                    ApiError::BadGateway(format!("LinkedIn could not be reached: {e:#}"))
                }
            })
        },
    )
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))??;
    if items.is_empty() {
        return Err(ApiError::BadGateway(
            "LinkedIn answered but listed no posts with text for this member".into(),
        ));
    }
    save_items(&state, &user, "linkedin", collection, items).await
}

#[derive(Serialize, ToSchema)]
pub struct Sections {
    pub source_id: String,
    pub sections: Vec<Section>,
}

#[utoipa::path(tag = "linkedin", responses((status = 200, body = Sections), (status = 404, body = ErrorBody)))]
#[get("/linkedin/sections/{source_id}")]
pub async fn sections(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Sections>> {
    let v = Viewer::from(&user);
    let id = id.into_inner();
    let (src, content) = state
        .db
        .run(move |c| -> ApiResult<Option<(Source, String)>> {
            let Some(s) = store::get(c, &v, &id)? else {
                return Ok(None);
            };
            Ok(store::get_any(c, &id)?.map(|(_, t)| (s, t)))
        })
        .await?
        .ok_or(ApiError::NotFound("source"))?;
    // An export's profile carries its sections; any other text is structured now.
    let sections: Vec<Section> = match src.metadata.get("sections").cloned() {
        Some(s) => serde_json::from_value::<Vec<SectionIn>>(s)
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect(),
        None => Offline
            .structure(&content)
            .filter_map(|s| match s {
                Structured::Section(sec) => Some(sec),
                _ => None,
            })
            .collect(),
    };
    Ok(web::Json(Sections {
        source_id: src.id,
        sections,
    }))
}

/// Sections as stored in metadata (the same shape, read back).
#[derive(Deserialize)]
struct SectionIn {
    name: String,
    entries: Vec<EntryIn>,
}
#[derive(Deserialize)]
struct EntryIn {
    title: String,
    organization: String,
    start: Option<String>,
    end: Option<String>,
    text: String,
    bullets: Vec<String>,
}
impl From<SectionIn> for Section {
    fn from(s: SectionIn) -> Self {
        Section {
            name: s.name,
            entries: s
                .entries
                .into_iter()
                .map(|e| linkedin::Entry {
                    title: e.title,
                    organization: e.organization,
                    start: e.start,
                    end: e.end,
                    text: e.text,
                    bullets: e.bullets,
                })
                .collect(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct StructureIn {
    pub text: String,
}

#[utoipa::path(tag = "linkedin", request_body = StructureIn,
    responses((status = 200, content_type = "text/event-stream", description = "frames: {type: profile|section|post|done, …}"), (status = 422, body = ErrorBody)))]
#[post("/linkedin/structure-with-ai")]
pub async fn structure_with_ai(
    body: web::Json<StructureIn>,
    _user: AuthUser,
) -> ApiResult<HttpResponse> {
    let text = body.into_inner().text;
    if text.trim().is_empty() {
        return Err(ApiError::unprocessable("text is empty"));
    }
    // The offline structurer; the AI provider layer replaces it behind the same trait.
    let structurer: Box<dyn Structurer> = Box::new(Offline);
    let frames = structurer.structure(&text).map(|ev| {
        let json = serde_json::to_string(&ev).unwrap_or_else(|_| "{}".into());
        Ok::<_, actix_web::Error>(web::Bytes::from(format!("data: {json}\n\n")))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        .streaming(futures_util::stream::iter(frames)))
}
