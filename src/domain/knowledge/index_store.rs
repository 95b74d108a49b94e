//! SQL of the index: chunks (FTS5 rows follow by trigger) and their vectors in vec0, tagged
//! with the model that produced them, and the active model search reads.
use super::chunk::Chunk;
use super::embed;
use super::index::Prepared;
use rusqlite::{Connection, OptionalExtension, params};

/// Replace the chunks of one document. Returns the number of chunks written. The first vectors
/// ever written make their model the active one.
pub fn write(
    c: &Connection,
    doc_type: &str,
    doc_id: &str,
    p: &Prepared,
) -> rusqlite::Result<usize> {
    ensure_active_model(c, &p.model)?;
    remove(c, doc_type, doc_id)?;
    append(c, doc_type, doc_id, 0, &p.chunks, &p.vectors, &p.model)?;
    Ok(p.chunks.len())
}

/// Add chunks (numbered from `first_ord`) and their vectors to a document.
pub fn append(
    c: &Connection,
    doc_type: &str,
    doc_id: &str,
    first_ord: usize,
    chunks: &[Chunk],
    vectors: &[Vec<f32>],
    model: &str,
) -> rusqlite::Result<()> {
    let mut ins = c.prepare_cached(
        "INSERT INTO chunks (doc_type, doc_id, ord, text, start_off, end_off) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, (ch, v)) in chunks.iter().zip(vectors).enumerate() {
        ins.execute(params![
            doc_type,
            doc_id,
            (first_ord + i) as i64,
            ch.text,
            ch.start as i64,
            ch.end as i64
        ])?;
        let chunk_id = c.last_insert_rowid();
        add_vector(c, chunk_id, model, v)?;
    }
    Ok(())
}

pub fn add_vector(c: &Connection, chunk_id: i64, model: &str, v: &[f32]) -> rusqlite::Result<()> {
    // Delete first (not OR REPLACE): the delete trigger removes the old vec0 row.
    c.prepare_cached("DELETE FROM chunk_vectors WHERE chunk_id = ?1 AND model = ?2")?
        .execute(params![chunk_id, model])?;
    c.prepare_cached("INSERT INTO chunk_vectors (chunk_id, model) VALUES (?1, ?2)")?
        .execute(params![chunk_id, model])?;
    let vid = c.last_insert_rowid();
    let blob = embed::to_blob(v);
    let t = ensure_vec_tables(c, v.len())?;
    c.prepare_cached(&format!(
        "INSERT INTO {} (rowid, model, embedding) VALUES (?1, ?2, ?3)",
        t.float
    ))?
    .execute(params![vid, model, blob])?;
    // The sign-bit code beside it, in the same transaction: the binary index loads these.
    if let Some((code, scale)) = crate::db::ann::code(v) {
        c.prepare_cached(
            "INSERT INTO vec_codes (vid, model, code, scale) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![vid, model, code, scale as f64])?;
    }
    Ok(())
}

/// The largest vector size accepted (the biggest common models use 3072 or 4096).
pub const MAX_DIMS: usize = 8192;

/// The vec0 table holding the float32 vectors of one size (the in-memory sign-bit index of
/// `ann` is the first pass on large stores; it is rebuilt from these).
pub struct VecTables {
    pub float: String,
}

/// vec0 columns have a fixed size: 384-d vectors (hashing, MiniLM) live in the migration's
/// table, any other size in `vec_chunks_<dims>`, made on first use. (Databases from before
/// migration 0007 may still hold `vec_chunks_q_<dims>` int8 copies; their triggers keep them
/// consistent and nothing reads them.)
/// The names are built from a number only, never from user text.
pub fn vec_tables(dims: usize) -> VecTables {
    if dims == embed::DIMS {
        return VecTables {
            float: "vec_chunks".into(),
        };
    }
    VecTables {
        float: format!("vec_chunks_{dims}"),
    }
}

/// True when the tables for `dims` exist (search reads nothing otherwise).
pub fn has_vec_tables(c: &Connection, dims: usize) -> rusqlite::Result<bool> {
    if dims == embed::DIMS {
        return Ok(true);
    }
    c.prepare_cached("SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE name = ?1)")?
        .query_row([vec_tables(dims).float], |r| r.get(0))
}

fn ensure_vec_tables(c: &Connection, dims: usize) -> rusqlite::Result<VecTables> {
    if dims == 0 || dims > MAX_DIMS {
        return Err(rusqlite::Error::ToSqlConversionFailure(
            format!("unsupported embedding size {dims}").into(),
        ));
    }
    let t = vec_tables(dims);
    if !has_vec_tables(c, dims)? {
        // The delete trigger mirrors the migration's one for the 384-d tables; chunks of 64
        // vectors keep point reads cheap (migration 0016).
        c.execute_batch(&format!(
            "CREATE VIRTUAL TABLE IF NOT EXISTS {f} USING vec0(model text partition key, embedding float[{dims}] distance_metric=cosine, chunk_size=64);
             CREATE TRIGGER IF NOT EXISTS chunk_vectors_ad_{dims} AFTER DELETE ON chunk_vectors BEGIN
                 DELETE FROM {f} WHERE rowid = old.id;
             END;",
            f = t.float,
        ))?;
    }
    Ok(t)
}

pub fn remove(c: &Connection, doc_type: &str, doc_id: &str) -> rusqlite::Result<usize> {
    c.prepare_cached("DELETE FROM chunks WHERE doc_type = ?1 AND doc_id = ?2")?
        .execute(params![doc_type, doc_id])
}

/// The model search reads vectors of (None until the first vectors are written; then the
/// configured model is the one). Moved only by the re-embed job once every chunk has a vector
/// of the new model.
pub fn active_model(c: &Connection) -> rusqlite::Result<Option<String>> {
    c.prepare_cached("SELECT active_model FROM embedding_state WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()
}

/// Inside a write: the active model, set to `fallback` when there is none yet.
pub fn ensure_active_model(c: &Connection, fallback: &str) -> rusqlite::Result<String> {
    match active_model(c)? {
        Some(m) => Ok(m),
        None => {
            set_active_model(c, fallback)?;
            Ok(fallback.to_string())
        }
    }
}

pub fn set_active_model(c: &Connection, model: &str) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO embedding_state (id, active_model, updated_at) VALUES (1, ?1, ?2)
         ON CONFLICT(id) DO UPDATE SET active_model = excluded.active_model, updated_at = excluded.updated_at",
    )?
    .execute(params![model, crate::time::now_rfc3339()])?;
    Ok(())
}

/// How many chunks there are, and how many have a vector of `model`.
pub fn vector_coverage(c: &Connection, model: &str) -> rusqlite::Result<(i64, i64)> {
    let total: i64 = c
        .prepare_cached("SELECT COUNT(*) FROM chunks")?
        .query_row([], |r| r.get(0))?;
    let embedded: i64 = c
        .prepare_cached("SELECT COUNT(*) FROM chunk_vectors WHERE model = ?1")?
        .query_row([model], |r| r.get(0))?;
    Ok((total, embedded))
}

/// Up to `limit` chunks (id, document title, text) without a vector of `model`, oldest first.
/// The title is a source's ("" for memory entries), as the import embedded it.
pub fn without_vector(
    c: &Connection,
    model: &str,
    limit: i64,
) -> rusqlite::Result<Vec<(i64, String, String)>> {
    let mut stmt = c.prepare_cached(
        "SELECT c.id, COALESCE(s.title, ''), c.text FROM chunks c
         LEFT JOIN sources s ON c.doc_type = 'source' AND s.id = c.doc_id
         WHERE NOT EXISTS (SELECT 1 FROM chunk_vectors cv WHERE cv.chunk_id = c.id AND cv.model = ?1)
         ORDER BY c.id LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![model, limit], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })?;
    rows.collect()
}

pub fn chunk_exists(c: &Connection, id: i64) -> rusqlite::Result<bool> {
    c.prepare_cached("SELECT EXISTS(SELECT 1 FROM chunks WHERE id = ?1)")?
        .query_row([id], |r| r.get(0))
}

/// Drop the vectors of every model but `model` (after the re-embed flipped to it).
pub fn drop_other_models(c: &Connection, model: &str) -> rusqlite::Result<usize> {
    c.prepare_cached("DELETE FROM chunk_vectors WHERE model <> ?1")?
        .execute([model])
}
