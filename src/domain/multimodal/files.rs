//! Reading assets' bytes: who may open which version (signed-in viewers, or a capability
//! token), streaming a byte range in chunks from the blob (memory stays flat whatever the
//! size), and the preview card behind `/screenshots/{token}.png`.
use super::assets_store::{self as store, FileRef};
use super::{assets, content_store, render};
use crate::access::Viewer;
use crate::error::ApiResult;
use crate::state::AppState;
use tokio::sync::mpsc;

/// Bytes per read from the blob (and per frame of the response).
const CHUNK: usize = 256 * 1024;

/// A version (default: the current one) of an asset the viewer may see.
pub async fn open(
    state: &AppState,
    v: Viewer,
    content_id: Option<String>,
    asset_id: String,
    version: Option<i64>,
) -> ApiResult<Option<FileRef>> {
    state
        .db
        .read(move |c| -> ApiResult<_> {
            if super::find(c, &v, content_id.as_deref(), &asset_id, false)?.is_none() {
                return Ok(None);
            }
            Ok(store::file(c, &asset_id, version)?)
        })
        .await
}

/// The current version of the asset a capability token opens (None: altered, expired, gone).
pub async fn open_public(state: &AppState, token: String) -> ApiResult<Option<FileRef>> {
    state
        .db
        .read(move |c| -> ApiResult<_> {
            let Some(id) = assets::verify(c, "asset", &token)? else {
                return Ok(None);
            };
            Ok(store::file(c, &id, None)?)
        })
        .await
}

/// Bytes `start..=end` of a blob, in chunks, from a worker thread; the receiver ends early if
/// the blob disappears. Dropping the receiver stops the reads.
///
/// One blob handle serves consecutive chunks (SQLite caches the overflow-page chain in it, so
/// each read is a seek, not a walk from the first page). When the client is slower than the
/// disk and the channel fills, the handle and its pooled connection are let go before waiting,
/// so a slow download never pins a read transaction (and the WAL) or a pool slot.
pub fn stream(
    state: &AppState,
    blob_id: i64,
    start: u64,
    end: u64,
) -> mpsc::Receiver<Result<bytes::Bytes, std::io::Error>> {
    let (tx, rx) = mpsc::channel(4);
    let db = state.db.clone();
    let spawned = std::thread::Builder::new()
        .name("asset-read".into())
        .spawn(move || {
            let mut at = start;
            while at <= end {
                let waiting = match fill(&db, blob_id, &mut at, end, &tx) {
                    Ok(Some(item)) => item,
                    Ok(None) => return,
                    Err(e) => {
                        let _ = tx.blocking_send(Err(std::io::Error::other(e.to_string())));
                        return;
                    }
                };
                // The channel was full: wait with no handle open, then carry on from `at`.
                if tx.blocking_send(Ok(waiting)).is_err() {
                    return;
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "could not start an asset reader");
    }
    rx
}

type Sender = mpsc::Sender<Result<bytes::Bytes, std::io::Error>>;

/// Read chunks on one blob handle while the channel takes them. Ok(Some(chunk)): the channel
/// was full (the chunk still to send); Ok(None): finished or the receiver is gone.
fn fill(
    db: &crate::db::Db,
    blob_id: i64,
    at: &mut u64,
    end: u64,
    tx: &Sender,
) -> anyhow::Result<Option<bytes::Bytes>> {
    let conn = db.conn()?;
    let blob = store::open_blob(&conn, blob_id)?;
    while *at <= end {
        let want = ((end - *at + 1) as usize).min(CHUNK);
        let mut buf = vec![0u8; want];
        let n = blob.read_at(&mut buf, *at as usize)?;
        if n == 0 {
            anyhow::bail!("the asset was deleted while being read");
        }
        buf.truncate(n);
        *at += n as u64;
        match tx.try_send(Ok(bytes::Bytes::from(buf))) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(Ok(chunk))) => return Ok(Some(chunk)),
            Err(_) => return Ok(None),
        }
    }
    Ok(None)
}

/// The capability URL of a visible content's preview card.
pub async fn preview_link(
    state: &AppState,
    v: Viewer,
    content_id: String,
) -> ApiResult<Option<String>> {
    let secrets = state.secrets.clone();
    state
        .db
        .read(move |c| -> ApiResult<_> {
            if crate::domain::content::store::get(c, &v, &content_id)?.is_none() {
                return Ok(None);
            }
            Ok(Some(
                assets::Links::load(c, &secrets)?.screenshot(&content_id),
            ))
        })
        .await
}

/// The preview card (PNG, 1200×630) of the content a screenshot token opens: its title, first
/// lines and cover image (the first cover, else the first image asset), in its design system.
pub async fn screenshot(state: &AppState, token: String) -> ApiResult<Option<Vec<u8>>> {
    let st = state.clone();
    tokio::task::spawn_blocking(move || -> ApiResult<Option<Vec<u8>>> {
        let found = st.db.read_blocking(|c| -> anyhow::Result<_> {
            let Some(id) = assets::verify(c, "screenshot", &token)? else {
                return Ok(None);
            };
            let Some(t) = content_store::text(c, &id)? else {
                return Ok(None);
            };
            let style = content_store::design_system(c, t.client_id.as_deref(), &t.owner_id)?
                .and_then(|d| serde_json::from_str(&d).ok())
                .map(|d| render::Style::from_design(&d))
                .unwrap_or_default();
            let list = store::of_content(c, &id)?;
            let cover = list
                .iter()
                .filter(|a| a.mime == "image/png")
                .min_by_key(|a| if a.kind == "cover" { 0 } else { 1 })
                .map(|a| assets::read_bytes(c, &a.id))
                .transpose()?
                .flatten()
                .map(|(_, b)| b);
            Ok(Some((t, style, cover)))
        })?;
        let Some((t, style, cover)) = found else {
            return Ok(None);
        };
        let body = if t.draft.trim().is_empty() {
            t.brief
        } else {
            t.draft
        };
        Ok(Some(super::preview::card(
            &t.title,
            &body,
            &t.platform,
            cover.as_deref(),
            &style,
        )))
    })
    .await
    .map_err(|e| crate::error::ApiError::internal("preview card", e))?
}
