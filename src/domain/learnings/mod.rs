//! Learnings: what generation knows about how the user writes (writing_style, preferences), how
//! their brand looks (design_system) and what they sell (product_knowledge), plus client rules.
//! Operations validate, authorize with the one access rule, write through `Db::write` and emit
//! `learning.created` / `learning.merged`.
pub mod context;
pub mod design;
pub mod design_vision;
pub mod generate;
mod generate_design;
pub mod merge;
pub mod model;
pub mod product;
pub mod product_model;
pub mod store;
pub mod style;
pub mod text;
pub mod tools;
pub mod types;

use crate::access::{self, Resource, Viewer};
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use crate::state::AppState;
use serde_json::{Value, json};
use types::*;

/// Learnings as a shareable resource (registered in `app.rs`).
pub const RESOURCE: Resource = Resource::shareable("learning", "learnings");

const MAX_IDS: usize = 1000;

pub async fn list(db: &Db, v: Viewer, f: ListFilter, page: Page) -> ApiResult<Paged<Learning>> {
    if let Some(t) = &f.kind
        && !valid_type(t)
    {
        return Err(ApiError::unprocessable(format!(
            "unknown type {t:?}; use {} or merged_<type>",
            TYPES.join(", ")
        )));
    }
    let (items, total) = db.read(move |c| store::list(c, &v, &f, page)).await?;
    Ok(Paged::new(items, total, page))
}

pub async fn get(db: &Db, v: Viewer, id: String) -> ApiResult<Option<Learning>> {
    Ok(db.read(move |c| store::get(c, &v, &id)).await?)
}

/// A visible row the caller may not change is a 403; an invisible one is absent (404).
fn editable(c: &rusqlite::Connection, v: &Viewer, id: &str) -> ApiResult<Option<()>> {
    if !access::can_view(c, v, &RESOURCE, id)? {
        return Ok(None);
    }
    if !access::can_edit(c, v, &RESOURCE, id)? {
        return Err(ApiError::forbidden(
            "only the owner, members of its project or client, or an admin may change this learning",
        ));
    }
    Ok(Some(()))
}

pub async fn update(
    db: &Db,
    v: Viewer,
    id: String,
    p: LearningPatch,
) -> ApiResult<Option<Learning>> {
    if let Some(t) = &p.title
        && (t.trim().is_empty() || t.chars().count() > 200)
    {
        return Err(ApiError::unprocessable("title must be 1–200 characters"));
    }
    if p.content
        .as_ref()
        .is_some_and(|c| c.chars().count() > 20_000)
    {
        return Err(ApiError::unprocessable(
            "content is longer than 20000 characters",
        ));
    }
    if p.confidence.is_some_and(|c| !(0.0..=1.0).contains(&c)) {
        return Err(ApiError::unprocessable(
            "confidence must be between 0 and 1",
        ));
    }
    if p.data.as_ref().is_some_and(|d| !d.is_object()) {
        return Err(ApiError::unprocessable("data must be an object"));
    }
    db.write(move |tx| -> ApiResult<Option<Learning>> {
        if editable(tx, &v, &id)?.is_none() {
            return Ok(None);
        }
        store::update(tx, &id, &p)?;
        Ok(store::get(tx, &v, &id)?)
    })
    .await
}

/// Delete the given learnings the caller may change; unknown or invisible ids are skipped, a
/// visible one the caller may not change refuses the whole request (403).
pub async fn delete_many(db: &Db, v: Viewer, ids: Vec<String>) -> ApiResult<usize> {
    if ids.len() > MAX_IDS {
        return Err(ApiError::unprocessable(format!(
            "at most {MAX_IDS} ids at once"
        )));
    }
    db.write(move |tx| -> ApiResult<usize> {
        let mut n = 0;
        for id in &ids {
            if editable(tx, &v, id)?.is_some() && store::delete(tx, id)? {
                n += 1;
            }
        }
        Ok(n)
    })
    .await
}

/// Record a thumbs up/down and move the confidence: up closes 10% of the gap to 1, down takes
/// 15% off. Anyone who can see a learning may rate it.
pub async fn feedback(
    db: &Db,
    v: Viewer,
    id: String,
    score: i64,
    comment: Option<String>,
) -> ApiResult<Option<Learning>> {
    if score != 1 && score != -1 {
        return Err(ApiError::unprocessable("score must be -1 or 1"));
    }
    let comment = comment
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    if comment.as_ref().is_some_and(|c| c.chars().count() > 2000) {
        return Err(ApiError::unprocessable(
            "comment is longer than 2000 characters",
        ));
    }
    db.write(move |tx| -> ApiResult<Option<Learning>> {
        let Some(l) = store::get(tx, &v, &id)? else {
            return Ok(None);
        };
        store::add_feedback(tx, &id, &v.user_id, score, comment.as_deref())?;
        let c = l.confidence;
        let next = if score > 0 {
            c + 0.1 * (1.0 - c)
        } else {
            c * 0.85
        };
        store::set_confidence(tx, &id, (next * 1000.0).round() / 1000.0)?;
        Ok(store::get(tx, &v, &id)?)
    })
    .await
}

/// Consolidate learnings of one type into a `merged_<type>`: data combined, sources united,
/// inputs removed.
pub async fn merge(
    db: &Db,
    v: Viewer,
    ids: Vec<String>,
    title: Option<String>,
) -> ApiResult<Learning> {
    let mut unique: Vec<String> = Vec::new();
    for id in ids {
        if !unique.contains(&id) {
            unique.push(id);
        }
    }
    if unique.len() < 2 || unique.len() > 50 {
        return Err(ApiError::unprocessable(
            "merge needs 2–50 distinct learning ids",
        ));
    }
    if title
        .as_ref()
        .is_some_and(|t| t.trim().is_empty() || t.chars().count() > 200)
    {
        return Err(ApiError::unprocessable("title must be 1–200 characters"));
    }
    db.write(move |tx| -> ApiResult<Learning> {
        let mut inputs = Vec::new();
        for id in &unique {
            if editable(tx, &v, id)?.is_none() {
                return Err(ApiError::NotFound("learning"));
            }
            inputs.extend(store::get(tx, &v, id)?);
        }
        let base = base_type(&inputs[0].kind).to_string();
        if inputs.iter().any(|l| base_type(&l.kind) != base) {
            return Err(ApiError::unprocessable(
                "only learnings of the same type can be merged",
            ));
        }
        let datas: Vec<&Value> = inputs.iter().map(|l| &l.data).collect();
        let mut sources: Vec<String> = Vec::new();
        for s in inputs.iter().flat_map(|l| l.source_ids.iter()) {
            if !sources.contains(s) {
                sources.push(s.clone());
            }
        }
        let same = |f: fn(&Learning) -> &Option<String>| {
            let first = f(&inputs[0]).clone();
            inputs
                .iter()
                .all(|l| *f(l) == first)
                .then_some(first)
                .flatten()
        };
        let n = NewLearning {
            kind: format!("merged_{base}"),
            title: title
                .map(|t| t.trim().to_string())
                .unwrap_or_else(|| format!("Merged {}", base.replace('_', " "))),
            content: inputs
                .iter()
                .map(|l| l.content.trim())
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .join("\n\n"),
            data: merge::combine(&datas),
            confidence: inputs.iter().map(|l| l.confidence).sum::<f64>() / inputs.len() as f64,
            source_ids: sources,
            client_id: same(|l| &l.client_id),
            project_id: same(|l| &l.project_id),
        };
        let id = store::insert(tx, &v.user_id, &n)?;
        for l in &inputs {
            store::delete(tx, &l.id)?;
        }
        crate::events::emit(
            tx,
            "learning.merged",
            Some(&v.user_id),
            json!({"learning_id": id, "type": n.kind, "merged_ids": unique, "title": n.title}),
        )?;
        store::get(tx, &v, &id)?.ok_or(ApiError::NotFound("learning"))
    })
    .await
}

fn check_client(c: &rusqlite::Connection, v: &Viewer, client_id: Option<&str>) -> ApiResult<()> {
    if let Some(cid) = client_id
        && !access::in_client(c, v, cid)?
    {
        return Err(ApiError::NotFound("client"));
    }
    Ok(())
}

/// A client's rules (members and admins), or the caller's own without a client.
pub async fn rules(db: &Db, v: Viewer, client_id: Option<String>) -> ApiResult<CustomRules> {
    db.read(move |c| -> ApiResult<CustomRules> {
        check_client(c, &v, client_id.as_deref())?;
        Ok(
            store::rules(c, &v.user_id, client_id.as_deref())?.unwrap_or(CustomRules {
                client_id,
                ..Default::default()
            }),
        )
    })
    .await
}

fn clean_rules(list: Vec<String>, what: &str) -> ApiResult<Vec<String>> {
    let list: Vec<String> = list
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if list.len() > 100 || list.iter().any(|s| s.chars().count() > 500) {
        return Err(ApiError::unprocessable(format!(
            "{what}: at most 100 rules of at most 500 characters"
        )));
    }
    Ok(list)
}

pub async fn put_rules(db: &Db, v: Viewer, r: CustomRules) -> ApiResult<CustomRules> {
    let r = CustomRules {
        client_id: r.client_id.filter(|c| !c.is_empty()),
        dos: clean_rules(r.dos, "dos")?,
        donts: clean_rules(r.donts, "donts")?,
    };
    db.write(move |tx| -> ApiResult<CustomRules> {
        check_client(tx, &v, r.client_id.as_deref())?;
        store::put_rules(tx, &v.user_id, &r)?;
        Ok(r)
    })
    .await
}

/// Validate a generation (placement, sources, provider), then run it on a worker thread. The
/// receiver yields its frames; it closes after the last one.
pub async fn start(
    state: &AppState,
    v: Viewer,
    kind: generate::Kind,
    mut plan: generate::Plan,
) -> ApiResult<tokio::sync::mpsc::Receiver<Value>> {
    if plan.selection.source_ids.len() > MAX_IDS
        || plan.selection.collection_ids.len() > 100
        || plan.urls.len() > 20
    {
        return Err(ApiError::unprocessable(
            "at most 1000 source ids, 100 collections and 20 urls",
        ));
    }
    for u in &plan.urls {
        crate::net::check_url(u).map_err(|e| ApiError::unprocessable(format!("{u}: {e}")))?;
    }
    let (st, viewer, sel) = (state.clone(), v.clone(), plan.selection.clone());
    let scope = state
        .db
        .read(move |c| -> ApiResult<_> {
            access::check_placement(
                c,
                &viewer,
                sel.client_id.as_deref(),
                sel.project_id.as_deref(),
            )?
            .map_err(ApiError::from)
        })
        .await?;
    (plan.selection.client_id, plan.selection.project_id) = scope;
    let choice = plan.choice.clone();
    let st2 = st.clone();
    let resolved = tokio::task::spawn_blocking(move || model::uses_model(&st2, &choice))
        .await
        .map_err(|e| ApiError::internal("checking the provider", e))??;
    // A design system needs a model only for images: an unusable default provider must not turn
    // a CSS-only request into an error (its images are skipped with a stage frame instead).
    let lenient = matches!(kind, generate::Kind::Design) && plan.choice.provider.is_none();
    plan.with_model = match resolved {
        Ok(m) => m,
        Err(_) if lenient => false,
        Err(e) => return Err(ApiError::from(e)),
    };
    // One thread per running generation: bounded like chat replies (429 beyond).
    let slot = state.generation.acquire(&v.user_id)?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Value>(16);
    std::thread::Builder::new()
        .name("learnings".into())
        .spawn(move || {
            let _slot = slot;
            generate::run(&st, &v, kind, &plan, &mut |f| tx.blocking_send(f).is_ok())
        })
        .map_err(|e| ApiError::internal("spawning the generation", e))?;
    Ok(rx)
}
