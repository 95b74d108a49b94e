//! What generated items are about. With a model: one prompt per batch of slots carrying the
//! generation context (skills, learnings, rules), the plan's goals, the instructions and the
//! retrieved passages; the JSON answer is validated (one retry, then an error). Offline: themes
//! are drawn from the user's own material — key sentences of the retrieved (or newest) sources
//! and the facts of product-knowledge learnings — so every item names the fact it builds on.
use super::schedule::Slot;
use super::types::Plan;
use crate::domain::content::platforms;
use crate::domain::learnings::context::{GenerationContext, Passage};
use crate::domain::learnings::model::{self, Field, ModelChoice, Schema};
use crate::domain::learnings::text;
use crate::domain::learnings::types::{Learning, SourceText};
use crate::state::AppState;
use std::collections::HashSet;

/// A retrieved passage: (source id, source title, passage text).
pub type Hit = (String, String, String);

/// One item's subject.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub title: String,
    pub brief: String,
}

/// A statement from the user's material and where it comes from.
#[derive(Debug, Clone)]
pub struct Fact {
    pub text: String,
    pub origin: String,
}

/// Statements worth a post: numbers and the plan's own words first, readable lengths only.
fn key_sentences(body: &str, terms: &HashSet<String>, n: usize) -> Vec<String> {
    let mut scored: Vec<(usize, usize, String)> = text::sentences(body)
        .into_iter()
        .enumerate()
        .filter(|(_, s)| (25..=240).contains(&s.chars().count()))
        .map(|(i, s)| {
            let hits = text::keywords(s)
                .iter()
                .filter(|k| terms.contains(*k))
                .count();
            let number = s.chars().any(|c| c.is_ascii_digit()) as usize;
            (2 * number + hits, i, s.to_string())
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(n).map(|(_, _, s)| s).collect()
}

fn product_facts(l: &Learning) -> Vec<Fact> {
    let mut out = Vec::new();
    for key in ["proof_points", "features", "value_props"] {
        for f in l.data[key].as_array().into_iter().flatten() {
            if let Some(t) = f["text"].as_str().or(f.as_str()) {
                out.push(Fact {
                    text: t.trim().trim_end_matches('.').to_string(),
                    origin: format!("learning \"{}\"", l.title),
                });
            }
        }
    }
    out
}

/// The facts offline themes build on: retrieved passages, product-knowledge learnings, then
/// the newest sources when retrieval found nothing. Deduplicated, in that order; each passage
/// gives enough statements for `want` items to differ.
pub fn facts(
    query: &str,
    hits: &[Hit],
    learnings: &[Learning],
    newest: &[SourceText],
    want: usize,
) -> Vec<Fact> {
    let terms: HashSet<String> = text::keywords(query).into_iter().collect();
    let per_hit = want.div_ceil(hits.len().max(1)).max(2);
    let mut out: Vec<Fact> = Vec::new();
    // Round-robin over the passages (best first) so consecutive items use different sources.
    let lists: Vec<Vec<String>> = hits
        .iter()
        .map(|(_, _, body)| key_sentences(body, &terms, per_hit))
        .collect();
    for j in 0..per_hit {
        for ((_, title, _), list) in hits.iter().zip(&lists) {
            if let Some(s) = list.get(j) {
                out.push(Fact {
                    text: s.clone(),
                    origin: format!("source \"{title}\""),
                });
            }
        }
    }
    for l in learnings
        .iter()
        .filter(|l| l.kind.ends_with("product_knowledge"))
    {
        out.extend(product_facts(l));
    }
    if hits.is_empty() {
        for s in newest {
            for t in key_sentences(&s.content, &terms, per_hit.max(3)) {
                out.push(Fact {
                    text: t,
                    origin: format!("source \"{}\"", s.title),
                });
            }
        }
    }
    let mut seen = HashSet::new();
    out.retain(|f| !f.text.is_empty() && seen.insert(f.text.to_lowercase()));
    out
}

const ANGLES: &[&str] = &[
    "Lesson learned",
    "How it works",
    "Quick tip",
    "Myth vs fact",
    "Behind the scenes",
    "The question we hear most",
    "Why it matters",
];

/// At most `n` characters, cut at a word.
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let cut: String = s.chars().take(n).collect();
    match cut.rfind(' ') {
        Some(i) if i > n / 2 => format!("{}…", &cut[..i]),
        _ => format!("{cut}…"),
    }
}

fn first_sentence(s: &str) -> String {
    text::sentences(s)
        .first()
        .map_or(String::new(), |x| x.to_string())
}

/// Offline themes for `slots` (the `start`-th item onwards): each takes the next fact, an angle
/// (numbers get "Behind the number"), and a brief quoting the fact, naming its origin, the
/// platform's rule of thumb and the plan's goal.
pub fn offline(
    plan: &Plan,
    facts: &[Fact],
    instructions: Option<&str>,
    slots: &[Slot],
    start: usize,
) -> Vec<Theme> {
    let goal = plan
        .goals
        .as_deref()
        .map(first_sentence)
        .filter(|g| !g.is_empty())
        .unwrap_or_else(|| first_sentence(&plan.description));
    slots
        .iter()
        .enumerate()
        .map(|(k, slot)| {
            let i = start + k;
            let hint = platforms::find(&slot.platform).map_or(String::new(), |p| {
                format!(" For {}: {}.", p.label, first_sentence(p.guidance))
            });
            let goal = if goal.is_empty() {
                String::new()
            } else {
                format!(" It serves the plan's goal: {goal}.")
            };
            let note = instructions
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map_or(String::new(), |s| format!(" Note: {s}"));
            if facts.is_empty() {
                let subject = if goal.is_empty() {
                    plan.title.clone()
                } else {
                    first_sentence(plan.goals.as_deref().unwrap_or(&plan.description))
                };
                return Theme {
                    title: clip(&format!("{}: {subject}", ANGLES[i % ANGLES.len()]), 200),
                    brief: format!(
                        "No source or learning matches this plan yet, so this builds on the plan itself: \"{subject}\". Add sources to ground it in your own facts.{hint}{note}"
                    ),
                };
            }
            let f = &facts[i % facts.len()];
            let round = i / facts.len();
            let angle = if round == 0 && f.text.chars().any(|c| c.is_ascii_digit()) {
                "Behind the number"
            } else {
                ANGLES[(i + round) % ANGLES.len()]
            };
            Theme {
                title: clip(&format!("{angle}: {}", clip(&f.text, 90)), 200),
                brief: format!(
                    "Build on \"{}\" (from {}).{hint}{goal}{note}",
                    clip(&f.text, 400),
                    f.origin
                ),
            }
        })
        .collect()
}

const ITEMS: Schema = &[("items", Field::ObjList(&["title", "brief"]))];

const SYSTEM: &str = "You plan editorial calendars for a content team. For every slot (a date and a platform) you propose one specific post: a concrete title and a brief of two or three sentences saying what the post says, which fact, source or learning it builds on, and the angle. Use the sources and what we learned about this voice; no generic filler, no two posts on the same idea.";

/// The user prompt of one batch.
pub fn prompt(plan: &Plan, instructions: Option<&str>, slots: &[Slot]) -> String {
    let mut out = format!("Plan: {}", plan.title);
    if !plan.description.is_empty() {
        out.push_str(&format!("\nDescription: {}", plan.description));
    }
    if let Some(g) = &plan.goals {
        out.push_str(&format!("\nGoals: {g}"));
    }
    if let Some(i) = instructions.map(str::trim).filter(|i| !i.is_empty()) {
        out.push_str(&format!("\nInstructions: {i}"));
    }
    out.push_str("\n\nSlots (answer one item per slot, in this order):");
    for (n, s) in slots.iter().enumerate() {
        out.push_str(&format!(
            "\n{}. {} ({}) on {}",
            n + 1,
            s.date,
            s.date.format("%A"),
            s.platform
        ));
    }
    out
}

/// Themes from the model for one batch; `Err` is a message for the `{error}` frame.
pub fn with_model(
    state: &AppState,
    user_id: &str,
    choice: &ModelChoice,
    context: &GenerationContext,
    plan: &Plan,
    instructions: Option<&str>,
    slots: &[Slot],
) -> Result<Vec<Theme>, String> {
    let system = match context.render() {
        c if c.is_empty() => SYSTEM.to_string(),
        c => format!("{SYSTEM}\n\n{c}"),
    };
    let v = model::generate_json(
        state,
        user_id,
        "planner.generate",
        choice,
        &system,
        &prompt(plan, instructions, slots),
        ITEMS,
    )?;
    let themes: Vec<Theme> = v["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| {
            let s = |k: &str| o[k].as_str().map(str::trim).unwrap_or_default().to_string();
            Some(Theme {
                title: clip(&s("title"), 200),
                brief: clip(&s("brief"), 4000),
            })
            .filter(|t: &Theme| !t.title.is_empty())
        })
        .collect();
    if themes.is_empty() {
        return Err("the model proposed no items".into());
    }
    Ok(themes)
}

/// Retrieved passages as the context's "Relevant sources".
pub fn passages(hits: &[Hit]) -> Vec<Passage> {
    hits.iter()
        .map(|(id, title, body)| Passage {
            title: title.clone(),
            snippet: clip(body, 600),
            source_id: id.clone(),
        })
        .collect()
}

/// The retrieval query of a plan: what it is about.
pub fn query(plan: &Plan, extra: Option<&str>) -> String {
    [
        Some(plan.title.as_str()),
        plan.goals.as_deref(),
        Some(plan.description.as_str()),
        extra,
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        Plan {
            id: "p".into(),
            title: "Launch month".into(),
            description: String::new(),
            start_date: "2026-12-01".into(),
            end_date: "2026-12-31".into(),
            platforms: vec!["linkedin".into()],
            cadence: None,
            goals: Some("Sell the new scheduler to agencies.".into()),
            client_id: None,
            project_id: None,
            status: "active".into(),
            items_count: 0,
            created_by: "u".into(),
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn offline_themes_quote_the_users_facts_and_name_their_source() {
        let hits = vec![(
            "s1".to_string(),
            "Acme notes".to_string(),
            "Agencies using the scheduler save 6 hours a week. Our onboarding takes ten minutes for a new client.".to_string(),
        )];
        let f = facts("scheduler agencies", &hits, &[], &[], 3);
        assert_eq!(f.len(), 2);
        let slots: Vec<Slot> = (1..=3)
            .map(|d| Slot {
                date: super::super::schedule::parse_date(&format!("2026-12-0{d}")).unwrap(),
                platform: "linkedin".into(),
            })
            .collect();
        let t = offline(&plan(), &f, None, &slots, 0);
        assert_eq!(t.len(), 3);
        assert!(t[0].title.contains("save 6 hours a week"), "{:?}", t[0]);
        assert!(t[0].brief.contains("Acme notes"));
        assert!(t[0].brief.contains("Sell the new scheduler"));
        assert_ne!(
            t[0].title, t[2].title,
            "a fact comes back with another angle"
        );
        let answer = serde_json::json!({"items": [{"title": "a", "brief": "b"}]});
        assert_eq!(model::invalid(&answer, ITEMS), None);
    }
}
