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

/// What the embedder reads for a chunk: its document's title, then the passage. A passage
/// rarely repeats what its document is about ("the second dose…" of which recipe?); the title
/// says it. Only the vector sees the title: the stored chunk text, the keyword index and
/// snippets are the passage alone. Measured on tests/bench/retrieval_set.json with MiniLM:
/// vector nDCG@10 0.869 → 0.889 on dev, 0.874 → 0.894 on the held-out half.
pub fn embed_input(title: &str, text: &str) -> String {
    let title = title.trim();
    if title.is_empty() {
        text.to_string()
    } else {
        format!("{title}\n\n{text}")
    }
}

/// Embed `chunks` of a document titled `title` (see [`embed_input`]).
pub fn embed_chunks(
    emb: &dyn Embedder,
    title: &str,
    chunks: &[Chunk],
) -> anyhow::Result<Vec<Vec<f32>>> {
    let inputs: Vec<String> = chunks.iter().map(|c| embed_input(title, &c.text)).collect();
    let texts: Vec<&str> = inputs.iter().map(String::as_str).collect();
    emb.embed(&texts)
}

/// Cut `text` (of a document titled `title`, "" for none) into chunks and embed them.
pub fn prepare(emb: &dyn Embedder, title: &str, text: &str) -> anyhow::Result<Prepared> {
    let chunks = chunk::chunk(text, ChunkConfig::default());
    let mut vectors = Vec::with_capacity(chunks.len());
    for batch in chunks.chunks(32) {
        vectors.extend(embed_chunks(emb, title, batch)?);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedder_reads_the_title_before_the_passage_and_the_passage_alone_without_one() {
        assert_eq!(
            embed_input(" Cupping notes ", "Use 8.25 g."),
            "Cupping notes\n\nUse 8.25 g."
        );
        assert_eq!(embed_input("  ", "Use 8.25 g."), "Use 8.25 g.");
    }
}
