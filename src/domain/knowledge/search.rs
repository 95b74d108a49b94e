//! THE retrieval function. FTS5 (BM25) and vector KNN over the same chunks, fused by
//! reciprocal rank, filtered by the caller's visibility and the request's filters, returned
//! with highlighted snippets. /memory/search, cross-reference, /claude-code/query and the chat
//! tool all call `search`.
use super::embed::{self, Embedder};
use super::{index_store, knn_store, search_store as store};
use crate::access::Viewer;
use crate::db::ann::Ann;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Scope {
    #[default]
    Sources,
    Memory,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Hybrid,
    Keyword,
    Vector,
}

#[derive(Clone, Debug, Default)]
pub struct Filters {
    pub collection_ids: Vec<String>,
    pub exclude_collection: Option<String>,
    pub source_id: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub platform: Option<String>,
    /// Source kind (paste, url, file…) or memory type.
    pub kind: Option<String>,
}

impl Filters {
    pub fn narrow(&self) -> bool {
        !self.collection_ids.is_empty() || self.source_id.is_some()
    }
}

/// How broad vector KNN finds its candidates. Callers leave `Auto`; the others are for tests
/// and tests/bench/knowledge.py.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum VectorPath {
    /// Exact up to `ann::BUILD_ABOVE` vectors, the in-memory binary first pass above.
    #[default]
    Auto,
    /// vec0 float32 KNN over every vector.
    Exact,
    /// In-memory sign-bit index (`ann`), top candidates rescored in float32.
    Binary,
}

#[derive(Clone, Debug, Default)]
pub struct Query {
    /// Use the in-memory binary first pass regardless of store size (tests, benches).
    pub force_quantized: bool,
    pub vector_path: VectorPath,
    /// Binary first pass: (candidates kept by the estimate, how many of them are rescored in
    /// float32); None = the tuned defaults.
    pub binary_pool: Option<(usize, usize)>,
    /// Binary first pass: threads of the Hamming scan; None = one per core above 100k vectors
    /// (the bench compares with 1).
    pub scan_threads: Option<usize>,
    /// Hybrid fusion; None = the tuned default for the active model (the bench tries others).
    pub fusion: Option<Fusion>,
    pub text: String,
    pub limit: usize,
    pub scope: Scope,
    pub mode: Mode,
    pub filters: Filters,
}

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct Hit {
    pub chunk_id: i64,
    /// `source` or `memory`.
    pub doc_type: String,
    /// The source (or memory entry) id.
    pub doc_id: String,
    pub title: String,
    /// Passage text.
    pub text: String,
    /// HTML-escaped excerpt with query terms wrapped in `<mark>`.
    pub snippet: String,
    pub score: f64,
    pub keyword_rank: Option<usize>,
    pub vector_rank: Option<usize>,
    pub collection_id: Option<String>,
    pub platform: Option<String>,
    pub start: i64,
    pub end: i64,
}

/// How hybrid search fuses its two ranked lists: Σ weight / (k + rank).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fusion {
    pub k: f64,
    pub keyword: f64,
    pub vector: f64,
}

impl Fusion {
    /// The fusion for the active embedding model, tuned on the dev half of
    /// tests/bench/retrieval_set.json (tests/bench/knowledge.py --only-quality) and checked on
    /// the held-out half: a small k lets each list's top hits lead; the hashing embedder's
    /// vectors are a weaker signal than BM25 (weight 0.5), a neural model's a stronger one (3).
    pub fn for_model(model: &str) -> Self {
        let vector = if model == embed::HASHING_MODEL {
            0.5
        } else {
            3.0
        };
        Fusion {
            k: 5.0,
            keyword: 1.0,
            vector,
        }
    }
}

pub const CANDIDATES: usize = 100;
/// KNN always returns neighbours, however far: vector hits beyond this cosine distance
/// (similarity under 0.1) are noise, not matches.
pub const MAX_DISTANCE: f64 = 0.9;

/// FTS5 query of the user's words, each quoted (no operator injection), OR-ed for recall;
/// BM25 ranks documents that match more of them first.
pub fn fts_query(text: &str) -> Option<String> {
    let terms: Vec<String> = embed::words(text)
        .take(24)
        .map(|w| format!("\"{}\"", w.replace('"', "")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" OR "))
}

/// Weighted reciprocal-rank fusion of ranked id lists: Σ weight/(k + rank).
pub fn rrf(lists: &[(&[i64], f64)], k: f64) -> Vec<(i64, f64, Vec<Option<usize>>)> {
    let mut acc: HashMap<i64, (f64, Vec<Option<usize>>)> = HashMap::new();
    for (li, (list, weight)) in lists.iter().enumerate() {
        for (rank, id) in list.iter().enumerate() {
            let e = acc
                .entry(*id)
                .or_insert_with(|| (0.0, vec![None; lists.len()]));
            e.0 += weight / (k + rank as f64 + 1.0);
            e.1[li] = Some(rank + 1);
        }
    }
    let mut out: Vec<_> = acc.into_iter().map(|(id, (s, r))| (id, s, r)).collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// Search the caller's knowledge (or memory). `emb` embeds the query; vectors are read for the
/// active model only (a query embedded by another model would be compared against nothing).
pub fn search(
    c: &Connection,
    ann: &Ann,
    v: &Viewer,
    emb: &dyn Embedder,
    q: &Query,
) -> anyhow::Result<Vec<Hit>> {
    let limit = q.limit.clamp(1, 100);
    // The same NFC the indexed text went through, so a decomposed "é" finds a composed one.
    let text = super::chunk::nfc(q.text.clone());
    let kw = if q.mode == Mode::Vector {
        Vec::new()
    } else {
        match fts_query(&text) {
            Some(m) => store::keyword_ids(c, v, q, &m)?,
            None => Vec::new(),
        }
    };
    let active = index_store::active_model(c)?.unwrap_or_else(|| emb.model_id().to_string());
    let vec = if q.mode == Mode::Keyword || text.trim().is_empty() || active != emb.model_id() {
        Vec::new()
    } else {
        let qv = emb.embed(&[text.as_str()])?.pop().unwrap_or_default();
        knn_store::vector_ids(c, ann, v, q, &active, &qv)?
    };
    let f = q.fusion.unwrap_or_else(|| Fusion::for_model(&active));
    let fused = rrf(&[(&kw, f.keyword), (&vec, f.vector)], f.k);
    let top: Vec<_> = fused.into_iter().take(limit).collect();
    let ids: Vec<i64> = top.iter().map(|t| t.0).collect();
    let terms: Vec<String> = embed::words(&text).filter(|w| w.len() > 1).collect();
    let mut rows = store::hits(c, v, q, &ids, &terms)?;
    Ok(top
        .into_iter()
        .filter_map(|(id, score, ranks)| {
            rows.remove(&id).map(|mut h| {
                h.score = score;
                h.keyword_rank = ranks[0];
                h.vector_rank = ranks[1];
                h
            })
        })
        .collect())
}
