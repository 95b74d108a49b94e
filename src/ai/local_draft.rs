//! The offline provider's writing: drafts and answers assembled from the user's own material
//! (retrieved snippets, learnings, the conversation) with the platform templates.
use super::local::{STOP, words};
use std::collections::HashMap;

pub(super) fn split_material(content: &str) -> (&str, Vec<String>) {
    let mut parts = content.split(super::agent::ATTACHMENT_MARKER);
    let question = parts.next().unwrap_or_default().trim();
    (question, parts.map(str::to_string).collect())
}

pub(super) fn is_draft(lower: &str) -> bool {
    ["write", "draft", "compose", "outline"]
        .iter()
        .any(|w| lower.starts_with(w) || lower.contains(&format!(" {w} ")))
}

pub(super) fn platform(lower: &str) -> &'static str {
    [
        ("linkedin", "linkedin"),
        ("tweet", "twitter"),
        ("twitter", "twitter"),
        ("thread", "twitter"),
        ("blog", "blog"),
        ("article", "blog"),
        ("newsletter", "newsletter"),
        ("email", "email"),
    ]
    .iter()
    .find(|(k, _)| lower.contains(k))
    .map_or("generic", |(_, v)| v)
}

pub(super) fn topic(question: &str) -> String {
    let lower = question.to_lowercase();
    for m in [" about ", " on ", " regarding "] {
        if let Some(i) = lower.find(m) {
            return question[i + m.len()..]
                .trim()
                .trim_end_matches(['.', '?', '!'])
                .to_string();
        }
    }
    let kept: Vec<&str> = question
        .split_whitespace()
        .filter(|w| !STOP.contains(&w.to_lowercase().as_str()))
        .collect();
    kept.join(" ")
}

pub(super) fn sentences(text: &str) -> Vec<String> {
    text.split_inclusive(['.', '!', '?', '\n'])
        .map(|s| {
            s.trim()
                .trim_start_matches(['-', '*', '#', ' '])
                .trim()
                .to_string()
        })
        .filter(|s| s.split_whitespace().count() >= 4 && s.len() <= 400)
        .collect()
}

/// The most informative sentences of `pool` for `query`: overlap with the query, then term weight.
pub(super) fn key_sentences(query: &str, pool: &[String], n: usize) -> Vec<String> {
    let all: Vec<String> = pool.iter().flat_map(|t| sentences(t)).collect();
    let mut freq: HashMap<String, f32> = HashMap::new();
    for s in &all {
        for w in words(s) {
            if !STOP.contains(&w.as_str()) && w.len() > 2 {
                *freq.entry(w).or_default() += 1.0;
            }
        }
    }
    let q: Vec<String> = words(query)
        .into_iter()
        .filter(|w| !STOP.contains(&w.as_str()))
        .collect();
    let mut scored: Vec<(f32, usize)> = all
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let ws = words(s);
            let overlap = ws.iter().filter(|w| q.contains(w)).count() as f32;
            let weight: f32 = ws.iter().filter_map(|w| freq.get(w)).sum::<f32>()
                / (ws.len() as f32).sqrt().max(1.0);
            (overlap * 10.0 + weight, i)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut picked: Vec<usize> = scored.into_iter().take(n).map(|x| x.1).collect();
    picked.sort_unstable();
    picked.dedup();
    picked.into_iter().map(|i| all[i].clone()).collect()
}

pub(super) fn draft(question: &str, lower: &str, pool: &[String]) -> String {
    let topic = topic(question);
    let title = if topic.is_empty() {
        "Draft".to_string()
    } else {
        capitalise(&topic)
    };
    let points = key_sentences(&topic, pool, 4);
    let (hook, bullets, why) = if points.is_empty() {
        (
            format!("Here is a first draft about {}.", if topic.is_empty() { "your topic" } else { &topic }),
            format!("- What {title} is, in one sentence\n- The problem it solves for your audience\n- One concrete example from your own work\n- The one thing to do next"),
            "Fill the bullets with your own examples: attach a document or add sources and I will draw on them.".to_string(),
        )
    } else {
        (
            points[0].clone(),
            points
                .iter()
                .skip(1)
                .map(|p| format!("- {p}"))
                .collect::<Vec<_>>()
                .join("\n"),
            format!(
                "These points come straight from your material on {}.",
                if topic.is_empty() { "this" } else { &topic }
            ),
        )
    };
    let tags: String = words(&topic)
        .into_iter()
        .filter(|w| !STOP.contains(&w.as_str()) && w.len() > 3)
        .take(3)
        .map(|w| format!("#{w}"))
        .collect::<Vec<_>>()
        .join(" ");
    let body = super::prompts::draft_template(platform(lower))
        .replace("{title}", &title)
        .replace("{hook}", &hook)
        .replace("{points}", &bullets)
        .replace("{why}", &why)
        .replace("{tags}", &tags);
    format!(
        "{body}\n\n_Offline draft (local provider): configure a model in Settings for richer writing._"
    )
}

pub(super) fn answer(question: &str, material: &[String], pool: &[String]) -> String {
    if !material.is_empty() {
        let points = key_sentences(question, material, 5);
        let list = points
            .iter()
            .map(|p| format!("- {p}"))
            .collect::<Vec<_>>()
            .join("\n");
        return format!(
            "From your attachment, the most relevant passages:\n\n{list}\n\n_Offline answer (local provider): extracted from your material, not generated by a model._"
        );
    }
    let related = key_sentences(question, pool, 3);
    let context = if related.is_empty() {
        String::new()
    } else {
        format!(
            "\n\nEarlier in this conversation:\n\n{}",
            related
                .iter()
                .map(|p| format!("- {p}"))
                .collect::<Vec<_>>()
                .join("\n")
        )
    };
    format!(
        "I'm the offline assistant (no model provider is configured), so I can't reason about “{}” freely. I can:\n\n\
         - **create a task** — “create a task to review the Q3 report”\n\
         - **list your tasks** — “list my tasks”\n\
         - **remember** something — “remember that our newsletter goes out on Tuesdays”\n\
         - **draft** a LinkedIn post, blog article, newsletter or email from your attachments — “write a LinkedIn post about …”\n\
         - **summarise** an attached PDF, DOCX or text file{context}",
        question.chars().take(80).collect::<String>()
    )
}

pub(super) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}
