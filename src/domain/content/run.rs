//! One generation on its worker thread: retrieve passages (what the viewer sees, the brief as
//! query), assemble the one generation context, draft (through `ai::calls::complete` for a
//! real provider, so budgets, AI logs and fakes apply; the offline composer when the offline
//! provider is resolved), check the platform rules and save — the content or its new version,
//! the provenance and the planner link — in one short write.
use super::compose::{self, Material, Style};
use super::generate::Job;
use super::platforms;
use super::types::*;
use crate::ai::agent::Frames;
use crate::ai::calls::Piece;
use crate::ai::{Flow, Usage, estimate_tokens};
use crate::domain::knowledge::{embed, search};
use crate::domain::learnings::context::{GenerationContext, Passage, generation_context};
use crate::state::AppState;
use serde_json::json;

/// How many passages a generation retrieves.
const PASSAGES: usize = 8;

/// What a finished generation saved.
#[derive(Debug, Clone)]
pub struct Saved {
    pub content_id: String,
    pub version: i64,
    pub title: String,
    pub platform: String,
    pub draft: String,
    pub warnings: Vec<String>,
    /// The prompt the drafter was given (system block, then the request).
    pub prompt: String,
    pub passages: Vec<search::Hit>,
    pub usage: Usage,
}

/// A stage frame goes out at once (the UI shows progress while the next step works).
fn stage(out: &mut dyn Frames, name: &str) {
    out.send(json!({ "stage": name }));
    out.flush();
}

fn retrieve(state: &AppState, job: &Job) -> Result<Vec<search::Hit>, String> {
    let text = match &job.refine {
        Some((_, ins)) => format!("{} {ins}", job.brief),
        None => job.brief.clone(),
    };
    let q = search::Query {
        text,
        limit: PASSAGES,
        filters: search::Filters {
            collection_ids: job.collection_ids.clone(),
            ..Default::default()
        },
        ..Default::default()
    };
    let emb = embed::configured(state).map_err(|e| e.to_string())?;
    state
        .db
        .read_blocking(|c| -> anyhow::Result<Vec<search::Hit>> {
            search::search(c, &state.ann, &job.viewer, emb.as_ref(), &q)
        })
        .map_err(|e| {
            tracing::error!(error = %e, "retrieving passages for a content");
            "the sources could not be searched".to_string()
        })
}

fn context(state: &AppState, job: &Job, hits: &[search::Hit]) -> Result<GenerationContext, String> {
    let ctx = state
        .db
        .read_blocking(|c| {
            generation_context(
                c,
                &job.viewer,
                job.client_id.as_deref(),
                job.project_id.as_deref(),
                job.persona_id.as_deref(),
            )
        })
        .map_err(|e| {
            tracing::error!(error = %e, "reading the generation context");
            "the generation context could not be read".to_string()
        })?;
    Ok(ctx.with_passages(
        hits.iter()
            .map(|h| Passage {
                title: h.title.clone(),
                snippet: h.text.clone(),
                source_id: h.doc_id.clone(),
            })
            .collect(),
    ))
}

/// The system block and the request the drafter gets.
fn prompts(job: &Job, ctx: &GenerationContext) -> (String, String) {
    let p = job.platform;
    let mut system = format!(
        "You write {} content for a content studio, in the user's own voice, grounded in their sources. Answer with the content only, ready to publish.\n\n## Platform: {}\n{}",
        p.label, p.label, p.guidance
    );
    if let Some(t) = &job.template {
        system.push_str(&format!(
            "\n\n## Template: {}\nFollow these sections in order:",
            t.name
        ));
        for s in &t.structure.sections {
            system.push_str(&format!("\n- {}: {}", s.name, s.guidance));
        }
        if let Some(n) = &t.structure.notes {
            system.push_str(&format!("\n{n}"));
        }
    }
    let block = ctx.render();
    if !block.is_empty() {
        system.push_str("\n\n");
        system.push_str(&block);
    }
    let mut user = format!("# Brief\n{}", job.brief);
    if let Some(t) = &job.title {
        user.push_str(&format!("\n\n# Title\n{t}"));
    }
    if let Some((c, ins)) = &job.refine {
        user.push_str(&format!(
            "\n\n# Current draft\n{}\n\n# Revise it\n{ins}",
            c.draft_content
        ));
    }
    (system, user)
}

/// The offline draft, streamed in chunks of a few words.
fn compose_offline(job: &Job, ctx: &GenerationContext, out: &mut dyn Frames) -> compose::Draft {
    let passages: Vec<Material> = ctx
        .passages
        .iter()
        .map(|p| Material {
            title: p.title.clone(),
            text: p.snippet.clone(),
        })
        .collect();
    let style = ctx
        .learnings
        .iter()
        .find(|l| l.kind.ends_with("writing_style"))
        .map(|l| Style::from_data(&l.data))
        .unwrap_or_default();
    let sections = job
        .template
        .as_ref()
        .map(|t| t.structure.sections.clone())
        .unwrap_or_default();
    let draft = compose::compose(&compose::Input {
        platform: job.platform,
        brief: &job.brief,
        title: job.title.as_deref(),
        passages: &passages,
        style: &style,
        sections: &sections,
        instructions: job.refine.as_ref().map(|(_, i)| i.as_str()),
    });
    let mut chunk = String::new();
    for (n, word) in draft.text.split_inclusive(char::is_whitespace).enumerate() {
        chunk.push_str(word);
        if n % 6 == 5 {
            out.send(json!({ "content": std::mem::take(&mut chunk) }));
        }
    }
    if !chunk.is_empty() {
        out.send(json!({ "content": chunk }));
    }
    out.flush();
    draft
}

/// What this version drew on.
fn drawn(job: &Job, ctx: &GenerationContext, hits: &[search::Hit]) -> Vec<Drawn> {
    let mut d: Vec<Drawn> = hits
        .iter()
        .map(|h| Drawn {
            kind: "chunk",
            ref_id: h.chunk_id.to_string(),
            source_id: (h.doc_type == "source").then(|| h.doc_id.clone()),
            label: h.title.clone(),
            weight: h.score,
        })
        .collect();
    let one = |kind, ref_id: &str, label: &str| Drawn {
        kind,
        ref_id: ref_id.to_string(),
        source_id: None,
        label: label.to_string(),
        weight: 1.0,
    };
    d.extend(
        ctx.learnings
            .iter()
            .map(|l| one("learning", &l.id, &l.title)),
    );
    // Active skills render as "## <name>" blocks in the order of their ids.
    let names: Vec<&str> = ctx
        .skills
        .instructions
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .collect();
    for (i, id) in ctx.skills.skill_ids.iter().enumerate() {
        d.push(one("skill", id, names.get(i).copied().unwrap_or("skill")));
    }
    if let Some(p) = &ctx.persona {
        d.push(one("persona", &p.id, &p.name));
    }
    if let Some(t) = &job.template {
        d.push(one("template", &t.id, &t.name));
    }
    let model = format!("{}/{}", job.provider, job.model);
    d.push(one("model", &model, &model));
    d
}

/// Run one generation to its `done` frame; `Err` is the message of the `error` frame.
/// Frames are buffered and written per upstream read (a fast model sends a frame per token).
pub fn run(state: &AppState, job: &Job, out: &mut dyn Frames) -> Result<Saved, String> {
    stage(out, "retrieving");
    let hits = retrieve(state, job)?;
    let ctx = context(state, job, &hits)?;
    stage(out, "drafting");
    let (system, user) = prompts(job, &ctx);
    let mut grounded = true;
    let (text, usage) = if job.offline {
        let draft = compose_offline(job, &ctx, out);
        grounded = draft.grounded;
        let text = draft.text;
        let (i, o) = (
            estimate_tokens(&system) + estimate_tokens(&user),
            estimate_tokens(&text),
        );
        (
            text,
            Usage {
                input_tokens: i,
                output_tokens: o,
                total_tokens: i + o,
            },
        )
    } else {
        let function = if job.refine.is_some() {
            "content.refine"
        } else {
            "content.generate"
        };
        crate::ai::calls::complete(
            state,
            &job.viewer.user_id,
            function,
            Some(&job.provider),
            Some(&job.model),
            job.temperature.map(|t| t as f32),
            &system,
            &user,
            &mut |p| {
                match p {
                    Piece::Text(t) => out.send(json!({ "content": t })),
                    Piece::Flush => out.flush(),
                    Piece::Queued(n) => {
                        out.send(json!({"stage": "queued", "position": n})) && out.flush()
                    }
                };
                Flow::Continue
            },
        )
        .map_err(|e| e.to_string())?
    };
    stage(out, "checking");
    let draft = platforms::normalize(job.platform.name, text.trim());
    let mut warnings = platforms::check(job.platform.name, &draft);
    if !grounded {
        warnings.push(
            "no source matched the brief, so the offline draft only restates it: import sources about it or configure a model".into(),
        );
    }
    stage(out, "saving");
    let drawn = drawn(job, &ctx, &hits);
    let (content_id, version, title) = state
        .db
        .write_blocking(|tx| super::save_generated(tx, job, &draft, &warnings, &drawn))
        .map_err(|e: rusqlite::Error| {
            tracing::error!(error = %e, "saving a content");
            "the content could not be saved; try again".to_string()
        })?;
    out.send(
        json!({ "done": true, "content_id": content_id, "version": version, "warnings": warnings }),
    );
    out.flush();
    Ok(Saved {
        content_id,
        version,
        title,
        platform: job.platform.name.to_string(),
        draft,
        warnings,
        prompt: format!("{system}\n\n{user}"),
        passages: hits,
        usage,
    })
}

/// The title of a new content: the one asked for, else the brief's topic.
pub fn title_of(job: &Job) -> String {
    job.title
        .clone()
        .unwrap_or_else(|| compose::fit(&compose::topic(&job.brief), 120))
        .chars()
        .take(300)
        .collect()
}
