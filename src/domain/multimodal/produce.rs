//! Producing one version of one asset: the local renderer or a provider, the size cap, and the
//! bytes stored (deduplicated by hash) with the asset moved to done — or to failed with the
//! provider's message. Runs on worker threads (blocking HTTP), never on the executor.
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
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Failure::Internal(e.into())
    }
}

/// Generate the next version of `asset_id`. The asset ends `done` or `failed` (with the
/// message); the error is also returned so a synchronous caller can answer with it. Ok(false):
/// the asset was deleted meanwhile.
pub fn run(state: &AppState, asset_id: &str, by: Option<&str>) -> Result<bool, Failure> {
    let outcome = generate(state, asset_id, by);
    if let Err(e) = &outcome {
        let msg = e.to_string();
        tracing::info!(asset = asset_id, error = %msg, "asset generation failed");
        let id = asset_id.to_string();
        let who = by.map(str::to_string);
        state.db.write_blocking(move |tx| -> rusqlite::Result<()> {
            if store::set_status(tx, &id, "failed", Some(&msg))? {
                crate::events::emit(
                    tx,
                    "multimodal.asset_failed",
                    who.as_deref(),
                    json!({"asset_id": id, "error": msg}),
                )?;
            }
            Ok(())
        })?;
    }
    outcome
}

fn generate(state: &AppState, asset_id: &str, by: Option<&str>) -> Result<bool, Failure> {
    let id = asset_id.to_string();
    let Some(work) = state.db.write_blocking(|tx| -> rusqlite::Result<_> {
        let w = store::work(tx, &id)?;
        if w.is_some() {
            store::set_status(tx, &id, "running", None)?;
        }
        Ok(w)
    })?
    else {
        return Ok(false);
    };
    let max = setting_num(state, "asset_max_bytes", DEFAULT_MAX_BYTES);
    let provider = match work.provider_id.as_deref().filter(|p| *p != "local") {
        Some(pid) => Some(
            state
                .db
                .read_blocking(|c| super::providers::config(c, &state.secrets, pid))?
                .ok_or_else(|| Failure::Unusable(format!("provider {pid} no longer exists")))?,
        ),
        None => None,
    };
    let (out, provider_type, model, dims) = match provider {
        Some((cfg, is_video)) => {
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
            let lim = clients::Limits {
                max_bytes: max,
                spool: state.cfg.data_dir.clone(),
            };
            let ask = clients::Ask {
                prompt: &work.prompt,
                aspect: &work.aspect_ratio,
            };
            let out = clients::generate(&state.http.trusted, &cfg, &ask, &lim)
                .map_err(Failure::Provider)?;
            (out, cfg.kind, Some(cfg.model), None)
        }
        None => {
            if work.kind == "video" {
                return Err(Failure::Unusable(
                    "the local renderer makes images only: choose a video provider (gemini_veo) for videos".into(),
                ));
            }
            let (bytes, w, h) = local(state, &work)?;
            (
                Output::Bytes {
                    bytes,
                    mime: "image/png".into(),
                },
                "local".to_string(),
                Some("cards".to_string()),
                Some((w, h)),
            )
        }
    };
    store_output(
        state,
        asset_id,
        &work.prompt,
        &provider_type,
        model.as_deref(),
        by,
        out,
        dims,
        max,
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

#[allow(clippy::too_many_arguments)]
fn store_output(
    state: &AppState,
    asset_id: &str,
    prompt: &str,
    provider: &str,
    model: Option<&str>,
    by: Option<&str>,
    out: Output,
    dims: Option<(u32, u32)>,
    max: u64,
) -> Result<(), Failure> {
    let too_large = |n: u64| {
        Failure::Provider(GenError::TooLarge(format!(
            "{provider}: the asset is {n} bytes, above the {max}-byte cap (setting asset_max_bytes)"
        )))
    };
    let mut duration_ms = None;
    let (sha, size, mime, width, height, mut source): (
        String,
        u64,
        String,
        i64,
        i64,
        Box<dyn std::io::Read>,
    ) = match out {
        Output::Bytes { bytes, mime } => {
            if bytes.len() as u64 > max {
                return Err(too_large(bytes.len() as u64));
            }
            let (w, h) = match dims {
                Some((w, h)) => (w as i64, h as i64),
                None => imagesize::blob_size(&bytes)
                    .map(|s| (s.width as i64, s.height as i64))
                    .map_err(|e| {
                        Failure::Unusable(format!("{provider}: the answer is not an image ({e})"))
                    })?,
            };
            let sha = crate::crypto::sha256_hex(&bytes);
            (
                sha,
                bytes.len() as u64,
                mime,
                w,
                h,
                Box::new(std::io::Cursor::new(bytes)),
            )
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
            duration_ms = duration;
            std::io::Seek::rewind(&mut file).map_err(|e| Failure::Internal(e.into()))?;
            (
                sha256,
                size,
                mime,
                w,
                h,
                Box::new(std::io::BufReader::new(file)),
            )
        }
    };
    let (id, p, by) = (
        asset_id.to_string(),
        prompt.to_string(),
        by.map(str::to_string),
    );
    let (provider, model) = (provider.to_string(), model.map(str::to_string));
    state.db.write_blocking(move |tx| -> rusqlite::Result<()> {
        if store::work(tx, &id)?.is_none() {
            return Ok(());
        }
        let blob = match store::blob_by_sha(tx, &sha)? {
            Some(b) => b,
            None => store::insert_blob(tx, &sha, size as i64, &mut source)?,
        };
        let version = store::add_version(tx, &store::NewVersion {
            asset_id: &id, blob_id: blob, sha256: &sha, mime: &mime, size: size as i64,
            width, height, duration_ms, prompt: &p, provider: &provider,
            model: model.as_deref(), created_by: by.as_deref(),
        })?;
        crate::events::emit(tx, "multimodal.asset_completed", by.as_deref(),
            json!({"asset_id": id, "version": version, "mime": mime, "size": size, "width": width, "height": height, "duration_ms": duration_ms}))?;
        Ok(())
    })?;
    Ok(())
}
