//! THE retrieval function. FTS5 (BM25) and vector KNN over the same chunks, fused by
//! reciprocal rank, filtered by the caller's visibility and the request's filters, returned
//! with highlighted snippets. /memory/search, cross-reference, /claude-code/query and the chat
//! tool all call `search`.
use super::embed::{self, Embedder};
use super::index;
use crate::access::Viewer;
use rusqlite::{Connection, params};
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
    pub(super) fn narrow(&self) -> bool {
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

const RRF_K: f64 = 60.0;
pub(super) const CANDIDATES: usize = 100;
/// KNN always returns neighbours, however far: vector hits beyond this cosine distance
/// (similarity under 0.1) are noise, not matches.
pub(super) const MAX_DISTANCE: f64 = 0.9;

/// The joined document row and the filters, per scope. Parameters: ?1 user, ?2 admin,
/// ?3 collection ids (JSON array or NULL), ?4 excluded collection, ?5 source, ?6 client,
/// ?7 project, ?8 platform, ?9 kind.
pub(super) fn doc_join(scope: Scope) -> String {
    match scope {
        Scope::Sources => format!(
            "JOIN sources s ON c.doc_type = 'source' AND s.id = c.doc_id
             WHERE s.status = 'ready' AND {}
               AND (?3 IS NULL OR s.collection_id IN (SELECT value FROM json_each(?3)))
               AND (?4 IS NULL OR (s.collection_id IS NOT NULL AND s.collection_id <> ?4))
               AND (?5 IS NULL OR s.id = ?5) AND (?6 IS NULL OR s.client_id = ?6)
               AND (?7 IS NULL OR s.project_id = ?7) AND (?8 IS NULL OR s.platform = ?8)
               AND (?9 IS NULL OR s.kind = ?9)",
            crate::access::visible("s", "source", 1)
        ),
        // The memory log is personal: each user searches their own. (Unused numbered
        // parameters are fine: SQLite counts up to the highest one.)
        Scope::Memory => "JOIN memory s ON c.doc_type = 'memory' AND s.id = c.doc_id
             WHERE s.owner_id = ?1 AND (?5 IS NULL OR s.id = ?5) AND (?9 IS NULL OR s.type = ?9)"
            .to_string(),
    }
}

fn title_col(scope: Scope) -> &'static str {
    match scope {
        Scope::Sources => "s.title, s.collection_id, s.platform",
        Scope::Memory => "s.type, NULL, NULL",
    }
}

pub(super) type Bound = (
    String,
    bool,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub(super) fn bind(v: &Viewer, f: &Filters) -> Bound {
    let cols = (!f.collection_ids.is_empty())
        .then(|| serde_json::to_string(&f.collection_ids).unwrap_or_default());
    (
        v.user_id.clone(),
        v.admin,
        cols,
        f.exclude_collection.clone(),
        f.source_id.clone(),
        f.client_id.clone(),
        f.project_id.clone(),
        f.platform.clone(),
        f.kind.clone(),
    )
}

/// FTS5 query of the user's words, each quoted (no operator injection), OR-ed for recall;
/// BM25 ranks documents that match more of them first.
pub fn fts_query(text: &str) -> Option<String> {
    let terms: Vec<String> = embed::words(text)
        .take(24)
        .map(|w| format!("\"{}\"", w.replace('"', "")))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" OR "))
}

fn keyword_ids(c: &Connection, v: &Viewer, q: &Query) -> rusqlite::Result<Vec<i64>> {
    let Some(m) = fts_query(&q.text) else {
        return Ok(Vec::new());
    };
    let sql = format!(
        "SELECT c.id FROM chunks_fts f JOIN chunks c ON c.id = f.rowid {} AND chunks_fts MATCH ?10
         ORDER BY f.rank LIMIT ?11",
        doc_join(q.scope)
    );
    let b = bind(v, &q.filters);
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            b.0,
            b.1,
            b.2,
            b.3,
            b.4,
            b.5,
            b.6,
            b.7,
            b.8,
            m,
            CANDIDATES as i64
        ],
        |r| r.get(0),
    )?;
    rows.collect()
}

/// Reciprocal-rank fusion of ranked id lists: Σ 1/(60 + rank).
pub fn rrf(lists: &[&[i64]]) -> Vec<(i64, f64, Vec<Option<usize>>)> {
    let mut acc: HashMap<i64, (f64, Vec<Option<usize>>)> = HashMap::new();
    for (li, list) in lists.iter().enumerate() {
        for (rank, id) in list.iter().enumerate() {
            let e = acc
                .entry(*id)
                .or_insert_with(|| (0.0, vec![None; lists.len()]));
            e.0 += 1.0 / (RRF_K + rank as f64 + 1.0);
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
    v: &Viewer,
    emb: &dyn Embedder,
    q: &Query,
) -> anyhow::Result<Vec<Hit>> {
    let limit = q.limit.clamp(1, 100);
    let kw = if q.mode == Mode::Vector {
        Vec::new()
    } else {
        keyword_ids(c, v, q)?
    };
    let active = index::active_model(c, emb.model_id())?;
    let vec = if q.mode == Mode::Keyword || q.text.trim().is_empty() || active != emb.model_id() {
        Vec::new()
    } else {
        let qv = emb.embed(&[q.text.as_str()])?.pop().unwrap_or_default();
        super::knn::vector_ids(c, v, q, &active, &qv)?
    };
    let fused = rrf(&[&kw, &vec]);
    let top: Vec<_> = fused.into_iter().take(limit).collect();
    let ids: Vec<i64> = top.iter().map(|t| t.0).collect();
    // CROSS JOIN pins the loop order: from the few fused ids out, never through every chunk of
    // the visible documents.
    let sql = format!(
        "SELECT c.id, c.doc_type, c.doc_id, c.text, c.start_off, c.end_off, {}
         FROM json_each(?10) j CROSS JOIN chunks c ON c.id = j.value CROSS {}",
        title_col(q.scope),
        doc_join(q.scope)
    );
    let b = bind(v, &q.filters);
    let mut stmt = c.prepare_cached(&sql)?;
    let mut rows: HashMap<i64, Hit> = HashMap::new();
    let terms: Vec<String> = embed::words(&q.text).filter(|w| w.len() > 1).collect();
    let mapped = stmt.query_map(
        params![
            b.0,
            b.1,
            b.2,
            b.3,
            b.4,
            b.5,
            b.6,
            b.7,
            b.8,
            serde_json::to_string(&ids)?
        ],
        |r| {
            let text: String = r.get(3)?;
            Ok(Hit {
                chunk_id: r.get(0)?,
                doc_type: r.get(1)?,
                doc_id: r.get(2)?,
                snippet: super::snippet::highlight(&text, &terms, 240),
                text,
                start: r.get(4)?,
                end: r.get(5)?,
                title: r.get(6)?,
                collection_id: r.get(7)?,
                platform: r.get(8)?,
                score: 0.0,
                keyword_rank: None,
                vector_rank: None,
            })
        },
    )?;
    for h in mapped {
        let h = h?;
        rows.insert(h.chunk_id, h);
    }
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
