//! The /claude-code helpers built on retrieval: a context block for an agent, a grounded brief
//! for generation, and the writing patterns of a collection.
use super::memory_store;
use super::types::{ContextBlock, Grounded, Patterns, TermCount};
use super::{collections_store, embed, search, sources};
use crate::access::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::page::Page;
use crate::state::AppState;
use std::collections::HashMap;

fn render(memory: &[memory_store::Memory], passages: &[search::Hit]) -> String {
    let mut out = String::new();
    if !memory.is_empty() {
        out.push_str("## Recent memory\n");
        for m in memory {
            out.push_str(&format!(
                "- [{}] {} ({})\n",
                m.kind,
                m.content.lines().next().unwrap_or(""),
                m.created_at
            ));
        }
    }
    if !passages.is_empty() {
        out.push_str("\n## Relevant passages\n");
        for (i, p) in passages.iter().enumerate() {
            out.push_str(&format!("\n[{}] {}\n{}\n", i + 1, p.title, p.text.trim()));
        }
    }
    out
}

/// Recent memory and, with a query, the passages that match it.
pub async fn context(
    state: &AppState,
    v: Viewer,
    q: Option<String>,
    limit: Option<usize>,
) -> ApiResult<ContextBlock> {
    let owner = v.user_id.clone();
    let memory = state
        .db
        .read(move |c| memory_store::recent(c, &owner, None, Page::new(10, 0)))
        .await?
        .items;
    let passages = match q.filter(|s| !s.trim().is_empty()) {
        Some(text) => {
            let query = search::Query {
                text,
                limit: limit.unwrap_or(6),
                ..Default::default()
            };
            sources::search(state, v, query).await?
        }
        None => Vec::new(),
    };
    Ok(ContextBlock {
        context: render(&memory, &passages),
        memory,
        passages,
    })
}

/// Generate and save a content for the brief through the content studio's one generation path
/// (non-streamed): the saved draft with the prompt and passages it was built from.
pub async fn generate(
    state: &AppState,
    v: Viewer,
    brief: String,
    platform: Option<String>,
    collection_ids: Vec<String>,
) -> ApiResult<Grounded> {
    use crate::domain::content::generate::{self, Ask, GenerateRequest};
    let req = GenerateRequest {
        platform: platform.unwrap_or_else(|| "linkedin".into()),
        brief,
        collection_ids,
        ..Default::default()
    };
    let st = state.clone();
    let saved = tokio::task::spawn_blocking(move || {
        generate::generate_blocking(&st, &v, Ask::Generate(req))
    })
    .await
    .map_err(|e| ApiError::internal("generating a content", e))??;
    Ok(Grounded {
        prompt: saved.prompt,
        passages: saved.passages,
        content_id: saved.content_id,
        version: saved.version,
        title: saved.title,
        platform: saved.platform,
        draft_content: saved.draft,
        warnings: saved.warnings,
    })
}

/// Passages for an agent's query.
pub async fn query(
    state: &AppState,
    v: Viewer,
    text: String,
    collection_id: Option<String>,
    limit: Option<usize>,
) -> ApiResult<Vec<search::Hit>> {
    let q = search::Query {
        text,
        limit: limit.unwrap_or(8),
        filters: search::Filters {
            collection_ids: collection_id.into_iter().collect(),
            ..Default::default()
        },
        ..Default::default()
    };
    sources::search(state, v, q).await
}

/// The writing patterns of a visible collection, from the sources in it the viewer may see
/// (None: not found).
pub async fn patterns(state: &AppState, v: Viewer, id: String) -> ApiResult<Option<Patterns>> {
    Ok(state
        .db
        .read(move |c| -> rusqlite::Result<Option<Patterns>> {
            if collections_store::get(c, &v, &id)?.is_none() {
                return Ok(None);
            }
            let texts = memory_store::collection_texts(c, &v, &id, 500)?;
            Ok(Some(analyse(&id, &texts)))
        })
        .await?)
}

fn counted(terms: Vec<(String, usize)>) -> Vec<TermCount> {
    terms
        .into_iter()
        .map(|(term, count)| TermCount { term, count })
        .collect()
}

pub fn analyse(collection_id: &str, texts: &[(String, String)]) -> Patterns {
    let mut tf: HashMap<String, usize> = HashMap::new();
    let mut df: HashMap<String, usize> = HashMap::new();
    let mut tags: HashMap<String, usize> = HashMap::new();
    let (mut words, mut paras, mut sentences, mut questions) = (0usize, 0usize, 0usize, 0usize);
    let mut openings = Vec::new();
    for (_, text) in texts {
        let mut seen = std::collections::HashSet::new();
        for w in
            embed::words(text).filter(|w| w.len() > 3 && !w.chars().all(|c| c.is_ascii_digit()))
        {
            *tf.entry(w.clone()).or_default() += 1;
            if seen.insert(w.clone()) {
                *df.entry(w).or_default() += 1;
            }
        }
        for t in text.split_whitespace().filter(|t| {
            t.starts_with('#')
                && t.len() > 1
                && t[1..].chars().all(|c| c.is_alphanumeric() || c == '_')
        }) {
            *tags.entry(t.to_lowercase()).or_default() += 1;
        }
        words += text.split_whitespace().count();
        paras += text.split("\n\n").filter(|p| !p.trim().is_empty()).count();
        for s in text.split_inclusive(['.', '!', '?']) {
            if s.trim().len() > 1 {
                sentences += 1;
                if s.trim_end().ends_with('?') {
                    questions += 1;
                }
            }
        }
        if let Some(first) = text.lines().find(|l| !l.trim().is_empty()) {
            openings.push(first.trim().chars().take(120).collect());
        }
    }
    let n = texts.len().max(1) as f64;
    let min_df = if texts.len() >= 3 { 2 } else { 1 };
    let mut top: Vec<(String, usize)> = tf
        .into_iter()
        .filter(|(w, _)| df.get(w).copied().unwrap_or(0) >= min_df)
        .collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(20);
    let mut hashtags: Vec<_> = tags.into_iter().collect();
    hashtags.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    hashtags.truncate(20);
    openings.truncate(10);
    Patterns {
        collection_id: collection_id.to_string(),
        sources: texts.len(),
        avg_words: words as f64 / n,
        avg_paragraphs: paras as f64 / n,
        top_terms: counted(top),
        hashtags: counted(hashtags),
        openings,
        question_ratio: if sentences == 0 {
            0.0
        } else {
            questions as f64 / sentences as f64
        },
    }
}
