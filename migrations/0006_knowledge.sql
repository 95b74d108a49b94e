-- Knowledge: collections, sources, their chunks (FTS5 + sqlite-vec vectors tagged by model),
-- and the memory log. Retrieval over all of it is src/knowledge/search.rs.

CREATE TABLE collections (
    id          TEXT PRIMARY KEY,
    owner_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id   TEXT REFERENCES clients(id) ON DELETE SET NULL,
    project_id  TEXT REFERENCES projects(id) ON DELETE SET NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX collections_owner ON collections(owner_id);

CREATE TABLE sources (
    id            TEXT PRIMARY KEY,
    owner_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id     TEXT REFERENCES clients(id) ON DELETE SET NULL,
    project_id    TEXT REFERENCES projects(id) ON DELETE SET NULL,
    collection_id TEXT REFERENCES collections(id) ON DELETE SET NULL,
    kind          TEXT NOT NULL,                -- paste, url, file, folder, platform
    platform      TEXT,                         -- linkedin, rss, github, … (or NULL)
    title         TEXT NOT NULL DEFAULT '',
    url           TEXT,                         -- URL, or the file path of a folder import
    external_id   TEXT,                         -- guid/URL used to deduplicate re-imports
    status        TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'processing', 'ready', 'failed')),
    error         TEXT,
    content       TEXT NOT NULL DEFAULT '',     -- extracted plain text (chunk offsets point into it)
    metadata      TEXT NOT NULL DEFAULT '{}',   -- JSON: author, date, site, filename, …
    size_bytes    INTEGER NOT NULL DEFAULT 0,
    chunk_count   INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX sources_owner ON sources(owner_id, created_at);
CREATE INDEX sources_collection ON sources(collection_id);
CREATE UNIQUE INDEX sources_dedupe ON sources(owner_id, platform, external_id) WHERE external_id IS NOT NULL;

-- Raw bytes of uploads, kept so `analyze` can re-extract.
CREATE TABLE source_blobs (
    source_id TEXT PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
    filename  TEXT NOT NULL,
    bytes     BLOB NOT NULL
);

CREATE TABLE memory (
    id         TEXT PRIMARY KEY,
    owner_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    type       TEXT NOT NULL,
    content    TEXT NOT NULL,
    metadata   TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);
CREATE INDEX memory_owner ON memory(owner_id, created_at);

-- One row per passage of a source or memory entry; doc_type says which.
CREATE TABLE chunks (
    id         INTEGER PRIMARY KEY,
    doc_type   TEXT NOT NULL CHECK (doc_type IN ('source', 'memory')),
    doc_id     TEXT NOT NULL,
    ord        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    start_off  INTEGER NOT NULL,                -- byte offsets into the document's text
    end_off    INTEGER NOT NULL
);
CREATE INDEX chunks_doc ON chunks(doc_type, doc_id, ord);

CREATE VIRTUAL TABLE chunks_fts USING fts5(text, content='chunks', content_rowid='id', tokenize='porter unicode61');
CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

-- Vectors: vec0 partitioned by embedding model, so a re-embed writes the new model's vectors
-- beside the old ones and search keeps using the old until the new set is complete.
-- chunk_vectors maps vec0 rowids to chunks (vec0 rowids must be unique across models).
CREATE TABLE chunk_vectors (
    id       INTEGER PRIMARY KEY,
    chunk_id INTEGER NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
    model    TEXT NOT NULL,
    UNIQUE (chunk_id, model)
);
CREATE VIRTUAL TABLE vec_chunks USING vec0(model text partition key, embedding float[384] distance_metric=cosine);
-- int8-quantised copy (same rowids): the first pass of KNN on large stores, rescored in float32
-- (binary was faster but lost too much recall in tests/bench/knowledge.py).
CREATE VIRTUAL TABLE vec_chunks_q USING vec0(model text partition key, embedding int8[384]);
CREATE INDEX chunk_vectors_model ON chunk_vectors(model);
CREATE TRIGGER chunk_vectors_ad AFTER DELETE ON chunk_vectors BEGIN
    DELETE FROM vec_chunks WHERE rowid = old.id;
    DELETE FROM vec_chunks_q WHERE rowid = old.id;
END;

-- Which model search uses; changes only once a re-embed has covered every chunk.
CREATE TABLE embedding_state (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    active_model TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

-- Deleting a document removes its chunks (and through them FTS rows and vectors).
CREATE TRIGGER sources_ad AFTER DELETE ON sources BEGIN
    DELETE FROM chunks WHERE doc_type = 'source' AND doc_id = old.id;
END;
CREATE TRIGGER memory_ad AFTER DELETE ON memory BEGIN
    DELETE FROM chunks WHERE doc_type = 'memory' AND doc_id = old.id;
END;

-- The member's li_at cookie for best-effort LinkedIn extraction, sealed (crypto::SecretBox).
CREATE TABLE linkedin_cookies (
    user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    sealed     TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
