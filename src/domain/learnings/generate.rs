//! The three generations (writing style + preferences, design system, product knowledge). Each
//! runs on its own worker thread (outbound HTTP and model calls are blocking) and reports
//! frames: `{stage, progress}` while it works, `{learning}` per saved learning, `{done: true,
//! learning_ids}` at the end, or `{error}` (then nothing is saved). Everything is saved in one
//! short write at the end, never while fetching or waiting on a model. The design system lives in
//! `generate_design`.
use super::model::{self, Field, ModelChoice, Schema};
use super::types::*;
use super::{product, product_model, store, style};
use crate::access::Viewer;
use crate::state::AppState;
use serde_json::{Value, json};

/// How many of the newest sources a generation without explicit ids reads.
pub const SOURCE_BUDGET: i64 = 2000;
/// Characters of source text a generation reads at most.
const CHAR_BUDGET: usize = 4_000_000;
/// Characters of sample posts shown to a model.
const SAMPLE_CHARS: usize = 12_000;

/// What to generate from.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub selection: SourceSelection,
    pub urls: Vec<String>,
    pub choice: ModelChoice,
    /// Decided before streaming starts (`model::uses_model`).
    pub with_model: bool,
}

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Writing,
    Design,
    Product,
}

/// The frame sink; `false` means the client went away (stop early, save nothing).
pub type Frames<'a> = &'a mut dyn FnMut(Value) -> bool;

pub(super) fn stage(out: Frames, name: &str, progress: f64) -> bool {
    out(json!({"stage": name, "progress": (progress * 100.0).round() / 100.0}))
}

/// Run one generation to its last frame.
pub fn run(state: &AppState, v: &Viewer, kind: Kind, plan: &Plan, out: Frames) {
    let result = match kind {
        Kind::Writing => writing(state, v, plan, out),
        Kind::Design => super::generate_design::design_system(state, v, plan, out),
        Kind::Product => product_knowledge(state, v, plan, out),
    };
    let learnings = match result {
        Ok(Some(l)) => l,
        Ok(None) => return,
        Err(e) => {
            out(json!({"error": e}));
            return;
        }
    };
    if !stage(out, "saving", 0.95) {
        return;
    }
    let owner = v.user_id.clone();
    let saved = state.db.write_blocking(|tx| -> rusqlite::Result<Vec<String>> {
        let mut ids = Vec::new();
        for n in &learnings {
            let id = store::insert(tx, &owner, n)?;
            crate::events::emit(
                tx,
                "learning.created",
                Some(&owner),
                json!({"learning_id": id, "type": n.kind, "title": n.title, "client_id": n.client_id}),
            )?;
            ids.push(id);
        }
        Ok(ids)
    });
    let ids = match saved {
        Ok(ids) => ids,
        Err(e) => {
            tracing::error!(error = %e, "saving learnings");
            out(json!({"error": "the learnings could not be saved; try again"}));
            return;
        }
    };
    for id in &ids {
        if let Ok(Some(l)) = state.db.read_blocking(|c| store::get(c, v, id))
            && !out(json!({"learning": l}))
        {
            return;
        }
    }
    out(json!({"done": true, "learning_ids": ids}));
}

pub(super) fn load(
    state: &AppState,
    v: &Viewer,
    sel: &SourceSelection,
) -> Result<Vec<SourceText>, String> {
    let mut sources = state
        .db
        .read_blocking(|c| store::sources(c, v, sel, SOURCE_BUDGET))
        .map_err(|e| {
            tracing::error!(error = %e, "reading sources");
            "the sources could not be read".to_string()
        })?;
    let mut chars = 0;
    sources.retain(|s| {
        chars += s.content.len();
        chars <= CHAR_BUDGET && !s.content.trim().is_empty()
    });
    Ok(sources)
}

pub(super) fn placed(
    plan: &Plan,
    kind: &str,
    title: String,
    content: String,
    data: Value,
    confidence: f64,
    ids: Vec<String>,
) -> NewLearning {
    NewLearning {
        kind: kind.into(),
        title,
        content,
        data,
        confidence,
        source_ids: ids,
        client_id: plan.selection.client_id.clone(),
        project_id: plan.selection.project_id.clone(),
    }
}

const WRITING_SCHEMA: Schema = &[
    ("style_title", Field::Str),
    ("style_summary", Field::Str),
    ("style_observations", Field::StrList),
    ("preferences_title", Field::Str),
    ("preferences_summary", Field::Str),
    ("preferences_observations", Field::StrList),
];

fn writing(
    state: &AppState,
    v: &Viewer,
    plan: &Plan,
    out: Frames,
) -> Result<Option<Vec<NewLearning>>, String> {
    if !stage(out, "reading sources", 0.05) {
        return Ok(None);
    }
    let sources = load(state, v, &plan.selection)?;
    if sources.is_empty() {
        return Err("there are no sources with text to learn from: import some posts first".into());
    }
    if !stage(out, &format!("measuring {} sources", sources.len()), 0.3) {
        return Ok(None);
    }
    let profile = style::measure(sources.iter().flat_map(|s| style::posts(&s.content)));
    let ids: Vec<String> = sources.iter().map(|s| s.id.clone()).collect();
    let conf = style::confidence(&profile);
    let (mut style_data, mut pref_data) = (profile.style_data(), profile.preference_data());
    let platforms: Vec<&str> = {
        let mut p: Vec<&str> = sources
            .iter()
            .filter_map(|s| s.platform.as_deref())
            .collect();
        p.sort_unstable();
        p.dedup();
        p
    };
    pref_data["platforms"] = json!(platforms);
    // How the user rated their contents (platforms and lengths that score well, tags, notes).
    let feedback = state
        .db
        .read_blocking(|c| crate::domain::content::store::ratings_of(c, &v.user_id, 500))
        .map_err(|e: rusqlite::Error| {
            tracing::error!(error = %e, "reading content feedback");
            "the content feedback could not be read".to_string()
        })?;
    let feedback = crate::domain::content::feedback::summarise(&feedback);
    if let Some((data, _)) = &feedback {
        pref_data["content_feedback"] = data.clone();
    }
    let (mut style_title, mut style_text) = ("Writing style".to_string(), profile.describe_style());
    let (mut pref_title, mut pref_text) = (
        "Content preferences".to_string(),
        profile.describe_preferences(),
    );
    if plan.with_model {
        if !stage(out, "asking the model", 0.6) {
            return Ok(None);
        }
        let mut sample = String::new();
        for s in &sources {
            if sample.len() > SAMPLE_CHARS {
                break;
            }
            sample.push_str(&s.content.chars().take(2000).collect::<String>());
            sample.push_str("\n---\n");
        }
        let prompt = format!(
            "Measured profile (keep these figures, they are exact):\n{}\n{}\n\nSample posts:\n{sample}",
            style_data, pref_data
        );
        let v = model::generate_json(
            state,
            &v.user_id,
            "learnings.generate",
            &plan.choice,
            "You study a writer's posts and describe their voice and content preferences for a ghostwriter.",
            &prompt,
            WRITING_SCHEMA,
        )?;
        let s = |k: &str| v[k].as_str().unwrap_or_default().trim().to_string();
        (style_title, style_text, pref_title, pref_text) = (
            s("style_title"),
            s("style_summary"),
            s("preferences_title"),
            s("preferences_summary"),
        );
        style_data["observations"] = v["style_observations"].clone();
        pref_data["observations"] = v["preferences_observations"].clone();
    }
    if let Some((_, said)) = feedback {
        pref_text = format!("{pref_text} {said}");
    }
    Ok(Some(vec![
        placed(
            plan,
            "writing_style",
            style_title,
            style_text,
            style_data,
            conf,
            ids.clone(),
        ),
        placed(
            plan,
            "preferences",
            pref_title,
            pref_text,
            pref_data,
            conf,
            ids,
        ),
    ]))
}

fn product_knowledge(
    state: &AppState,
    v: &Viewer,
    plan: &Plan,
    out: Frames,
) -> Result<Option<Vec<NewLearning>>, String> {
    if !stage(out, "reading sources", 0.1) {
        return Ok(None);
    }
    let sources = load(state, v, &plan.selection)?;
    if sources.is_empty() {
        return Err("there are no sources with text to learn from".into());
    }
    if !stage(out, "extracting claims", 0.4) {
        return Ok(None);
    }
    let mut data = product::extract(&sources);
    if plan.with_model {
        if !stage(out, "asking the model", 0.6) {
            return Ok(None);
        }
        let answer = model::generate_json(
            state,
            &v.user_id,
            "learnings.product_knowledge",
            &plan.choice,
            product_model::SYSTEM,
            &product_model::prompt(&sources, &data),
            product_model::SCHEMA,
        )?;
        let dropped;
        (data, dropped) = product_model::verify(&answer, &sources);
        if dropped > 0 {
            let what = format!(
                "dropped {dropped} proof point{} not found word for word in the source named",
                if dropped == 1 { "" } else { "s" }
            );
            if !stage(out, &what, 0.85) {
                return Ok(None);
            }
        }
        data["dropped_proof_points"] = json!(dropped);
    }
    let found = ["features", "value_props", "proof_points"]
        .iter()
        .map(|k| data[k].as_array().map_or(0, Vec::len))
        .sum::<usize>();
    if found == 0 {
        return Err(
            "no product features, value propositions or proof points were found in these sources"
                .into(),
        );
    }
    let content = product::describe(&data);
    let ids = sources.iter().map(|s| s.id.clone()).collect();
    let conf = (0.4 + found as f64 * 0.03).min(0.9);
    Ok(Some(vec![placed(
        plan,
        "product_knowledge",
        "Product knowledge".into(),
        content,
        data,
        conf,
        ids,
    )]))
}
