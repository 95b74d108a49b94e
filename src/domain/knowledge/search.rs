//! THE retrieval function. FTS5 (BM25) and vector KNN over the same chunks, fused by
//! reciprocal rank (each keyword hit weighted by how much of the query it covers), filtered by the caller's visibility and the request's filters, returned
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

/// How hybrid search fuses its two ranked lists: Σ weight / (k + rank), where a keyword hit's
/// weight is `keyword` × coverage^`coverage` (coverage: the share of the query's distinct
/// content words the passage contains, see [`coverage`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fusion {
    pub k: f64,
    pub keyword: f64,
    pub vector: f64,
    /// 0 = plain rank fusion; higher discounts keyword hits that match few of the query's words.
    pub coverage: f64,
}

impl Fusion {
    /// The fusion for the active embedding model, tuned on the dev half of
    /// tests/bench/retrieval_set.json (tests/bench/knowledge.py --only-quality) and checked on
    /// the held-out half: a small k lets each list's top hits lead. The OR-ed keyword query
    /// matches any passage sharing one word with a paraphrase or a question, so BM25's top hits
    /// are noise for those unless they cover the query; weighting each by its coverage² keeps
    /// BM25's lead on names and exact terms without that noise (for a neural model; dev picked
    /// k 5, vector weight 0.5, coverage² from a grid, MiniLM nDCG@10 dev 0.906 / test 0.910,
    /// against 0.901 / 0.905 for the best plain RRF). The hashing embedder's vectors are a
    /// weaker signal than BM25 and coverage did not help it on dev.
    pub fn for_model(model: &str) -> Self {
        if model == embed::HASHING_MODEL {
            Fusion {
                k: 5.0,
                keyword: 1.0,
                vector: 0.5,
                coverage: 0.0,
            }
        } else {
            Fusion {
                k: 5.0,
                keyword: 1.0,
                vector: 0.5,
                coverage: 2.0,
            }
        }
    }
}

/// Words that say nothing about what a query is after: not counted in a keyword hit's coverage
/// (a question's "how", "do", "we" are in every other passage).
const QUERY_STOP: &[&str] = &[
    "a", "about", "an", "and", "are", "as", "at", "be", "but", "by", "can", "could", "did", "do",
    "does", "for", "from", "had", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its",
    "may", "might", "my", "no", "not", "of", "on", "or", "our", "should", "so", "than", "that",
    "the", "their", "them", "then", "there", "they", "this", "to", "up", "us", "was", "we", "what",
    "when", "where", "which", "who", "why", "will", "with", "would", "you", "your",
];

/// The query's distinct content words (all its words when it has only stop words).
pub fn content_terms(text: &str) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    for w in embed::words(text).take(24) {
        if !all.contains(&w) {
            all.push(w);
        }
    }
    let content: Vec<String> = all
        .iter()
        .filter(|w| !QUERY_STOP.contains(&w.as_str()))
        .cloned()
        .collect();
    if content.is_empty() { all } else { content }
}

/// The share of `terms` that some word of `text` matches (as snippets mark them: a word
/// starting with the term's stem), in [0, 1].
pub fn coverage(text: &str, terms: &[String]) -> f64 {
    if terms.is_empty() {
        return 0.0;
    }
    let mut found = vec![false; terms.len()];
    for w in embed::words(text) {
        for (i, t) in terms.iter().enumerate() {
            if !found[i] && super::snippet::matches(&w, std::slice::from_ref(t)) {
                found[i] = true;
            }
        }
    }
    found.iter().filter(|f| **f).count() as f64 / terms.len() as f64
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

/// Weighted reciprocal-rank fusion of ranked lists of (id, weight): Σ weight/(k + rank).
pub fn rrf(lists: &[&[(i64, f64)]], k: f64) -> Vec<(i64, f64, Vec<Option<usize>>)> {
    let mut acc: HashMap<i64, (f64, Vec<Option<usize>>)> = HashMap::new();
    for (li, list) in lists.iter().enumerate() {
        for (rank, (id, weight)) in list.iter().enumerate() {
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
    let terms = content_terms(&text);
    let kw: Vec<(i64, f64)> = kw
        .iter()
        .map(|(id, passage)| {
            let weight = if f.coverage > 0.0 {
                f.keyword * coverage(passage, &terms).powf(f.coverage)
            } else {
                f.keyword
            };
            (*id, weight)
        })
        .collect();
    let vec: Vec<(i64, f64)> = vec.into_iter().map(|id| (id, f.vector)).collect();
    let fused = rrf(&[&kw, &vec], f.k);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_terms_drop_question_words_and_repeats_but_keep_an_all_stop_query() {
        assert_eq!(
            content_terms("How do we price the Pro plan, and the pro trial?"),
            ["price", "pro", "plan", "trial"]
        );
        assert_eq!(content_terms("what is it"), ["what", "is", "it"]);
        assert!(content_terms("  ").is_empty());
    }

    #[test]
    fn coverage_is_the_share_of_terms_some_word_matches_including_other_forms() {
        let terms = content_terms("embedding models for search");
        // "embeddings" is a form of "embedding"; "searching" of "search"; "models" missing.
        assert_eq!(
            coverage("Embeddings make searching fast.", &terms),
            2.0 / 3.0
        );
        assert_eq!(coverage("nothing relevant", &terms), 0.0);
        assert_eq!(coverage("anything", &[]), 0.0);
    }

    #[test]
    fn rrf_sums_each_lists_weight_over_k_plus_rank() {
        let kw = [(1, 1.0), (2, 0.0)];
        let vec = [(3, 1.0), (1, 1.0)];
        let fused = rrf(&[&kw, &vec], 5.0);
        let ids: Vec<i64> = fused.iter().map(|f| f.0).collect();
        // 1: 1/6 + 1/7; 3: 1/6; 2 matched keywords but covers nothing of the query: 0.
        assert_eq!(ids, [1, 3, 2]);
        assert!((fused[0].1 - (1.0 / 6.0 + 1.0 / 7.0)).abs() < 1e-12);
        assert_eq!(fused[0].2, [Some(1), Some(2)]);
        assert_eq!(fused[2].2, [Some(2), None]);
    }

    #[test]
    fn a_neural_model_fuses_with_coverage_and_the_hashing_embedder_without() {
        assert_eq!(Fusion::for_model(embed::HASHING_MODEL).coverage, 0.0);
        assert!(Fusion::for_model("all-MiniLM-L6-v2").coverage > 0.0);
    }
}
