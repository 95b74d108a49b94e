//! LinkedIn imports: URLs and pasted posts, the official data export, the li_at cookie
//! (sealed at rest) and the posts it can fetch, and a source's profile sections.
use super::imports::{check_user_url, create};
use super::linkedin_store;
use super::platform_import::save_items;
use super::platforms::Item;
use super::sources_store::{self as store, NewSource, Source};
use super::structure::{Offline, Section, Structured, Structurer};
use super::types::{CookieStatus, ImportedMany, NewImport, Sections};
use super::{linkedin, linkedin_fetch};
use crate::access::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use serde::Deserialize;

fn url_source(owner: &str, url: String, collection_id: Option<String>) -> NewImport {
    (
        NewSource {
            owner_id: owner.to_string(),
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

pub async fn import_url(
    state: &AppState,
    v: Viewer,
    url: &str,
    collection_id: Option<String>,
) -> ApiResult<Source> {
    let url = url.trim().to_string();
    check_user_url(state, &url).await?;
    let item = url_source(&v.user_id, url, collection_id);
    create(state, v, vec![item])
        .await?
        .pop()
        .ok_or(ApiError::NotFound("source"))
}

pub async fn import_urls(
    state: &AppState,
    v: Viewer,
    urls: Vec<String>,
    collection_id: Option<String>,
) -> ApiResult<ImportedMany> {
    if urls.is_empty() || urls.len() > 100 {
        return Err(ApiError::unprocessable("give 1–100 URLs"));
    }
    let mut items = Vec::new();
    for u in urls {
        let u = u.trim().to_string();
        check_user_url(state, &u).await.map_err(|e| match e {
            ApiError::Forbidden(m) => ApiError::Forbidden(format!("{u}: {m}")),
            e => ApiError::unprocessable(format!("{u}: {e}")),
        })?;
        items.push(url_source(&v.user_id, u, collection_id.clone()));
    }
    many(create(state, v, items).await?)
}

fn many(sources: Vec<Source>) -> ApiResult<ImportedMany> {
    Ok(ImportedMany {
        count: sources.len(),
        sources,
    })
}

/// Pasted posts: (title, content) pairs; empty ones are skipped.
pub async fn batch_paste(
    state: &AppState,
    v: Viewer,
    pasted: Vec<(Option<String>, String)>,
    collection_id: Option<String>,
) -> ApiResult<ImportedMany> {
    let items: Vec<NewImport> = pasted
        .into_iter()
        .filter(|(_, content)| !content.trim().is_empty())
        .map(|(title, content)| {
            let title = title.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| {
                content
                    .lines()
                    .next()
                    .unwrap_or("")
                    .chars()
                    .take(80)
                    .collect()
            });
            (
                NewSource {
                    owner_id: v.user_id.clone(),
                    collection_id: collection_id.clone(),
                    kind: "paste",
                    platform: Some("linkedin".into()),
                    title,
                    content,
                    ..Default::default()
                },
                None,
            )
        })
        .collect();
    if items.is_empty() || items.len() > 500 {
        return Err(ApiError::unprocessable("give 1–500 non-empty items"));
    }
    many(create(state, v, items).await?)
}

/// The official export zip.
pub async fn data_export(
    state: &AppState,
    v: Viewer,
    bytes: Vec<u8>,
    collection_id: Option<String>,
) -> ApiResult<ImportedMany> {
    let items = super::blocking(move || linkedin::parse_export(&bytes)).await?;
    save_items(state, v, "linkedin", collection_id, items).await
}

pub async fn cookie_status(state: &AppState, user_id: String) -> ApiResult<CookieStatus> {
    let row = state
        .db
        .read(move |c| linkedin_store::get(c, &user_id))
        .await?;
    Ok(CookieStatus {
        saved: row.is_some(),
        updated_at: row.map(|r| r.1),
    })
}

pub async fn save_cookie(
    state: &AppState,
    user_id: String,
    li_at: &str,
) -> ApiResult<CookieStatus> {
    let li_at = li_at.trim();
    if li_at.chars().count() < 10
        || li_at.chars().count() > 4096
        || li_at.contains(char::is_whitespace)
        || li_at.contains(';')
    {
        return Err(ApiError::unprocessable(
            "li_at must be the cookie value alone (no spaces or ';')",
        ));
    }
    let sealed = state.secrets.seal(li_at);
    let at = state
        .db
        .write(move |tx| linkedin_store::save(tx, &user_id, &sealed))
        .await?;
    Ok(CookieStatus {
        saved: true,
        updated_at: Some(at),
    })
}

/// Import the member's recent posts with their saved li_at cookie (best effort).
pub async fn auto_extract(
    state: &AppState,
    v: Viewer,
    collection_id: Option<String>,
) -> ApiResult<ImportedMany> {
    let (st, uid) = (state.clone(), v.user_id.clone());
    let items = super::blocking(move || -> ApiResult<Vec<Item>> {
        use crate::settings::store as settings;
        let (sealed, base, allow_private) = st.db.read_blocking(|c| -> ApiResult<_> {
            let Some((sealed, _)) = linkedin_store::get(c, &uid)? else {
                return Err(ApiError::bad_request(
                    "save your li_at cookie first (POST /linkedin/save-cookie)",
                ));
            };
            let base = settings::get_string(c, &st.secrets, "linkedin_base_url")?;
            let allow_private = settings::allow_private_network(c, &st.secrets)?;
            Ok((sealed, base, allow_private))
        })?;
        let li_at = st.secrets.open(&sealed)?;
        linkedin_fetch::recent_posts(&st, &li_at, base, allow_private).map_err(|e| match e {
            linkedin_fetch::FetchError::Refused(m) => ApiError::BadGateway(m),
            linkedin_fetch::FetchError::Other(e) => {
                ApiError::BadGateway(format!("LinkedIn could not be reached: {e:#}"))
            }
        })
    })
    .await?;
    if items.is_empty() {
        return Err(ApiError::BadGateway(
            "LinkedIn answered but listed no posts with text for this member".into(),
        ));
    }
    save_items(state, v, "linkedin", collection_id, items).await
}

/// The profile sections of a visible source (None: not found).
pub async fn sections(state: &AppState, v: Viewer, id: String) -> ApiResult<Option<Sections>> {
    let found = state
        .db
        .read(move |c| -> rusqlite::Result<Option<(Source, String)>> {
            let Some(s) = store::get(c, &v, &id)? else {
                return Ok(None);
            };
            Ok(store::get_any(c, &id)?.map(|(_, t)| (s, t)))
        })
        .await?;
    let Some((src, content)) = found else {
        return Ok(None);
    };
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
    Ok(Some(Sections {
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
