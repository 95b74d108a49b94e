//! Multimodal: image and video providers, production plans executed asset by asset by a
//! durable job, and the assets themselves — bytes in the one SQLite file, every version kept,
//! served with capability URLs to reviewers outside the workspace. Emits
//! `multimodal.asset_completed`, `multimodal.asset_failed`, `multimodal.plan_started`,
//! `multimodal.plan_executed` and `multimodal.provider_saved`.
pub mod assets;
pub mod assets_store;
pub mod clients;
pub mod clients_veo;
pub mod content_store;
pub mod execute;
pub mod files;
pub mod known;
pub mod mp4;
pub mod plan;
pub mod preview;
pub mod produce;
pub mod providers;
pub mod providers_store;
pub mod render;
pub mod runs_store;
pub mod types;
pub mod usage;

use crate::access::{self, Viewer};
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use crate::state::AppState;
use assets_store as store;
use rusqlite::Connection;
use serde_json::json;
use types::{AssetDetail, AssetView};

/// The authenticated download of an asset's current version.
pub fn file_url(a: &AssetView) -> Option<String> {
    a.mime.as_ref()?;
    Some(match &a.content_id {
        Some(c) => format!("/api/v1/multimodal/content/{c}/assets/{}/file", a.id),
        None => format!("/api/v1/multimodal/assets/{}/file", a.id),
    })
}

fn decorate(mut a: AssetView, links: &assets::Links) -> AssetView {
    a.url = file_url(&a);
    if a.mime.is_some() {
        a.public_url = Some(links.asset(&a.id));
    }
    a
}

/// Whether a provider may make this kind of asset ("local"/none: images only). `at` names the
/// field in messages: an unknown provider is 404; one that makes the other kind is 409 (the
/// request is well formed: it is the stored provider that cannot serve it).
pub fn check_provider(
    c: &Connection,
    provider_id: Option<&str>,
    kind: &str,
    at: &str,
) -> ApiResult<()> {
    let video = kind == "video";
    match provider_id.filter(|p| *p != "local") {
        None if video => Err(ApiError::unprocessable(format!(
            "{at}: videos need a video provider (gemini_veo): the local renderer makes images"
        ))),
        None => Ok(()),
        Some(p) => {
            let row = providers_store::get(c, p)?
                .ok_or_else(|| ApiError::missing(format!("{at}: media provider not found")))?;
            let is_video = known::find(&row.kind).is_some_and(|k| k.media == "video");
            if is_video != video {
                let what = if video { "a video" } else { "an image" };
                return Err(ApiError::conflict(format!(
                    "{at}: {} ({}) cannot make {what}",
                    row.name, row.kind
                )));
            }
            Ok(())
        }
    }
}

/// A visible content's asset: None when the content or the asset is not there for this viewer.
/// With `edit`, 403 when the content is visible only.
fn find(
    c: &Connection,
    v: &Viewer,
    content_id: Option<&str>,
    asset_id: &str,
    edit: bool,
) -> ApiResult<Option<AssetView>> {
    let Some((a, owner)) = store::view(c, asset_id)? else {
        return Ok(None);
    };
    if content_id.is_some() && a.content_id.as_deref() != content_id {
        return Ok(None);
    }
    match &a.content_id {
        Some(cid) => {
            if crate::domain::content::store::get(c, v, cid)?.is_none() {
                return Ok(None);
            }
            if edit && !access::can_edit(c, v, &crate::domain::content::RESOURCE, cid)? {
                return Err(ApiError::forbidden(
                    "only those who may change this content may change its assets",
                ));
            }
        }
        None if owner != v.user_id && !v.admin => return Ok(None),
        None => {}
    }
    Ok(Some(a))
}

/// The assets of a visible content, each with its current version and links.
pub async fn list(
    state: &AppState,
    v: Viewer,
    content_id: String,
    page: Page,
) -> ApiResult<Option<Paged<AssetView>>> {
    let secrets = state.secrets.clone();
    state
        .db
        .read(move |c| -> ApiResult<_> {
            if crate::domain::content::store::get(c, &v, &content_id)?.is_none() {
                return Ok(None);
            }
            let links = assets::Links::load(c, &secrets)?;
            let all = store::views_of_content(c, &content_id)?;
            let total = all.len() as u64;
            let items = all
                .into_iter()
                .skip(page.offset as usize)
                .take(page.limit as usize)
                .map(|a| decorate(a, &links))
                .collect();
            Ok(Some(Paged::new(items, total, page)))
        })
        .await
}

/// The summaries shown in a content's detail (all of them, with their states).
pub fn summaries(
    c: &Connection,
    secrets: &crate::crypto::SecretBox,
    content_id: &str,
) -> anyhow::Result<Vec<AssetView>> {
    let links = assets::Links::load(c, secrets)?;
    Ok(store::views_of_content(c, content_id)?
        .into_iter()
        .map(|a| decorate(a, &links))
        .collect())
}

pub async fn get(
    state: &AppState,
    v: Viewer,
    content_id: Option<String>,
    asset_id: String,
) -> ApiResult<Option<AssetDetail>> {
    let secrets = state.secrets.clone();
    state
        .db
        .read(move |c| -> ApiResult<_> {
            let Some(a) = find(c, &v, content_id.as_deref(), &asset_id, false)? else {
                return Ok(None);
            };
            detail(c, &secrets, a).map(Some)
        })
        .await
}

fn detail(
    c: &Connection,
    secrets: &crate::crypto::SecretBox,
    a: AssetView,
) -> ApiResult<AssetDetail> {
    let links = assets::Links::load(c, secrets)?;
    let base = match &a.content_id {
        Some(cid) => format!("/api/v1/multimodal/content/{cid}/assets/{}/file", a.id),
        None => format!("/api/v1/multimodal/assets/{}/file", a.id),
    };
    let versions = store::versions(c, &a.id)?
        .into_iter()
        .map(|mut x| {
            x.url = format!("{base}?version={}", x.version);
            x
        })
        .collect();
    Ok(AssetDetail {
        asset: decorate(a, &links),
        versions,
    })
}

pub async fn delete(
    state: &AppState,
    v: Viewer,
    content_id: String,
    asset_id: String,
) -> ApiResult<bool> {
    state
        .db
        .write(move |tx| -> ApiResult<bool> {
            if find(tx, &v, Some(&content_id), &asset_id, true)?.is_none() {
                return Ok(false);
            }
            store::delete(tx, &asset_id)?;
            crate::events::emit(
                tx,
                "multimodal.asset_deleted",
                Some(&v.user_id),
                json!({"asset_id": asset_id, "content_id": content_id}),
            )?;
            Ok(true)
        })
        .await
}

/// A single asset to generate (`generate-asset`).
pub struct OneAsk {
    pub content_id: Option<String>,
    pub kind: String,
    pub prompt: String,
    pub aspect_ratio: Option<String>,
    pub provider_id: Option<String>,
    pub text_overlay: Option<String>,
}

/// Whether the answer is the finished asset or one still being produced by a job.
pub enum Generated {
    Done(AssetDetail),
    Queued(AssetDetail),
}

fn failure(e: produce::Failure) -> ApiError {
    use clients::GenError;
    match e {
        produce::Failure::Provider(GenError::Refused(m)) | produce::Failure::Unusable(m) => {
            ApiError::Unprocessable(m)
        }
        produce::Failure::Provider(GenError::TooLarge(m)) => ApiError::PayloadTooLarge(m),
        produce::Failure::Provider(GenError::Transient(m) | GenError::Failed(m)) => {
            ApiError::BadGateway(m)
        }
        produce::Failure::OverBudget(m) => ApiError::too_many(m, 3600),
        produce::Failure::Internal(e) => ApiError::Internal(e),
    }
}

/// Produce now (images) or queue a job (videos), then answer the asset as it stands.
async fn produce_or_queue(
    state: &AppState,
    v: &Viewer,
    asset_id: String,
    video: bool,
    fresh: bool,
) -> ApiResult<Generated> {
    if !video {
        let st = state.clone();
        let (id, by) = (asset_id.clone(), v.user_id.clone());
        let out = tokio::task::spawn_blocking(move || produce::run(&st, &id, Some(&by)))
            .await
            .map_err(|e| ApiError::internal("asset generation", e))?;
        if let Err(e) = out {
            if fresh {
                let id = asset_id.clone();
                state.db.write(move |tx| store::delete(tx, &id)).await?;
            }
            return Err(failure(e));
        }
    }
    let secrets = state.secrets.clone();
    let d = state
        .db
        .read(move |c| -> ApiResult<_> {
            let (a, _) = store::view(c, &asset_id)?.ok_or(ApiError::NotFound("asset"))?;
            detail(c, &secrets, a)
        })
        .await?;
    Ok(if video {
        Generated::Queued(d)
    } else {
        Generated::Done(d)
    })
}

pub async fn generate(state: &AppState, v: Viewer, ask: OneAsk) -> ApiResult<Generated> {
    let mut plan = types::ProductionPlan {
        text: String::new(),
        assets: vec![types::PlanAsset {
            id: String::new(),
            kind: ask.kind.clone(),
            prompt: ask.prompt,
            aspect_ratio: ask.aspect_ratio,
            provider_id: ask.provider_id.filter(|p| p != "local"),
            text_overlay: ask.text_overlay,
        }],
    };
    let (vv, secrets) = (v.clone(), state.secrets.clone());
    let id = state
        .db
        .write(move |tx| -> ApiResult<String> {
            let platform = match &ask.content_id {
                Some(cid) => {
                    let c = crate::domain::content::store::get(tx, &vv, cid)?
                        .ok_or_else(|| ApiError::missing("content not found"))?;
                    if !access::can_edit(tx, &vv, &crate::domain::content::RESOURCE, cid)? {
                        return Err(ApiError::forbidden(
                            "only those who may change this content may add assets to it",
                        ));
                    }
                    c.platform
                }
                None => String::new(),
            };
            plan::normalize(&mut plan, &platform)?;
            let a = &plan.assets[0];
            check_provider(tx, a.provider_id.as_deref(), &a.kind, "provider_id")?;
            if a.provider_id.is_some() {
                usage::check_budget(tx, &secrets, &vv.user_id)?;
            }
            let position: i64 = match &ask.content_id {
                Some(cid) => store::views_of_content(tx, cid)?.len() as i64,
                None => 0,
            };
            let id = uuid::Uuid::now_v7().to_string();
            store::insert(
                tx,
                &store::NewAsset {
                    id: &id,
                    content_id: ask.content_id.as_deref(),
                    owner_id: &vv.user_id,
                    run_id: None,
                    position,
                    kind: &a.kind,
                    prompt: a.prompt.trim(),
                    aspect_ratio: a.aspect_ratio.as_deref().unwrap_or("1:1"),
                    text_overlay: a.text_overlay.as_deref(),
                    provider_id: a.provider_id.as_deref(),
                    model: None,
                },
            )?;
            if a.kind == "video" {
                crate::jobs::enqueue(
                    tx,
                    execute::ONE_KIND,
                    json!({"asset_id": id, "by": vv.user_id}),
                )?;
            }
            Ok(id)
        })
        .await?;
    produce_or_queue(state, &v, id, ask.kind == "video", true).await
}

/// A new version of an asset (an edited prompt when given); earlier versions are kept.
pub async fn regenerate(
    state: &AppState,
    v: Viewer,
    content_id: String,
    asset_id: String,
    prompt: Option<String>,
) -> ApiResult<Option<Generated>> {
    let prompt = prompt
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty());
    if prompt.as_ref().is_some_and(|p| p.chars().count() > 4000) {
        return Err(ApiError::unprocessable(
            "prompt must be at most 4000 characters",
        ));
    }
    let (vv, secrets) = (v.clone(), state.secrets.clone());
    let id = asset_id.clone();
    let found = state
        .db
        .write(move |tx| -> ApiResult<Option<bool>> {
            let Some(a) = find(tx, &vv, Some(&content_id), &id, true)? else {
                return Ok(None);
            };
            if a.status == "queued" || a.status == "running" {
                return Err(ApiError::conflict(
                    "this asset is being generated; wait for it to finish",
                ));
            }
            check_provider(tx, a.provider_id.as_deref(), &a.kind, "provider_id")?;
            if a.provider_id.as_deref().is_some_and(|p| p != "local") {
                usage::check_budget(tx, &secrets, &vv.user_id)?;
            }
            store::requeue(tx, &id, prompt.as_deref())?;
            if a.kind == "video" {
                crate::jobs::enqueue(
                    tx,
                    execute::ONE_KIND,
                    json!({"asset_id": id, "by": vv.user_id}),
                )?;
            }
            Ok(Some(a.kind == "video"))
        })
        .await?;
    let Some(video) = found else {
        return Ok(None);
    };
    produce_or_queue(state, &v, asset_id, video, false)
        .await
        .map(Some)
}
