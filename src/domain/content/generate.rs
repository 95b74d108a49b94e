//! THE generation path of a content, shared by `POST /content/generate` and `/content/refine`
//! (SSE), the chat tool `create_content_draft`, the automation action `generate_content` and
//! `POST /claude-code/generate`: [`prepare`] validates a request on the caller's rights and
//! resolves the provider (before anything streams, so bad input is a plain 4xx), then
//! `run::run` retrieves, drafts, checks and saves on a worker thread.
use super::types::{Content, ContentTemplate};
use super::{RESOURCE, platforms, run, store, templates};
use crate::access::{self, Viewer};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use rusqlite::Connection;

/// A request to generate a new content.
#[derive(Debug, Clone, Default)]
pub struct GenerateRequest {
    pub platform: String,
    pub brief: String,
    pub title: Option<String>,
    pub collection_ids: Vec<String>,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub temperature: Option<f64>,
    pub persona_id: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub template_id: Option<String>,
    pub task_id: Option<String>,
    pub plan_item_id: Option<String>,
}

/// A generation or a refinement of an existing content (built once per generation, so the
/// size of the larger variant does not matter).
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Ask {
    Generate(GenerateRequest),
    Refine {
        content_id: String,
        instructions: String,
        provider: Option<String>,
        model: Option<String>,
    },
}

/// A validated generation, ready to run.
#[derive(Debug, Clone)]
pub struct Job {
    pub viewer: Viewer,
    pub platform: &'static platforms::PlatformRules,
    pub brief: String,
    pub title: Option<String>,
    pub collection_ids: Vec<String>,
    pub persona_id: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub task_id: Option<String>,
    pub template: Option<ContentTemplate>,
    pub plan_item_id: Option<String>,
    /// The content being refined and the instructions.
    pub refine: Option<(Content, String)>,
    pub provider: String,
    pub model: String,
    /// Sampling temperature for a real provider (checked 0–2).
    pub temperature: Option<f64>,
    /// The built-in offline provider resolved: the composer writes the draft.
    pub offline: bool,
}

fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// A visible row of `kind` named in a body, or 422 "<what> not found".
fn visible_id(
    c: &Connection,
    v: &Viewer,
    res: &access::Resource,
    id: Option<String>,
    what: &str,
) -> ApiResult<Option<String>> {
    match trimmed(id) {
        Some(id) if access::can_view(c, v, res, &id)? => Ok(Some(id)),
        Some(_) => Err(ApiError::missing(format!("{what} not found"))),
        None => Ok(None),
    }
}

/// Check a persona or task id named in a body (another user's ids are "not found").
pub fn check_refs(
    c: &Connection,
    v: &Viewer,
    persona_id: Option<String>,
    task_id: Option<String>,
) -> ApiResult<(Option<String>, Option<String>)> {
    let persona = visible_id(
        c,
        v,
        &crate::domain::personas::RESOURCE,
        persona_id,
        "persona",
    )?;
    let task = visible_id(c, v, &crate::domain::tasks::RESOURCE, task_id, "task")?;
    Ok((persona, task))
}

fn resolve(
    state: &AppState,
    c: &Connection,
    v: &Viewer,
    provider: Option<&str>,
    model: Option<&str>,
) -> ApiResult<(String, String, bool)> {
    if let Some(detail) = crate::ai::logs::over_budget(c, &state.secrets, &v.user_id)? {
        return Err(ApiError::too_many(detail, 3600));
    }
    let (p, model) =
        crate::ai::config::resolve_chat(c, &state.secrets, &state.http.trusted, provider, model)?
            .map_err(ApiError::from)?;
    Ok((p.name().to_string(), model, p.offline()))
}

/// Validate `ask` for `v` on a connection (ids the caller cannot see are 422, an unknown
/// platform is 422 listing the known ones, an unknown provider 422 and one not configured 409,
/// a spent budget 429; the content to refine is 404 when invisible, 403 when not editable).
pub fn prepare(state: &AppState, c: &Connection, v: &Viewer, ask: Ask) -> ApiResult<Job> {
    match ask {
        Ask::Generate(r) => prepare_generate(state, c, v, r),
        Ask::Refine {
            content_id,
            instructions,
            provider,
            model,
        } => {
            let instructions = instructions.trim().to_string();
            if instructions.is_empty() || instructions.chars().count() > 4000 {
                return Err(ApiError::unprocessable(
                    "instructions must be 1–4000 characters",
                ));
            }
            let Some(content) = store::get(c, v, &content_id)? else {
                return Err(ApiError::NotFound("content"));
            };
            if !access::can_edit(c, v, &RESOURCE, &content_id)? {
                return Err(ApiError::forbidden(
                    "only the owner, members of its project or client, or an admin may refine this content",
                ));
            }
            let platform = platforms::find(&content.platform)
                .ok_or_else(|| ApiError::unprocessable(platforms::unknown(&content.platform)))?;
            let template = match &content.template_id {
                Some(t) => templates::find(c, v, t)?,
                None => None,
            };
            let (provider, model, offline) =
                resolve(state, c, v, provider.as_deref(), model.as_deref())?;
            Ok(Job {
                viewer: v.clone(),
                platform,
                brief: content.brief.clone(),
                title: Some(content.title.clone()),
                collection_ids: vec![],
                persona_id: content.persona_id.clone(),
                client_id: content.client_id.clone(),
                project_id: content.project_id.clone(),
                task_id: content.task_id.clone(),
                template,
                plan_item_id: None,
                refine: Some((content, instructions)),
                provider,
                model,
                temperature: None,
                offline,
            })
        }
    }
}

fn prepare_generate(
    state: &AppState,
    c: &Connection,
    v: &Viewer,
    r: GenerateRequest,
) -> ApiResult<Job> {
    let platform = platforms::find(&r.platform)
        .ok_or_else(|| ApiError::unprocessable(platforms::unknown(&r.platform)))?;
    let brief = r.brief.trim().to_string();
    if brief.is_empty() || brief.chars().count() > 20_000 {
        return Err(ApiError::unprocessable("brief must be 1–20000 characters"));
    }
    let title = trimmed(r.title);
    if title.as_ref().is_some_and(|t| t.chars().count() > 300) {
        return Err(ApiError::unprocessable(
            "title is longer than 300 characters",
        ));
    }
    if r.temperature.is_some_and(|t| !(0.0..=2.0).contains(&t)) {
        return Err(ApiError::unprocessable(
            "temperature must be between 0 and 2",
        ));
    }
    if r.collection_ids.len() > 100 {
        return Err(ApiError::unprocessable("at most 100 collection ids"));
    }
    for id in &r.collection_ids {
        if !access::can_view(c, v, &crate::domain::knowledge::COLLECTION, id)? {
            return Err(ApiError::missing(format!("collection {id} not found")));
        }
    }
    let (persona_id, task_id) = check_refs(c, v, r.persona_id, r.task_id)?;
    let (client_id, project_id) = access::check_placement(
        c,
        v,
        trimmed(r.client_id).as_deref(),
        trimmed(r.project_id).as_deref(),
    )?
    .map_err(ApiError::from)?;
    let template = match trimmed(r.template_id) {
        Some(t) => Some(
            templates::find(c, v, &t)?.ok_or_else(|| ApiError::missing("template not found"))?,
        ),
        None => None,
    };
    let plan_item_id = match trimmed(r.plan_item_id) {
        Some(item) => {
            check_plan_item(state, c, v, &item)?;
            Some(item)
        }
        None => None,
    };
    let (provider, model, offline) =
        resolve(state, c, v, r.provider.as_deref(), r.model.as_deref())?;
    Ok(Job {
        viewer: v.clone(),
        platform,
        brief,
        title,
        collection_ids: r.collection_ids,
        persona_id,
        client_id,
        project_id,
        task_id,
        template,
        plan_item_id,
        refine: None,
        provider,
        model,
        temperature: r.temperature,
        offline,
    })
}

/// The planner item must exist in a plan the caller may edit (the planner registers the
/// `plan` resource; without it there are no plans to link).
fn check_plan_item(state: &AppState, c: &Connection, v: &Viewer, item: &str) -> ApiResult<()> {
    let missing = || ApiError::missing("plan item not found");
    let plan = crate::domain::planner::store::plan_of_item(c, item)?.ok_or_else(missing)?;
    let res = state.registry.resources.get("plan").ok_or_else(missing)?;
    if !access::can_edit(c, v, res, &plan)? {
        return Err(missing());
    }
    Ok(())
}

/// Validate on the request, then run on a worker thread; the receiver yields serialized frames,
/// batched per upstream read.
/// A client that goes away does not stop the worker: it finishes the draft and saves it
/// (the frames are simply no longer sent), so a closed tab never loses a paid-for generation.
pub async fn start(
    state: &AppState,
    v: Viewer,
    ask: Ask,
) -> ApiResult<tokio::sync::mpsc::Receiver<bytes::Bytes>> {
    let st = state.clone();
    let user_id = v.user_id.clone();
    let job = state.db.read(move |c| prepare(&st, c, &v, ask)).await?;
    // One thread per running generation: bounded like chat replies (429 beyond).
    let slot = state.generation.acquire(&user_id)?;
    let (tx, rx) = tokio::sync::mpsc::channel::<bytes::Bytes>(16);
    let st = state.clone();
    std::thread::Builder::new()
        .name("content".into())
        .spawn(move || {
            let _slot = slot;
            use crate::ai::agent::Frames;
            let mut out = crate::ai::agent::ChannelFrames::new(tx);
            if let Err(e) = run::run(&st, &job, &mut out) {
                out.send(serde_json::json!({"error": e}));
            }
            out.flush();
        })
        .map_err(|e| ApiError::internal("spawning the generation", e))?;
    Ok(rx)
}

/// The same generation for callers on a worker thread (chat tool, automation, claude-code):
/// validated, drafted and saved; no frames.
pub fn generate_blocking(state: &AppState, v: &Viewer, ask: Ask) -> ApiResult<run::Saved> {
    let job = state.db.read_blocking(|c| prepare(state, c, v, ask))?;
    run::run(state, &job, &mut crate::ai::agent::Silent).map_err(ApiError::BadGateway)
}
