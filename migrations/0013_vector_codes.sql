-- The sign-bit codes of the 384-d vectors, persisted beside them so the in-memory first pass of
-- vector search (src/db/ann.rs) loads in a fraction of a second after a start instead of being
-- rebuilt from every float32 vector. Written in the same transaction as the vector; older
-- vectors get theirs in the background on the first start after this migration.
CREATE TABLE vec_codes (
    vid INTEGER PRIMARY KEY,   -- chunk_vectors.id (= the vec0 rowid)
    model TEXT NOT NULL,
    code BLOB NOT NULL,        -- 48 bytes: 6 little-endian u64 words of sign bits
    scale REAL NOT NULL        -- mean |x| of the vector
);
CREATE INDEX vec_codes_model ON vec_codes(model, vid);

DROP TRIGGER chunk_vectors_ad;
CREATE TRIGGER chunk_vectors_ad AFTER DELETE ON chunk_vectors BEGIN
    DELETE FROM vec_chunks WHERE rowid = old.id;
    DELETE FROM vec_codes WHERE vid = old.id;
END;
