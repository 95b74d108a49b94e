//! SQL of retrieval: the keyword (FTS5) candidates, the joined document row with the caller's
//! visibility and the request's filters, and the hits loaded for the fused ids.
use super::search::{Filters, Hit, Query, Scope};
use crate::access::Viewer;
use rusqlite::{Connection, params};
use std::collections::HashMap;

/// The joined document row and the filters, per scope. Parameters: ?1 user, ?2 admin,
/// ?3 collection ids (JSON array or NULL), ?4 excluded collection, ?5 source, ?6 client,
/// ?7 project, ?8 platform, ?9 kind.
pub fn doc_join(scope: Scope) -> String {
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

pub type Bound = (
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

pub fn bind(v: &Viewer, f: &Filters) -> Bound {
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

/// The FTS5 candidates of `m` (an FTS5 query), best first, with their text.
pub fn keyword_ids(
    c: &Connection,
    v: &Viewer,
    q: &Query,
    m: &str,
) -> rusqlite::Result<Vec<(i64, String)>> {
    let sql = format!(
        "SELECT c.id, c.text FROM chunks_fts f JOIN chunks c ON c.id = f.rowid {} AND chunks_fts MATCH ?10
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
            super::search::CANDIDATES as i64
        ],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    rows.collect()
}

/// The visible hits among `ids` (unscored), by chunk id.
pub fn hits(
    c: &Connection,
    v: &Viewer,
    q: &Query,
    ids: &[i64],
    terms: &[String],
) -> rusqlite::Result<HashMap<i64, Hit>> {
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
            serde_json::to_string(ids).unwrap_or_default()
        ],
        |r| {
            let text: String = r.get(3)?;
            Ok(Hit {
                chunk_id: r.get(0)?,
                doc_type: r.get(1)?,
                doc_id: r.get(2)?,
                snippet: super::snippet::highlight(&text, terms, 240),
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
    Ok(rows)
}
