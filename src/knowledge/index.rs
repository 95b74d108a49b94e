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
    c.prepare_cached("INSERT INTO vec_chunks (rowid, model, embedding) VALUES (?1, ?2, ?3)")?
        .execute(params![vid, model, blob])?;
    c.prepare_cached(
        "INSERT INTO vec_chunks_q (rowid, model, embedding) VALUES (?1, ?2, vec_quantize_int8(?3, 'unit'))",
    )?
    .execute(params![vid, model, blob])?;
    Ok(())
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
