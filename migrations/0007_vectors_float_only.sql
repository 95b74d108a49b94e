-- The int8 copy of every 384-d vector (vec_chunks_q) was the first pass of KNN until the
-- in-memory sign-bit index (src/knowledge/ann.rs) replaced it: it was written on every import
-- and read by nothing. Vectors now live once, in float32.
DROP TRIGGER chunk_vectors_ad;
DROP TABLE vec_chunks_q;
CREATE TRIGGER chunk_vectors_ad AFTER DELETE ON chunk_vectors BEGIN
    DELETE FROM vec_chunks WHERE rowid = old.id;
END;
