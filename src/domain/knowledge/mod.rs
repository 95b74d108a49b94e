//! Sources, importers, chunks, embeddings, hybrid retrieval, collections and the memory log.
pub mod tools;
