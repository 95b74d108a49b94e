//! Generating items (SSE): `start` for a plan's items, `autonomous` for a new plan and its
//! items. Both validate on the request, retrieve the passages, then a worker thread picks the
//! slots' themes (model or offline, `themes`) batch by batch, saves each item in its own short
//! write and streams it: `{stage}`, `{item}`…, `{done: true, item_ids}` (autonomous: `{plan}`
//! first, and `plan_id` in `done`), or `{error}`.
use super::schedule::{self, Cadence, Slot};
use super::themes::{self, Hit, Theme};
use super::types::*;
use super::{items, store};
use crate::access::Viewer;
use crate::domain::knowledge::{search, sources};
use crate::domain::learnings::context::generation_context;
use crate::domain::learnings::model::{self, ModelChoice};
use crate::domain::learnings::{store as learnings, types::SourceSelection};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use serde_json::{Value, json};
use std::collections::HashSet;
use tokio::sync::mpsc::Receiver;

/// Most items one generation writes.
pub const MAX_ITEMS: usize = 400;
/// Slots per model call.
const BATCH: usize = 20;
/// Newest sources read when retrieval finds nothing.
const NEWEST: i64 = 20;

struct Job {
    plan: Plan,
    slots: Vec<Slot>,
    hits: Vec<Hit>,
    instructions: Option<String>,
    choice: ModelChoice,
    with_model: bool,
    allow_same_day: bool,
    /// Autonomous: the plan is announced first and named in `done`.
    announce: bool,
}

fn check_choice(r: &ModelChoice) -> ApiResult<()> {
    if r.provider.as_ref().is_some_and(|p| p.chars().count() > 50)
        || r.model.as_ref().is_some_and(|m| m.chars().count() > 200)
    {
        return Err(ApiError::unprocessable(
            "provider is at most 50 characters, model 200",
        ));
    }
    Ok(())
}

async fn uses_model(state: &AppState, choice: &ModelChoice) -> ApiResult<bool> {
    let (st, choice) = (state.clone(), choice.clone());
    tokio::task::spawn_blocking(move || model::uses_model(&st, &choice))
        .await
        .map_err(|e| ApiError::internal("checking the provider", e))??
        .map_err(ApiError::from)
}

/// Passages about the plan from the caller's visible sources (of the plan's client when it has
/// one). Retrieval trouble is logged and generation goes on from the other material.
async fn retrieve(state: &AppState, v: &Viewer, plan: &Plan, extra: Option<&str>) -> Vec<Hit> {
    let q = search::Query {
        text: themes::query(plan, extra),
        limit: 24,
        filters: search::Filters {
            client_id: plan.client_id.clone(),
            ..Default::default()
        },
        ..Default::default()
    };
    match sources::search(state, v.clone(), q).await {
        Ok(hits) => hits
            .into_iter()
            .map(|h| (h.doc_id, h.title, h.text))
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "planner retrieval failed; generating without passages");
            Vec::new()
        }
    }
}

/// Run the generation on its own thread, which holds the caller's generation slot until it ends.
fn spawn(
    state: &AppState,
    v: Viewer,
    job: Job,
    slot: crate::ai::slots::Slot,
) -> ApiResult<Receiver<Value>> {
    let (tx, rx) = tokio::sync::mpsc::channel::<Value>(16);
    let st = state.clone();
    std::thread::Builder::new()
        .name("planner".into())
        .spawn(move || {
            let _slot = slot;
            run(&st, &v, &job, &mut |f| tx.blocking_send(f).is_ok())
        })
        .map_err(|e| ApiError::internal("spawning the generation", e))?;
    Ok(rx)
}

fn existing(rows: Vec<(String, String)>) -> HashSet<(chrono::NaiveDate, String)> {
    rows.into_iter()
        .filter_map(|(d, p)| Some((schedule::parse_date(&d)?, p)))
        .collect()
}

fn plan_slots(
    plan: &Plan,
    taken: &HashSet<(chrono::NaiveDate, String)>,
    count: Option<usize>,
    allow_same_day: bool,
) -> Vec<Slot> {
    let (Some(s), Some(e)) = (
        schedule::parse_date(&plan.start_date),
        schedule::parse_date(&plan.end_date),
    ) else {
        return Vec::new();
    };
    let cadence = plan.cadence.as_deref().and_then(Cadence::parse);
    let mut out = schedule::slots(
        &schedule::dates(s, e, cadence),
        &plan.platforms,
        taken,
        count,
        allow_same_day,
    );
    out.truncate(MAX_ITEMS);
    out
}

/// Validate a generation of a plan's items and start it. None: no such plan (404).
pub async fn start(
    state: &AppState,
    v: Viewer,
    plan_id: String,
    r: GeneratePlanItemsRequest,
) -> ApiResult<Option<Receiver<Value>>> {
    if r.count.is_some_and(|n| n == 0 || n as usize > MAX_ITEMS) {
        return Err(ApiError::unprocessable(format!(
            "count must be 1–{MAX_ITEMS}"
        )));
    }
    let instructions = r
        .instructions
        .as_deref()
        .map(|i| super::check_text("instructions", i, 0, 4000))
        .transpose()?
        .filter(|i| !i.is_empty());
    let choice = ModelChoice {
        provider: r.provider,
        model: r.model,
    };
    check_choice(&choice)?;
    let vv = v.clone();
    let Some((plan, taken)) = state
        .db
        .read(move |c| -> ApiResult<_> {
            let Some(plan) = super::editable(c, &vv, &plan_id)? else {
                return Ok(None);
            };
            let taken = existing(store::slots_of(c, &plan.id)?);
            Ok(Some((plan, taken)))
        })
        .await?
    else {
        return Ok(None);
    };
    let slot = state.generation.acquire(&v.user_id)?;
    let with_model = uses_model(state, &choice).await?;
    let slots = plan_slots(&plan, &taken, r.count.map(|n| n as usize), r.allow_same_day);
    let hits = retrieve(state, &v, &plan, instructions.as_deref()).await;
    let job = Job {
        plan,
        slots,
        hits,
        instructions,
        choice,
        with_model,
        allow_same_day: r.allow_same_day,
        announce: false,
    };
    spawn(state, v, job, slot).map(Some)
}

/// Validate an autonomous plan, create it (`plan.created`), and start generating its items.
pub async fn autonomous(
    state: &AppState,
    v: Viewer,
    r: AutonomousPlanRequest,
) -> ApiResult<Receiver<Value>> {
    let brief = super::check_text("brief", &r.brief, 3, 4000)?;
    let days = r.days.unwrap_or(14);
    if !(1..=schedule::MAX_DAYS as u32).contains(&days) {
        return Err(ApiError::unprocessable(format!(
            "days must be 1–{}",
            schedule::MAX_DAYS
        )));
    }
    let start = match r.start_date.as_deref() {
        Some(d) => super::check_date("start_date", d)?,
        None => chrono::Utc::now().date_naive().to_string(),
    };
    let end = schedule::parse_date(&start)
        .map(|s| (s + chrono::Duration::days(days as i64 - 1)).to_string())
        .unwrap_or_else(|| start.clone());
    let title = match r.title.filter(|t| !t.trim().is_empty()) {
        Some(t) => t,
        None => title_from_brief(&brief),
    };
    let row = super::validate_new(CreatePlanRequest {
        title,
        description: Some(brief.clone()),
        start_date: start,
        end_date: end,
        platforms: r.platforms.unwrap_or_else(|| vec!["linkedin".into()]),
        cadence: Some(r.cadence.unwrap_or_else(|| "3_per_week".into())),
        goals: Some(brief),
        client_id: r.client_id,
        project_id: r.project_id,
    })?;
    let choice = ModelChoice {
        provider: r.provider,
        model: r.model,
    };
    check_choice(&choice)?;
    // Taken before the plan is created: a refused request leaves nothing behind.
    let slot = state.generation.acquire(&v.user_id)?;
    let with_model = uses_model(state, &choice).await?;
    let vv = v.clone();
    let plan = state
        .db
        .write(move |tx| super::create_in(tx, &vv, row))
        .await?;
    let slots = plan_slots(&plan, &HashSet::new(), None, false);
    let hits = retrieve(state, &v, &plan, None).await;
    let job = Job {
        plan,
        slots,
        hits,
        instructions: None,
        choice,
        with_model,
        allow_same_day: false,
        announce: true,
    };
    spawn(state, v, job, slot)
}

/// A plan title from its brief: the first sentence, at most 80 characters.
fn title_from_brief(brief: &str) -> String {
    let first = crate::domain::learnings::text::sentences(brief)
        .first()
        .map_or(brief.trim().to_string(), |s| s.to_string());
    let t: String = first.chars().take(80).collect();
    if t.is_empty() {
        "Content plan".into()
    } else {
        t
    }
}

/// Save one item unless its slot was taken meanwhile (None) or the plan is gone (Err).
fn save(
    state: &AppState,
    v: &Viewer,
    job: &Job,
    slot: &Slot,
    t: &Theme,
) -> ApiResult<Option<PlanItem>> {
    state
        .db
        .write_blocking(|tx| -> ApiResult<Option<PlanItem>> {
            let Some(plan) = store::get(tx, v, &job.plan.id)? else {
                return Err(ApiError::NotFound("plan"));
            };
            let (date, platform) = (slot.date.to_string(), slot.platform.clone());
            let taken = store::slot_taken(tx, &plan.id, &date, &platform)?;
            if taken && !job.allow_same_day {
                return Ok(None);
            }
            let n = NewItem {
                date,
                platform,
                title: t.title.clone(),
                brief: t.brief.clone(),
                status: "planned".into(),
            };
            items::insert_in(tx, v, &plan, &n).map(Some)
        })
}

fn run(state: &AppState, v: &Viewer, job: &Job, out: &mut dyn FnMut(Value) -> bool) {
    if job.announce && !out(json!({"plan": job.plan})) {
        return;
    }
    let done = |ids: &[String]| {
        let mut d = json!({"done": true, "item_ids": ids});
        if job.announce {
            d["plan_id"] = json!(job.plan.id);
        }
        d
    };
    if job.slots.is_empty() {
        out(json!({"stage": "every date of the plan's cadence already has an item"}));
        out(done(&[]));
        return;
    }
    if !out(json!({"stage": "reading"})) {
        return;
    }
    let plan = &job.plan;
    let material = state.db.read_blocking(|c| -> rusqlite::Result<_> {
        let ctx = generation_context(
            c,
            v,
            plan.client_id.as_deref(),
            plan.project_id.as_deref(),
            None,
        )?;
        let newest = if job.hits.is_empty() {
            let sel = SourceSelection {
                client_id: plan.client_id.clone(),
                project_id: plan.project_id.clone(),
                ..Default::default()
            };
            learnings::sources(c, v, &sel, NEWEST)?
        } else {
            Vec::new()
        };
        Ok((ctx, newest))
    });
    let (ctx, newest) = match material {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = %e, "reading the planner's material");
            out(json!({"error": "the plan's material could not be read; try again"}));
            return;
        }
    };
    let query = themes::query(plan, job.instructions.as_deref());
    let facts = themes::facts(&query, &job.hits, &ctx.learnings, &newest, job.slots.len());
    let ctx = ctx.with_passages(themes::passages(&job.hits));
    let mut ids: Vec<String> = Vec::new();
    for (b, batch) in job.slots.chunks(BATCH).enumerate() {
        if !out(json!({"stage": "writing", "progress": ids.len(), "total": job.slots.len()})) {
            return;
        }
        let list = if job.with_model {
            match themes::with_model(
                state,
                &v.user_id,
                &job.choice,
                &ctx,
                plan,
                job.instructions.as_deref(),
                batch,
            ) {
                Ok(t) => t,
                Err(e) => {
                    out(json!({"error": e, "item_ids": ids}));
                    return;
                }
            }
        } else {
            themes::offline(plan, &facts, job.instructions.as_deref(), batch, b * BATCH)
        };
        if list.len() < batch.len()
            && !out(
                json!({"stage": format!("the model proposed {} items for {} dates", list.len(), batch.len())}),
            )
        {
            return;
        }
        for (slot, theme) in batch.iter().zip(&list) {
            match save(state, v, job, slot, theme) {
                Ok(Some(item)) => {
                    ids.push(item.id.clone());
                    if !out(json!({"item": item})) {
                        return;
                    }
                }
                Ok(None) => {}
                Err(ApiError::NotFound(_)) => {
                    out(json!({"error": "the plan was deleted", "item_ids": ids}));
                    return;
                }
                Err(e) => {
                    tracing::error!(error = %e, "saving a plan item");
                    out(json!({"error": "an item could not be saved; try again", "item_ids": ids}));
                    return;
                }
            }
        }
    }
    out(done(&ids));
}
