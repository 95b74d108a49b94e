//! The offline persona simulation: deterministic and explainable. Relevance combines embedding
//! similarity (the knowledge embedder) between the persona and the text with term overlap
//! against the persona's interests, goals and pain points, plus readability against the
//! persona's tone. Strengths, weaknesses and suggestions name what matched and what did not.
use super::types::{Persona, Simulation};
use crate::domain::knowledge::embed::Embedder;
use crate::domain::learnings::text;
use std::collections::HashSet;

/// The persona as one text, for the embedder.
pub fn persona_text(p: &Persona) -> String {
    format!(
        "{}. {}. Interests: {}. Goals: {}. Pain points: {}.",
        p.role,
        p.description,
        p.interests.join(", "),
        p.goals.join("; "),
        p.pain_points.join("; ")
    )
}

/// Whether enough of an item's keywords appear in the text (a third, at least one).
fn matches(item: &str, words: &HashSet<String>) -> bool {
    let k: Vec<String> = text::keywords(item);
    if k.is_empty() {
        return false;
    }
    let hit = k.iter().filter(|w| words.contains(*w)).count();
    hit >= k.len().div_ceil(3).max(1)
}

/// The reading-ease band a tone expects.
fn ease_band(tone: &str) -> (f64, f64, &'static str) {
    let t = tone.to_lowercase();
    if ["technical", "precise", "formal", "academic", "professional"]
        .iter()
        .any(|c| t.contains(c))
    {
        (30.0, 65.0, "professional")
    } else if [
        "warm",
        "simple",
        "casual",
        "encouraging",
        "playful",
        "friendly",
    ]
    .iter()
    .any(|c| t.contains(c))
    {
        (55.0, 100.0, "casual")
    } else {
        (40.0, 80.0, "general")
    }
}

fn cosine(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum()
}

/// Simulate with a persona vector computed once (`persona_vec` from the same embedder).
pub fn simulate_with(
    p: &Persona,
    persona_vec: &[f32],
    content: &str,
    emb: &dyn Embedder,
) -> anyhow::Result<Simulation> {
    let cv = emb.embed(&[content])?.pop().unwrap_or_default();
    let sim = ((cosine(persona_vec, &cv) - 0.02) / 0.35).clamp(0.0, 1.0);
    let words: HashSet<String> = text::keywords(content).into_iter().collect();
    let hit = |items: &[String]| -> (Vec<String>, Vec<String>) {
        items.iter().cloned().partition(|i| matches(i, &words))
    };
    let (interests, missed_interests) = hit(&p.interests);
    let (goals, _) = hit(&p.goals);
    let (pains, missed_pains) = hit(&p.pain_points);
    let share = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
    let overlap = 0.5 * share(interests.len(), p.interests.len())
        + 0.5
            * share(
                goals.len() + pains.len(),
                p.goals.len() + p.pain_points.len(),
            );
    let ease = text::reading_ease(content);
    let (lo, hi, register) = ease_band(&p.tone);
    let fit = if ease < lo {
        (1.0 - (lo - ease) / 40.0).max(0.0)
    } else if ease > hi {
        (1.0 - (ease - hi) / 40.0).max(0.0)
    } else {
        1.0
    };
    let score = 100.0 * (0.35 * sim + 0.5 * (overlap * 2.0).min(1.0) + 0.15 * fit);
    let score = (score * 10.0).round() / 10.0;

    let mut strengths = Vec::new();
    if !interests.is_empty() {
        strengths.push(format!(
            "Speaks to their interest in {}",
            interests
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    strengths.extend(
        pains
            .iter()
            .take(2)
            .map(|x| format!("Addresses the pain point \"{x}\"")),
    );
    strengths.extend(
        goals
            .iter()
            .take(2)
            .map(|x| format!("Serves the goal \"{x}\"")),
    );
    if fit >= 1.0 {
        strengths.push(format!(
            "Readability (Flesch {ease:.0}) suits a {} reader",
            p.tone.trim().trim_end_matches('.')
        ));
    }
    let mut weaknesses = Vec::new();
    let mut suggestions = Vec::new();
    if interests.is_empty() && !p.interests.is_empty() {
        weaknesses.push(format!(
            "Touches none of their interests ({})",
            p.interests
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(pain) = missed_pains.first() {
        weaknesses.push(format!("Doesn't address \"{pain}\""));
        suggestions.push(format!("Open with a pain point they feel: \"{pain}\""));
    }
    for i in missed_interests.iter().take(2) {
        suggestions.push(format!("Connect the piece to {i}"));
    }
    if ease < lo {
        weaknesses.push(format!(
            "Reads dense for this reader (Flesch {ease:.0}, {register} readers expect {lo:.0}+)"
        ));
        suggestions.push("Use shorter sentences and plainer words".into());
    } else if ease > hi {
        weaknesses.push(format!(
            "Reads simpler than this reader expects (Flesch {ease:.0})"
        ));
        suggestions.push("Add precise detail: names, numbers, how it works".into());
    }
    if let Some(o) = p.objections.first()
        && score < 70.0
    {
        weaknesses.push(format!("Leaves the objection \"{o}\" unanswered"));
        suggestions.push(format!(
            "Answer \"{o}\" with proof: a number, a result, an example"
        ));
    }
    let chars = content.chars().count();
    if p.platforms.iter().any(|x| x == "linkedin") && chars > 3000 {
        suggestions.push("Trim to under 3,000 characters for LinkedIn".into());
    }
    let who = if p.role.is_empty() {
        p.name.clone()
    } else {
        p.role.clone()
    };
    let reaction = match score {
        s if s >= 65.0 => format!(
            "As a {who}, they would stop and read this closely: it is about {}.",
            or_list(&interests, &goals)
        ),
        s if s >= 40.0 => format!(
            "As a {who}, they might read it: parts are relevant ({}), but it doesn't fully land.",
            or_list(&interests, &goals)
        ),
        s if s >= 25.0 => format!(
            "As a {who}, they would likely skim past: it is only loosely related to what they care about."
        ),
        _ => format!(
            "As a {who}, they would scroll past: it isn't about anything they care about ({}).",
            p.interests
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Ok(Simulation {
        relevance_score: score,
        reaction,
        strengths,
        weaknesses,
        suggestions,
    })
}

fn or_list(a: &[String], b: &[String]) -> String {
    let all: Vec<&String> = a.iter().chain(b.iter()).take(3).collect();
    if all.is_empty() {
        "topics near their world".into()
    } else {
        all.into_iter().cloned().collect::<Vec<_>>().join(", ")
    }
}

pub fn simulate(p: &Persona, content: &str, emb: &dyn Embedder) -> anyhow::Result<Simulation> {
    let pv = emb.embed(&[&persona_text(p)])?.pop().unwrap_or_default();
    simulate_with(p, &pv, content, emb)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::knowledge::embed::HashingEmbedder;

    fn dev() -> Persona {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect();
        Persona {
            id: "p".into(),
            owner_id: "u".into(),
            name: "Dev".into(),
            role: "backend engineer".into(),
            description: "Cares about databases and performance.".into(),
            goals: s(&["ship reliable systems"]),
            pain_points: s(&["slow builds"]),
            interests: s(&["databases", "performance", "rust"]),
            objections: s(&["show me the benchmark"]),
            tone: "technical".into(),
            platforms: s(&["x"]),
            builtin: false,
            client_id: None,
            project_id: None,
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn matching_content_scores_clearly_higher() {
        let p = dev();
        let good = simulate(&p, "How we cut database query latency in half: a Rust performance story about indexes and slow builds.", &HashingEmbedder).unwrap();
        let bad = simulate(
            &p,
            "Five lemon cake recipes for a sunny weekend picnic with the family.",
            &HashingEmbedder,
        )
        .unwrap();
        assert!(
            good.relevance_score > bad.relevance_score + 25.0,
            "{good:?} {bad:?}"
        );
        assert!(good.strengths.iter().any(|s| s.contains("databases")));
        assert!(
            bad.weaknesses
                .iter()
                .any(|s| s.contains("none of their interests"))
        );
    }
}
