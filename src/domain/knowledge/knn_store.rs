//! The vector-KNN SQL of `search::search`: which chunks are nearest the query vector, among those the
//! viewer may see and the filters allow, best first (at most `CANDIDATES`, within
//! `MAX_DISTANCE`). Narrow filters compute exact distances over just the matching chunks; broad
//! searches scan vec0 exactly on small stores and use the in-memory binary index (`ann`) on
//! large ones, rescoring its candidates in float32 before visibility is applied.
use super::search::{CANDIDATES, MAX_DISTANCE, Query, VectorPath};
use super::search_store::{Bound, bind, doc_join};
use super::{embed, index_store as index};
use crate::access::Viewer;
use crate::db::ann::{self, Ann, Lookup};
use rusqlite::{Connection, OptionalExtension, ToSql, params};
use std::collections::HashMap;

/// Binary first pass defaults, tuned for recall@10 ≥ 0.95 in tests/bench/knowledge.py: the
/// Hamming scan keeps max(HAMMING_POOL, n / HAMMING_FRACTION) vectors, the asymmetric estimate
/// orders those and keeps ESTIMATE_POOL, and the best EXACT_RESCORE of the visible ones are
/// rescored in float32.
const HAMMING_POOL: usize = 4000;
const HAMMING_FRACTION: usize = 100;
const ESTIMATE_POOL: usize = 300;
const EXACT_RESCORE: usize = 20;
/// Candidates whose visibility one query checks (see `binary`).
const VISIBILITY_BATCH: usize = 128;
/// Vectors scanned exactly (the newest) while the binary index loads after a start.
const WARMING_SCAN: i64 = 50_000;

/// Chunk ids of a query whose parameters are the nine of `bind` followed by `extra` (?10…).
fn ids(c: &Connection, sql: &str, b: &Bound, extra: &[&dyn ToSql]) -> rusqlite::Result<Vec<i64>> {
    let mut p: Vec<&dyn ToSql> = vec![&b.0, &b.1, &b.2, &b.3, &b.4, &b.5, &b.6, &b.7, &b.8];
    p.extend_from_slice(extra);
    let mut stmt = c.prepare_cached(sql)?;
    let rows = stmt.query_map(p.as_slice(), |r| r.get(0))?;
    rows.collect()
}

pub fn vector_ids(
    c: &Connection,
    ann: &Ann,
    v: &Viewer,
    q: &Query,
    model: &str,
    qv: &[f32],
) -> rusqlite::Result<Vec<i64>> {
    let b = bind(v, &q.filters);
    let blob = embed::to_blob(qv);
    if !index::has_vec_tables(c, qv.len())? {
        return Ok(Vec::new());
    }
    // vec0 columns have a fixed size: the vectors of this model live in the table of its size.
    let t = index::vec_tables(qv.len());
    if q.filters.narrow() {
        return exact_visible(c, q, &b, model, &blob, &t.float);
    }
    let path = if qv.len() != embed::DIMS {
        // The binary index is laid out for 384-d vectors; other sizes are scanned in vec0.
        VectorPath::Exact
    } else if q.force_quantized {
        VectorPath::Binary
    } else {
        q.vector_path
    };
    match path {
        VectorPath::Binary | VectorPath::Auto => {
            match ann.get(c, model, path == VectorPath::Binary)? {
                Lookup::Ready(idx) => match binary(c, ann, q, &b, model, qv, &blob, &idx)? {
                    Some(found) => Ok(found),
                    // The filters hid most of the pool: exact over what the viewer may see.
                    None => exact_visible(c, q, &b, model, &blob, &t.float),
                },
                Lookup::Exact => exact_all(c, q, &b, model, &blob, &t.float),
                Lookup::Warming => exact_recent(c, q, &b, model, &blob, &t.float),
            }
        }
        VectorPath::Exact => exact_all(c, q, &b, model, &blob, &t.float),
    }
}

/// Exact distances over just the chunks that pass visibility and the filters.
fn exact_visible(
    c: &Connection,
    q: &Query,
    b: &Bound,
    model: &str,
    blob: &[u8],
    table: &str,
) -> rusqlite::Result<Vec<i64>> {
    let sql = format!(
        "SELECT c.id FROM chunks c JOIN chunk_vectors cv ON cv.chunk_id = c.id AND cv.model = ?10
         JOIN {table} vc ON vc.rowid = cv.id {}
           AND vec_distance_cosine(vc.embedding, ?11) <= ?13
         ORDER BY vec_distance_cosine(vc.embedding, ?11) LIMIT ?12",
        doc_join(q.scope)
    );
    let limit = CANDIDATES as i64;
    ids(c, &sql, b, &[&model, &blob, &limit, &MAX_DISTANCE])
}

/// While the binary index loads after a start: exact distances over the newest
/// `WARMING_SCAN` vectors only (a bounded scan, ~30 ms), which hybrid search completes with its
/// keyword half; the full index answers once loaded (a fraction of a second at 1M).
fn exact_recent(
    c: &Connection,
    q: &Query,
    b: &Bound,
    model: &str,
    blob: &[u8],
    table: &str,
) -> rusqlite::Result<Vec<i64>> {
    let sql = format!(
        "SELECT c.id FROM chunk_vectors cv JOIN {table} vc ON vc.rowid = cv.id
         JOIN chunks c ON c.id = cv.chunk_id {}
           AND cv.model = ?10 AND cv.id > (SELECT COALESCE(MAX(id), 0) FROM chunk_vectors) - ?14
           AND vec_distance_cosine(vc.embedding, ?11) <= ?13
         ORDER BY vec_distance_cosine(vc.embedding, ?11) LIMIT ?12",
        doc_join(q.scope)
    );
    let (limit, scan) = (CANDIDATES as i64, WARMING_SCAN);
    ids(c, &sql, b, &[&model, &blob, &limit, &MAX_DISTANCE, &scan])
}

/// vec0 float32 KNN over every vector (over-fetched), then visibility and filters.
fn exact_all(
    c: &Connection,
    q: &Query,
    b: &Bound,
    model: &str,
    blob: &[u8],
    table: &str,
) -> rusqlite::Result<Vec<i64>> {
    let sql = format!(
        "WITH knn AS (SELECT rowid AS vid, distance FROM {table}
                      WHERE embedding MATCH ?10 AND k = ?11 AND model = ?12)
         SELECT c.id FROM knn CROSS JOIN chunk_vectors cv ON cv.id = knn.vid
         CROSS JOIN chunks c ON c.id = cv.chunk_id CROSS {}
           AND knn.distance <= ?14
         ORDER BY knn.distance LIMIT ?13",
        doc_join(q.scope)
    );
    let (k, limit) = ((CANDIDATES * 10) as i64, CANDIDATES as i64);
    ids(c, &sql, b, &[&blob, &k, &model, &limit, &MAX_DISTANCE])
}

/// Candidates from the binary index in estimated order, filtered by visibility in SQL; the
/// best `EXACT_RESCORE` visible ones are rescored in float32 from vec0 (a point read costs
/// ~0.04 ms in chunks of 64 vectors, migration 0016) and lead, the rest follow in estimated
/// order. None when the filters hid so much of the pool that better matches may lie beyond it.
#[allow(clippy::too_many_arguments)]
fn binary(
    c: &Connection,
    ann: &Ann,
    q: &Query,
    b: &Bound,
    model: &str,
    qv: &[f32],
    blob: &[u8],
    idx: &std::sync::RwLock<ann::BinIndex>,
) -> rusqlite::Result<Option<Vec<i64>>> {
    let (keep, exact) = q.binary_pool.unwrap_or((ESTIMATE_POOL, EXACT_RESCORE));
    let pool = {
        let r = idx.read().unwrap_or_else(|e| e.into_inner());
        r.candidates(
            qv,
            HAMMING_POOL.max(r.len() / HAMMING_FRACTION),
            keep,
            q.scan_threads,
        )
    };
    // CROSS JOIN pins the loop order: from the few candidates out, never from the documents in.
    let sql = format!(
        "SELECT c.id, cv.id FROM json_each(?10) j CROSS JOIN chunk_vectors cv ON cv.id = j.value AND cv.model = ?11
         CROSS JOIN chunks c ON c.id = cv.chunk_id CROSS {}",
        doc_join(q.scope)
    );
    // Visibility in batches, best estimates first, until `CANDIDATES` are visible: where the
    // viewer sees most of the store (the usual case) one batch does, not the whole pool.
    let mut ordered: Vec<(i64, i64)> = Vec::with_capacity(CANDIDATES);
    let mut stmt = c.prepare_cached(&sql)?;
    for batch in pool.chunks(VISIBILITY_BATCH) {
        let list = serde_json::to_string(batch).unwrap_or_default();
        let mut p: Vec<&dyn ToSql> = vec![&b.0, &b.1, &b.2, &b.3, &b.4, &b.5, &b.6, &b.7, &b.8];
        p.push(&list);
        p.push(&model);
        let mut visible: HashMap<i64, i64> = HashMap::with_capacity(batch.len());
        let rows = stmt.query_map(p.as_slice(), |r| Ok((r.get::<_, i64>(1)?, r.get(0)?)))?;
        for row in rows {
            let (vid, chunk) = row?;
            visible.insert(vid, chunk);
        }
        // (vid, chunk id) in estimated order.
        ordered.extend(
            batch
                .iter()
                .filter_map(|vid| visible.get(vid).map(|ch| (*vid, *ch))),
        );
        if ordered.len() >= CANDIDATES {
            break;
        }
    }
    drop(stmt);
    if ordered.len() < CANDIDATES && ordered.len() * 2 < pool.len() {
        return Ok(None);
    }
    let head = &ordered[..exact.min(ordered.len())];
    let mut rescored: Vec<(i64, f64)> = Vec::with_capacity(head.len());
    {
        let mut stmt = c.prepare_cached(
            "SELECT vec_distance_cosine(embedding, ?2) FROM vec_chunks WHERE rowid = ?1",
        )?;
        for (vid, chunk) in head {
            let d: Option<f64> = stmt
                .query_row(params![vid, blob], |r| r.get(0))
                .optional()?;
            match d {
                Some(d) => rescored.push((*chunk, d)),
                None => {
                    let r = idx.read().unwrap_or_else(|e| e.into_inner());
                    if r.note_stale(1) {
                        drop(r);
                        ann.forget();
                    }
                }
            }
        }
    }
    rescored.sort_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
    // Past the rescored head, estimates only: carry on while the head still reached that far.
    let tail_near = rescored.last().is_some_and(|r| r.1 <= MAX_DISTANCE);
    let mut out: Vec<i64> = rescored
        .iter()
        .filter(|r| r.1 <= MAX_DISTANCE)
        .map(|r| r.0)
        .collect();
    if tail_near {
        out.extend(ordered[head.len()..].iter().map(|r| r.1));
    }
    out.truncate(CANDIDATES);
    Ok(Some(out))
}
