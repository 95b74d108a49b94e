//! Preparing documents for the index: cut into chunks and embedded, outside any transaction
//! (the SQL that writes them is `index_store`).
use super::chunk::{self, Chunk, ChunkConfig};
use super::embed::Embedder;

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
