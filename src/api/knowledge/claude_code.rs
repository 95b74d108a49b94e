//! /claude-code helpers built on retrieval: a context block for an agent, a grounded brief for
//! generation, and the writing patterns of a collection.
use super::memory_store;
use super::sources::run_search;
use crate::access::Viewer;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::knowledge::{embed, search};
use crate::state::AppState;
use actix_web::{get, post, web};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
pub struct ContextQuery {
    pub q: Option<String>,
    pub limit: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct ContextBlock {
    /// Markdown ready to paste into an agent's prompt.
    pub context: String,
    pub memory: Vec<memory_store::Memory>,
    pub passages: Vec<search::Hit>,
}

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

#[utoipa::path(tag = "claude-code", params(ContextQuery), responses((status = 200, body = ContextBlock)))]
#[get("/claude-code/context")]
pub async fn context(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<ContextQuery>,
) -> ApiResult<web::Json<ContextBlock>> {
    let q = q.into_inner();
    let owner = user.id.clone();
    let memory = state
        .db
        .run(move |c| memory_store::recent(c, &owner, None, 10))
        .await?;
    let passages = match q.q.filter(|s| !s.trim().is_empty()) {
        Some(text) => {
            let query = search::Query {
                text,
                limit: q.limit.unwrap_or(6),
                ..Default::default()
            };
            run_search(&state, Viewer::from(&user), query).await?
        }
        None => Vec::new(),
    };
    Ok(web::Json(ContextBlock {
        context: render(&memory, &passages),
        memory,
        passages,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct GenerateIn {
    pub brief: String,
    pub collection_id: Option<String>,
    pub limit: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct Grounded {
    /// The brief followed by the numbered passages it should draw on: the prompt a provider gets.
    pub prompt: String,
    pub passages: Vec<search::Hit>,
}

#[utoipa::path(tag = "claude-code", request_body = GenerateIn, responses((status = 200, body = Grounded), (status = 422, body = ErrorBody)))]
#[post("/claude-code/generate")]
pub async fn generate(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<GenerateIn>,
) -> ApiResult<web::Json<Grounded>> {
    let b = body.into_inner();
    if b.brief.trim().is_empty() {
        return Err(ApiError::unprocessable("brief is empty"));
    }
    let q = search::Query {
        text: b.brief.clone(),
        limit: b.limit.unwrap_or(6),
        filters: search::Filters {
            collection_ids: b.collection_id.into_iter().collect(),
            ..Default::default()
        },
        ..Default::default()
    };
    let passages = run_search(&state, Viewer::from(&user), q).await?;
    let prompt = format!("# Brief\n{}\n\n{}", b.brief.trim(), render(&[], &passages));
    Ok(web::Json(Grounded { prompt, passages }))
}

#[derive(Serialize, ToSchema)]
pub struct Patterns {
    pub collection_id: String,
    pub sources: usize,
    pub avg_words: f64,
    pub avg_paragraphs: f64,
    /// Distinctive terms: frequent here, spread over several sources.
    pub top_terms: Vec<(String, usize)>,
    pub hashtags: Vec<(String, usize)>,
    /// How pieces open: their first line, most frequent first word patterns.
    pub openings: Vec<String>,
    pub question_ratio: f64,
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
        top_terms: top,
        hashtags,
        openings,
        question_ratio: if sentences == 0 {
            0.0
        } else {
            questions as f64 / sentences as f64
        },
    }
}

#[utoipa::path(tag = "claude-code", responses((status = 200, body = Patterns), (status = 404, body = ErrorBody)))]
#[get("/claude-code/patterns/{collection_id}")]
pub async fn patterns(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Patterns>> {
    let v = Viewer::from(&user);
    let id = id.into_inner();
    let p = state
        .db
        .run(move |c| -> ApiResult<Option<Patterns>> {
            if super::collections_store::get(c, &v, &id)?.is_none() {
                return Ok(None);
            }
            let texts = memory_store::collection_texts(c, &id, 500)?;
            Ok(Some(analyse(&id, &texts)))
        })
        .await?;
    p.map(web::Json).ok_or(ApiError::NotFound("collection"))
}
