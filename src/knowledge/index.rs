//! Writing documents into the index: chunks (FTS5 rows follow by trigger) and their vectors
//! in vec0, tagged with the model that produced them.
use super::chunk::{self, Chunk, ChunkConfig};
use super::embed::{self, Embedder};
use rusqlite::{Connection, OptionalExtension, params};

/// A document cut and embedded, ready to be written (computed outside any transaction).
pub struct Prepared {
    pub model: String,
    pub chunks: Vec<Chunk>,
    pub vectors: Vec<Vec<f32>>,
}

pub fn prepare(emb: &dyn Embedder, text: &str) -> anyhow::Result<Prepared> {
    let chunks = chunk::chunk(text, ChunkConfig::default());
    let mut vectors = Vec::with_capacity(chunks.len());
    for batch in chunks.chunks(32) {
        let texts: Vec<&str> = batch.iter().map(|c| c.text.as_str()).collect();
        vectors.extend(emb.embed(&texts)?);
    }
    anyhow::ensure!(
        vectors.len() == chunks.len(),
        "embedder returned too few vectors"
    );
    Ok(Prepared {
        model: emb.model_id().to_string(),
        chunks,
        vectors,
    })
}

/// Replace the chunks of one document. Returns the number of chunks written.
pub fn write(
    c: &Connection,
    doc_type: &str,
    doc_id: &str,
    p: &Prepared,
) -> rusqlite::Result<usize> {
    remove(c, doc_type, doc_id)?;
    let mut ins = c.prepare_cached(
        "INSERT INTO chunks (doc_type, doc_id, ord, text, start_off, end_off) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, (ch, v)) in p.chunks.iter().zip(&p.vectors).enumerate() {
        ins.execute(params![
            doc_type,
            doc_id,
            i as i64,
            ch.text,
            ch.start as i64,
            ch.end as i64
        ])?;
        let chunk_id = c.last_insert_rowid();
        add_vector(c, chunk_id, &p.model, v)?;
    }
    Ok(p.chunks.len())
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
        // The delete trigger mirrors the migration's one for the 384-d tables.
        c.execute_batch(&format!(
            "CREATE VIRTUAL TABLE IF NOT EXISTS {f} USING vec0(model text partition key, embedding float[{dims}] distance_metric=cosine);
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

/// The model search reads vectors of. Set on first use to the configured model; moved only by
/// the re-embed job once every chunk has a vector of the new model.
pub fn active_model(c: &Connection, fallback: &str) -> rusqlite::Result<String> {
    let cur: Option<String> = c
        .prepare_cached("SELECT active_model FROM embedding_state WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    match cur {
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
