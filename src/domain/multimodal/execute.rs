//! Executing an approved plan: the assets are created and a durable job (`multimodal.execute`)
//! produces them with bounded concurrency — one failure never stops the others, a client that
//! disconnects does not cancel it and a restart resumes it. The SSE stream only observes the
//! assets' states in the database.
use super::assets_store as store;
use super::runs_store;
use super::types::ProductionPlan;
use crate::access::{self, Viewer};
use crate::error::{ApiError, ApiResult};
use crate::jobs::Job;
use crate::state::AppState;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;

pub const KIND: &str = "multimodal.execute";
/// One asset generated in the background (videos, regenerations of videos).
pub const ONE_KIND: &str = "multimodal.generate";

/// Default and highest number of assets produced at once (`multimodal_concurrency`).
pub const DEFAULT_CONCURRENCY: u64 = 2;
pub const MAX_CONCURRENCY: u64 = 8;

/// Check the plan against the content (editable by the caller) and the providers, create its
/// assets and queue the run; the run id.
pub async fn start(
    state: &AppState,
    v: Viewer,
    content_id: String,
    mut plan: ProductionPlan,
) -> ApiResult<String> {
    let concurrency =
        super::produce::setting_num(state, "multimodal_concurrency", DEFAULT_CONCURRENCY)
            .min(MAX_CONCURRENCY);
    let secrets = state.secrets.clone();
    state
        .db
        .write(move |tx| -> ApiResult<String> {
            let content = crate::domain::content::store::get(tx, &v, &content_id)?
                .ok_or(ApiError::NotFound("content"))?;
            if !access::can_edit(tx, &v, &crate::domain::content::RESOURCE, &content_id)? {
                return Err(ApiError::forbidden(
                    "only those who may change this content may produce its visuals",
                ));
            }
            super::plan::normalize(&mut plan, &content.platform)?;
            if plan
                .assets
                .iter()
                .any(|a| a.provider_id.as_deref().is_some_and(|p| p != "local"))
            {
                super::usage::check_budget(tx, &secrets, &v.user_id)?;
            }
            for (i, a) in plan.assets.iter().enumerate() {
                super::check_provider(
                    tx,
                    a.provider_id.as_deref(),
                    &a.kind,
                    &format!("assets[{i}].provider_id"),
                )?;
            }
            let run_id = uuid::Uuid::now_v7().to_string();
            runs_store::insert(
                tx,
                &run_id,
                &content_id,
                &v.user_id,
                &plan.text,
                concurrency as i64,
            )?;
            for (i, a) in plan.assets.iter().enumerate() {
                let id = uuid::Uuid::now_v7().to_string();
                store::insert(
                    tx,
                    &store::NewAsset {
                        id: &id,
                        content_id: Some(&content_id),
                        owner_id: &v.user_id,
                        run_id: Some(&run_id),
                        position: i as i64,
                        kind: &a.kind,
                        prompt: a.prompt.trim(),
                        aspect_ratio: a.aspect_ratio.as_deref().unwrap_or("1:1"),
                        text_overlay: a.text_overlay.as_deref(),
                        provider_id: a.provider_id.as_deref().filter(|p| *p != "local"),
                        model: None,
                    },
                )?;
            }
            crate::jobs::enqueue(tx, KIND, json!({"run_id": run_id, "by": v.user_id}))?;
            crate::events::emit(
                tx,
                "multimodal.plan_started",
                Some(&v.user_id),
                json!({"run_id": run_id, "content_id": content_id, "assets": plan.assets.len()}),
            )?;
            Ok(run_id)
        })
        .await
}

/// The job: produce every asset of the run not finished yet, `concurrency` at a time.
pub fn run_job(state: &AppState, job: &Job) -> anyhow::Result<()> {
    let run_id = job.payload["run_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let by = job.payload["by"].as_str().map(str::to_string);
    let Some(run) = state.db.read_blocking(|c| runs_store::get(c, &run_id))? else {
        return Ok(());
    };
    let pending: Vec<String> = state
        .db
        .read_blocking(|c| store::views_of_run(c, &run_id))?
        .into_iter()
        .filter(|a| a.status == "queued" || a.status == "running")
        .map(|a| a.id)
        .collect();
    let max =
        super::produce::setting_num(state, "asset_max_bytes", super::produce::DEFAULT_MAX_BYTES);
    // Workers take assets in plan order from one counter: a worker that finishes one takes
    // the next at once, and its completion write already marks that next one running.
    let next = AtomicUsize::new(0);
    let take = || pending.get(next.fetch_add(1, Ordering::Relaxed));
    let threads = (run.concurrency.max(1) as usize).min(pending.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut current = take();
                if let Err(e) = super::produce::mark_running(state, current.map(String::as_str)) {
                    tracing::warn!(error = %e, "could not start an asset of a plan");
                    return;
                }
                while let Some(id) = current {
                    if state.jobs.is_shutdown() {
                        break;
                    }
                    let then = take();
                    let by = by.as_deref();
                    if let Err(e) =
                        super::produce::produce(state, id, by, max, then.map(String::as_str))
                    {
                        tracing::debug!(asset = %id, error = %e, "asset of a plan failed");
                    }
                    current = then;
                }
            });
        }
    });
    if state.jobs.is_shutdown() {
        anyhow::bail!("shutting down: the run resumes on the next start");
    }
    let assets = state
        .db
        .read_blocking(|c| store::views_of_run(c, &run_id))?;
    let completed = assets.iter().filter(|a| a.status == "done").count();
    let failed = assets.iter().filter(|a| a.status == "failed").count();
    state.db.write_blocking(|tx| -> rusqlite::Result<()> {
        runs_store::finish(tx, &run_id)?;
        crate::events::emit(tx, "multimodal.plan_executed", by.as_deref(),
            json!({"run_id": run_id, "content_id": run.content_id, "completed": completed, "failed": failed}))?;
        Ok(())
    })?;
    Ok(())
}

/// The job generating one asset in the background.
pub fn one_job(state: &AppState, job: &Job) -> anyhow::Result<()> {
    let id = job.payload["asset_id"].as_str().unwrap_or_default();
    let by = job.payload["by"].as_str();
    match super::produce::run(state, id, by) {
        Ok(_)
        | Err(
            super::produce::Failure::Provider(_)
            | super::produce::Failure::Unusable(_)
            | super::produce::Failure::OverBudget(_),
        ) => Ok(()),
        Err(super::produce::Failure::Internal(e)) => Err(e),
    }
}

/// Observe a run: `{run}` first, then per asset `{asset_start}` and `{asset_complete}` or
/// `{asset_failed}` as the job moves it, then `{done: true, completed, failed}`. Reads the
/// database each time a worker rings `state.progress` after a commit (whoever started the
/// run; a one-second tick is only a safety net), so dropping the receiver ends only the
/// observation.
pub fn watch(state: &AppState, run_id: String) -> ApiResult<mpsc::Receiver<Value>> {
    let (tx, rx) = mpsc::channel(256);
    let st = state.clone();
    std::thread::Builder::new()
        .name("multimodal-watch".into())
        .spawn(move || {
            let mut seen: HashMap<String, (bool, bool)> = HashMap::new();
            let mut first = true;
            let mut rung = st.progress.seen();
            let links = st.db.read_blocking(|c| super::assets::Links::load(c, &st.secrets)).ok();
            loop {
                let assets = match st.db.read_blocking(|c| store::views_of_run(c, &run_id)) {
                    Ok(a) => a,
                    Err(e) => {
                        let _ = tx.blocking_send(json!({"error": format!("{e}")}));
                        return;
                    }
                };
                if first {
                    let list: Vec<Value> = assets.iter().map(|a| json!({"asset_id": a.id, "index": a.position, "kind": a.kind})).collect();
                    if tx.blocking_send(json!({"run": {"id": run_id, "assets": list}})).is_err() {
                        return;
                    }
                    first = false;
                }
                for a in &assets {
                    let (started, ended) = seen.entry(a.id.clone()).or_default();
                    let mut frames = Vec::new();
                    if !*started && a.status != "queued" {
                        *started = true;
                        frames.push(json!({"asset_start": {"asset_id": a.id, "index": a.position, "kind": a.kind}}));
                    }
                    if *started && !*ended && (a.status == "done" || a.status == "failed") {
                        *ended = true;
                        frames.push(if a.status == "done" {
                            json!({"asset_complete": {"asset_id": a.id, "index": a.position, "url": super::file_url(a), "public_url": links.as_ref().map(|l| l.asset(&a.id)),
                                "mime": a.mime, "width": a.width, "height": a.height, "size": a.size}})
                        } else {
                            json!({"asset_failed": {"asset_id": a.id, "index": a.position, "error": a.error}})
                        });
                    }
                    for f in frames {
                        if tx.blocking_send(f).is_err() {
                            return;
                        }
                    }
                }
                if !assets.is_empty() && seen.values().filter(|(_, e)| *e).count() == assets.len() {
                    let completed = assets.iter().filter(|a| a.status == "done").count();
                    let _ = tx.blocking_send(json!({"done": true, "run_id": run_id, "completed": completed, "failed": assets.len() - completed}));
                    return;
                }
                if assets.is_empty() || st.jobs.is_shutdown() {
                    let _ = tx.blocking_send(json!({"error": "the run's assets were deleted"}));
                    return;
                }
                rung = st.progress.wait_past(rung, Duration::from_secs(1));
            }
        })
        .map_err(|e| ApiError::internal("spawning the watcher", e))?;
    Ok(rx)
}
