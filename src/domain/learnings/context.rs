//! One context for every generation: the caller's active skills, the relevant learnings (the
//! client's first, then the user's own), the client's and the user's dos and don'ts, the target
//! persona and any retrieved passages — rendered as one system-prompt block. Chat, content,
//! planner and `/claude-code/context` all call [`generation_context`].
use super::{store, types::*};
use crate::access::Viewer;
use crate::domain::personas::{store as personas, types::Persona};
use crate::domain::skills::{self, types::ActiveInstructions};
use rusqlite::Connection;
use serde::Serialize;

/// How many learnings a context carries.
const LEARNINGS: i64 = 8;

/// A retrieved passage the caller adds (from the knowledge search).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Passage {
    pub title: String,
    pub snippet: String,
    pub source_id: String,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct GenerationContext {
    pub skills: ActiveInstructions,
    pub learnings: Vec<Learning>,
    pub client_rules: Option<CustomRules>,
    pub user_rules: Option<CustomRules>,
    pub persona: Option<Persona>,
    pub passages: Vec<Passage>,
}

/// [`generation_context`] rendered as one prompt block, read off the async executor.
pub async fn block(
    db: &crate::db::Db,
    viewer: Viewer,
    client_id: Option<String>,
    project_id: Option<String>,
    persona_id: Option<String>,
) -> crate::error::ApiResult<String> {
    db.read(move |c| {
        generation_context(
            c,
            &viewer,
            client_id.as_deref(),
            project_id.as_deref(),
            persona_id.as_deref(),
        )
        .map(|g| g.render())
    })
    .await
    .map_err(Into::into)
}

/// Assemble the context for `viewer`, an optional client/project and an optional persona. An
/// unknown or invisible client or persona is simply left out.
pub fn generation_context(
    c: &Connection,
    viewer: &Viewer,
    client_id: Option<&str>,
    project_id: Option<&str>,
    persona_id: Option<&str>,
) -> rusqlite::Result<GenerationContext> {
    let client_id = match (client_id, project_id) {
        (Some(c), _) => Some(c.to_string()),
        (None, Some(p)) => crate::access::store::client_of_project(c, p)?,
        _ => None,
    };
    let client = match &client_id {
        Some(cid) if crate::access::in_client(c, viewer, cid)? => Some(cid.as_str()),
        _ => None,
    };
    Ok(GenerationContext {
        skills: skills::active_instructions_in(c, &viewer.user_id)?,
        learnings: store::for_context(c, viewer, client, LEARNINGS)?,
        client_rules: match client {
            Some(cid) => store::rules(c, &viewer.user_id, Some(cid))?,
            None => None,
        },
        user_rules: store::rules(c, &viewer.user_id, None)?,
        persona: match persona_id {
            Some(p) => personas::get(c, viewer, p)?,
            None => None,
        },
        passages: vec![],
    })
}

fn rules_block(out: &mut Vec<String>, who: &str, r: &CustomRules) {
    if r.dos.is_empty() && r.donts.is_empty() {
        return;
    }
    let mut s = format!("## {who} rules");
    for d in &r.dos {
        s.push_str(&format!("\n- Do: {d}"));
    }
    for d in &r.donts {
        s.push_str(&format!("\n- Don't: {d}"));
    }
    out.push(s);
}

impl GenerationContext {
    pub fn with_passages(mut self, passages: Vec<Passage>) -> Self {
        self.passages = passages;
        self
    }

    /// True when there is nothing to add to a prompt.
    pub fn is_empty(&self) -> bool {
        self.render().is_empty()
    }

    /// The system-prompt block (empty when there is nothing to say).
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        if !self.skills.instructions.is_empty() {
            out.push(format!("## Active skills\n{}", self.skills.instructions));
        }
        if let Some(r) = &self.client_rules {
            rules_block(&mut out, "Client", r);
        }
        if let Some(r) = &self.user_rules {
            rules_block(&mut out, "Your own", r);
        }
        if !self.learnings.is_empty() {
            let items: Vec<String> = self
                .learnings
                .iter()
                .map(|l| {
                    format!(
                        "- [{}] {}: {}",
                        l.kind,
                        l.title,
                        l.content.replace('\n', " ")
                    )
                })
                .collect();
            out.push(format!(
                "## What we learned about this voice\n{}",
                items.join("\n")
            ));
        }
        if let Some(p) = &self.persona {
            out.push(format!(
                "## Target persona: {} ({})\n{}\nGoals: {}\nPain points: {}\nInterests: {}\nObjections: {}\nTone: {}. Platforms: {}.",
                p.name,
                p.role,
                p.description,
                p.goals.join("; "),
                p.pain_points.join("; "),
                p.interests.join(", "),
                p.objections.join("; "),
                p.tone,
                p.platforms.join(", ")
            ));
        }
        if !self.passages.is_empty() {
            let items: Vec<String> = self
                .passages
                .iter()
                .map(|p| format!("- {} (source {}): {}", p.title, p.source_id, p.snippet))
                .collect();
            out.push(format!("## Relevant sources\n{}", items.join("\n")));
        }
        if out.is_empty() {
            return String::new();
        }
        format!(
            "# Voice and rules for this generation\n\n{}",
            out.join("\n\n")
        )
    }
}
