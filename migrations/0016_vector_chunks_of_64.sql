-- vec0 keeps vectors in chunks of `chunk_size` (default 1024), each one blob: 1.5 MB of 384-d
-- float32. A point read -- the float32 rescore of the binary first pass reads 20 of them per
-- search -- walks that blob's overflow-page chain up to the vector's offset: ~0.3 ms a read at
-- 1M vectors, two thirds of a search. In chunks of 64 vectors (96 KB) a read costs ~0.04 ms;
-- full vec0 scans (the exact path, small stores only) get ~20% slower. Measured with
-- sqlite-vec 0.1.9; see tests/bench/knowledge.py. vec0 cannot be renamed or altered: the
-- vectors move through a plain table, in rowid order (rowids are chunk_vectors.id).
CREATE TABLE vec_chunks_move (id INTEGER PRIMARY KEY, model TEXT NOT NULL, embedding BLOB NOT NULL);
INSERT INTO vec_chunks_move SELECT rowid, model, embedding FROM vec_chunks;
DROP TABLE vec_chunks;
CREATE VIRTUAL TABLE vec_chunks USING vec0(model text partition key, embedding float[384] distance_metric=cosine, chunk_size=64);
INSERT INTO vec_chunks (rowid, model, embedding) SELECT id, model, embedding FROM vec_chunks_move ORDER BY id;
DROP TABLE vec_chunks_move;
