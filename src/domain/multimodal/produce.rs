//! Producing one version of one asset: the local renderer or a provider (budget checked, the
//! call logged), the size cap, and the bytes stored (deduplicated by hash) with the asset moved
//! to done — or to failed with the provider's message — in one write. Runs on worker threads
//! (blocking HTTP), never on the executor.
use super::assets_store as store;
use super::clients::{self, GenError, Output};
use super::content_store;
use super::render;
use crate::state::AppState;
use serde_json::json;

/// Default cap on one asset's bytes (`asset_max_bytes`).
pub const DEFAULT_MAX_BYTES: u64 = 100 * 1024 * 1024;

/// A numeric setting, or its default when unset or unreadable.
pub fn setting_num(state: &AppState, key: &str, default: u64) -> u64 {
    state
        .db
        .read_blocking(|c| crate::settings::store::get_string(c, &state.secrets, key))
        .ok()
        .flatten()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

/// Why a generation produced nothing.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("{0}")]
    Provider(GenError),
    #[error("{0}")]
    Unusable(String),
    /// The user's monthly AI budget is spent (nothing was asked of the provider).
    #[error("{0}")]
    OverBudget(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Failure::Internal(e.into())
    }
}

/// Generate the next version of `asset_id` on its own: mark it running, then [`produce`].
pub fn run(state: &AppState, asset_id: &str, by: Option<&str>) -> Result<bool, Failure> {
    mark_running(state, Some(asset_id))?;
    let max = setting_num(state, "asset_max_bytes", DEFAULT_MAX_BYTES);
    produce(state, asset_id, by, max, None)
}

/// Move an asset to running on its own (the first asset a plan worker takes).
pub fn mark_running(state: &AppState, asset_id: Option<&str>) -> rusqlite::Result<()> {
    let Some(id) = asset_id else { return Ok(()) };
    state
        .db
        .write_blocking(|tx| store::set_status(tx, id, "running", None).map(|_| ()))?;
    state.progress.ring();
    Ok(())
}

/// Generate the next version of `asset_id` (already running). The asset ends `done` or
/// `failed` (with the message) in ONE write that also records the provider call in the AI
/// logs and moves `then` (the next asset this worker takes) to running; a video's bytes are
/// streamed in before, in short chunk writes. The error is also returned so a synchronous
/// caller can answer with it. Ok(false): the asset was deleted meanwhile.
pub fn produce(
    state: &AppState,
    asset_id: &str,
    by: Option<&str>,
    max: u64,
    then: Option<&str>,
) -> Result<bool, Failure> {
    let mut call = None;
    let outcome = generate(state, asset_id, by, max, &mut call);
    let (id, next) = (asset_id.to_string(), then.map(str::to_string));
    let who = by.map(str::to_string);
    let done = match outcome {
        Ok(Some(ready)) => {
            let d = state.db.write_blocking(|tx| -> anyhow::Result<bool> {
                let kept = store_ready(tx, &id, who.as_deref(), ready)?;
                if let Some(c) = &call {
                    c.record(tx, &state.secrets, None)?;
                }
                if let Some(n) = &next {
                    store::set_status(tx, n, "running", None)?;
                }
                Ok(kept)
            });
            d.map_err(Failure::Internal)
        }
        Ok(None) => mark_running(state, then)
            .map(|_| false)
            .map_err(Failure::from),
        Err(e) => {
            let msg = e.to_string();
            tracing::info!(asset = asset_id, error = %msg, "asset generation failed");
            state
                .db
                .write_blocking(|tx| -> anyhow::Result<()> {
                    if store::set_status(tx, &id, "failed", Some(&msg))? {
                        crate::events::emit(
                            tx,
                            "multimodal.asset_failed",
                            who.as_deref(),
                            json!({"asset_id": id, "error": msg}),
                        )?;
                    }
                    if let Some(c) = &call {
                        c.record(tx, &state.secrets, Some(&msg))?;
                    }
                    if let Some(n) = &next {
                        store::set_status(tx, n, "running", None)?;
                    }
                    Ok(())
                })
                .map_err(Failure::Internal)?;
            Err(e)
        }
    };
    state.progress.ring();
    done
}

/// The bytes and facts of a finished generation, ready for the completion write.
struct Ready {
    prompt: String,
    provider: String,
    model: Option<String>,
    mime: String,
    sha: String,
    size: u64,
    width: i64,
    height: i64,
    duration_ms: Option<i64>,
    bytes: Bytes,
}

/// Small bytes written with the metadata, or a blob already streamed in (see `stream_in`).
enum Bytes {
    Inline(Vec<u8>),
    Streamed(i64),
}

fn generate(
    state: &AppState,
    asset_id: &str,
    by: Option<&str>,
    max: u64,
    call: &mut Option<super::usage::Call>,
) -> Result<Option<Ready>, Failure> {
    let Some(work) = state.db.read_blocking(|c| store::work(c, asset_id))? else {
        return Ok(None);
    };
    let provider = match work.provider_id.as_deref().filter(|p| *p != "local") {
        Some(pid) => Some(
            state
                .db
                .read_blocking(|c| super::providers::config(c, &state.secrets, pid))?
                .ok_or_else(|| Failure::Unusable(format!("provider {pid} no longer exists")))?,
        ),
        None => None,
    };
    // A saved provider of the local type renders in-process like no provider at all.
    let provider = provider.filter(|(cfg, _)| cfg.kind != "local");
    let Some((cfg, is_video)) = provider else {
        if work.kind == "video" {
            return Err(Failure::Unusable(
                "the local renderer makes images only: choose a video provider (gemini_veo) for videos".into(),
            ));
        }
        let (bytes, w, h) = local(state, &work)?;
        return Ok(Some(Ready {
            prompt: work.prompt,
            provider: "local".into(),
            model: Some("cards".into()),
            mime: "image/png".into(),
            sha: crate::crypto::sha256_hex(&bytes),
            size: bytes.len() as u64,
            width: w as i64,
            height: h as i64,
            duration_ms: None,
            bytes: Bytes::Inline(bytes),
        }));
    };
    if is_video != (work.kind == "video") {
        return Err(Failure::Unusable(format!(
            "{} ({}) makes {}, not {}",
            cfg.name,
            cfg.kind,
            if is_video { "videos" } else { "images" },
            if work.kind == "video" {
                "videos"
            } else {
                "images"
            }
        )));
    }
    let user = by.unwrap_or(&work.owner_id).to_string();
    if let Some(d) = state
        .db
        .read_blocking(|c| crate::ai::logs::over_budget(c, &state.secrets, &user))?
    {
        return Err(Failure::OverBudget(d));
    }
    let lim = clients::Limits {
        max_bytes: max,
        spool: state.cfg.data_dir.clone(),
    };
    let ask = clients::Ask {
        prompt: &work.prompt,
        aspect: &work.aspect_ratio,
    };
    let started = std::time::Instant::now();
    let out = clients::generate(&state.http.trusted, &cfg, &ask, &lim);
    *call = Some(super::usage::Call {
        provider: cfg.kind.clone(),
        model: cfg.model.clone(),
        video: is_video,
        user_id: Some(user),
        latency_ms: started.elapsed().as_millis() as i64,
        usage: match &out {
            Ok(Output::Bytes { usage, .. }) => super::usage::tokens(&work.prompt, false, *usage),
            Ok(Output::File { .. }) => super::usage::tokens(&work.prompt, true, None),
            Err(_) => crate::ai::Usage::default(),
        },
    });
    let ready = |mime, sha, size, (width, height), duration_ms, bytes| Ready {
        prompt: work.prompt.clone(),
        provider: cfg.kind.clone(),
        model: Some(cfg.model.clone()),
        mime,
        sha,
        size,
        width,
        height,
        duration_ms,
        bytes,
    };
    let too_large = |n: u64| {
        Failure::Provider(GenError::TooLarge(format!(
            "{}: the asset is {n} bytes, above the {max}-byte cap (setting asset_max_bytes)",
            cfg.kind
        )))
    };
    match out.map_err(Failure::Provider)? {
        Output::Bytes { bytes, mime, .. } => {
            if bytes.len() as u64 > max {
                return Err(too_large(bytes.len() as u64));
            }
            let dims = imagesize::blob_size(&bytes)
                .map(|s| (s.width as i64, s.height as i64))
                .map_err(|e| {
                    Failure::Unusable(format!("{}: the answer is not an image ({e})", cfg.kind))
                })?;
            let (sha, size) = (crate::crypto::sha256_hex(&bytes), bytes.len() as u64);
            Ok(Some(ready(
                mime,
                sha,
                size,
                dims,
                None,
                Bytes::Inline(bytes),
            )))
        }
        Output::File {
            path,
            size,
            sha256,
            mime,
        } => {
            let mut file = std::fs::File::open(&path).map_err(|e| Failure::Internal(e.into()))?;
            // The spooled file is unlinked now; the open handle keeps it readable.
            let _ = std::fs::remove_file(&path);
            let (duration, w, h) = super::mp4::probe(&mut file).unwrap_or((None, 0, 0));
            std::io::Seek::rewind(&mut file).map_err(|e| Failure::Internal(e.into()))?;
            let blob = stream_in(state, asset_id, size, &mut file)?;
            Ok(Some(ready(
                mime,
                sha256,
                size,
                (w, h),
                duration,
                Bytes::Streamed(blob),
            )))
        }
    }
}

/// Bytes copied into the database per write while a large file streams in.
const CHUNK: usize = 1024 * 1024;

/// Copy a large file into a new blob, one short write per chunk (the write lock is held for
/// one chunk at a time, memory holds one chunk); the blob's rowid, sealed by the completion
/// write.
fn stream_in(
    state: &AppState,
    asset_id: &str,
    size: u64,
    src: &mut dyn std::io::Read,
) -> Result<i64, Failure> {
    let blob = state
        .db
        .write_blocking(|tx| store::begin_blob(tx, asset_id, size as i64))?;
    let mut buf = vec![0u8; CHUNK];
    let mut at = 0usize;
    while (at as u64) < size {
        let want = CHUNK.min(size as usize - at);
        src.read_exact(&mut buf[..want])
            .map_err(|e| Failure::Internal(anyhow::anyhow!("reading the spooled file: {e}")))?;
        state
            .db
            .write_blocking(|tx| store::write_chunk(tx, blob, at, &buf[..want]))?;
        at += want;
    }
    Ok(blob)
}

/// The completion write's part: the bytes (or the streamed blob sealed), the version, the
/// asset done and its event. False when the asset was deleted meanwhile.
fn store_ready(
    tx: &rusqlite::Connection,
    id: &str,
    by: Option<&str>,
    r: Ready,
) -> anyhow::Result<bool> {
    if store::work(tx, id)?.is_none() {
        // Deleted while generating: a blob streamed in for it goes too.
        store::drop_pending(tx, id)?;
        return Ok(false);
    }
    let blob = match r.bytes {
        Bytes::Streamed(b) => store::seal_blob(tx, b, &r.sha)?,
        Bytes::Inline(bytes) => match store::blob_by_sha(tx, &r.sha)? {
            Some(b) => b,
            None => store::insert_blob(tx, &r.sha, &bytes)?,
        },
    };
    let version = store::add_version(
        tx,
        &store::NewVersion {
            asset_id: id,
            blob_id: blob,
            sha256: &r.sha,
            mime: &r.mime,
            size: r.size as i64,
            width: r.width,
            height: r.height,
            duration_ms: r.duration_ms,
            prompt: &r.prompt,
            provider: &r.provider,
            model: r.model.as_deref(),
            created_by: by,
        },
    )?;
    crate::events::emit(
        tx,
        "multimodal.asset_completed",
        by,
        json!({"asset_id": id, "version": version, "mime": r.mime, "size": r.size,
            "width": r.width, "height": r.height, "duration_ms": r.duration_ms}),
    )?;
    Ok(true)
}

/// Render a card: the overlay (or the prompt) as text, the content's title as footer, in the
/// design system's style.
fn local(state: &AppState, w: &store::Work) -> Result<(Vec<u8>, u32, u32), Failure> {
    let (footer, style) = state.db.read_blocking(|c| -> rusqlite::Result<_> {
        let Some(cid) = &w.content_id else {
            let ds = content_store::design_system(c, None, &w.owner_id)?;
            return Ok((String::new(), ds));
        };
        let t = content_store::text(c, cid)?;
        let ds = match &t {
            Some(t) => content_store::design_system(c, t.client_id.as_deref(), &t.owner_id)?,
            None => None,
        };
        Ok((t.map(|t| t.title).unwrap_or_default(), ds))
    })?;
    let style = style
        .and_then(|d| serde_json::from_str(&d).ok())
        .map(|d| render::Style::from_design(&d))
        .unwrap_or_default();
    let text = w
        .text_overlay
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| w.prompt.clone());
    let card = render::card(&w.kind, &text, &footer);
    Ok(render::render(&card, &w.aspect_ratio, &style))
}
