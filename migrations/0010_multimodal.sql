-- Multimodal: image and video providers, the assets of contents (every version kept), their
-- bytes in this file (BLOBs deduplicated by sha256, written and read incrementally), and the
-- runs that execute production plans asset by asset.

-- Image/video providers an admin configured. type: openai_images | gemini_imagen | gemini_veo |
-- openai_compatible_images | local. api_key is sealed with secret.key (never shown in full).
CREATE TABLE media_providers (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    type       TEXT NOT NULL,
    base_url   TEXT,
    api_key    TEXT,
    model      TEXT NOT NULL DEFAULT '',
    defaults   TEXT NOT NULL DEFAULT '{}',   -- JSON object merged into each request
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The bytes, once per distinct sha256 (a regenerated identical image costs nothing). Written
-- with zeroblob + incremental blob I/O, so a video is never held in memory whole.
CREATE TABLE asset_blobs (
    id         INTEGER PRIMARY KEY,
    sha256     TEXT NOT NULL UNIQUE,
    size       INTEGER NOT NULL,
    bytes      BLOB NOT NULL,
    created_at TEXT NOT NULL
);

-- One execute-plan: the plan as approved, run by a durable job.
CREATE TABLE asset_runs (
    id          TEXT PRIMARY KEY,
    content_id  TEXT NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
    created_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
    plan_text   TEXT NOT NULL DEFAULT '',
    concurrency INTEGER NOT NULL DEFAULT 2,
    status      TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done')),
    created_at  TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX asset_runs_content ON asset_runs(content_id, created_at);

-- A logical asset of a content (or of its owner alone when generated without one); its
-- versions hold the bytes. status follows the latest generation: queued → running → done | failed.
CREATE TABLE assets (
    id           TEXT PRIMARY KEY,
    content_id   TEXT REFERENCES contents(id) ON DELETE CASCADE,
    owner_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    run_id       TEXT REFERENCES asset_runs(id) ON DELETE SET NULL,
    position     INTEGER NOT NULL DEFAULT 0,
    kind         TEXT NOT NULL CHECK (kind IN ('image', 'carousel_slide', 'thumbnail', 'cover', 'video')),
    prompt       TEXT NOT NULL,
    aspect_ratio TEXT NOT NULL DEFAULT '1:1',
    text_overlay TEXT,
    provider_id  TEXT,                          -- a media_providers id; NULL: local renderer
    model        TEXT,
    status       TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    error        TEXT,
    version      INTEGER NOT NULL DEFAULT 0,   -- the current version (0: none yet)
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX assets_content ON assets(content_id, position);
CREATE INDEX assets_run ON assets(run_id, position);
CREATE INDEX assets_owner ON assets(owner_id, created_at);

CREATE TABLE asset_versions (
    asset_id    TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    blob_id     INTEGER NOT NULL REFERENCES asset_blobs(id),
    sha256      TEXT NOT NULL,
    mime        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    width       INTEGER NOT NULL DEFAULT 0,
    height      INTEGER NOT NULL DEFAULT 0,
    duration_ms INTEGER,
    prompt      TEXT NOT NULL,
    provider    TEXT NOT NULL,                 -- provider type (local, openai_images, …)
    model       TEXT,
    created_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (asset_id, version)
);
CREATE INDEX asset_versions_blob ON asset_versions(blob_id);

-- Bytes go with the last version using them (also when a content's deletion cascades here).
CREATE TRIGGER asset_versions_release AFTER DELETE ON asset_versions
BEGIN
    DELETE FROM asset_blobs WHERE id = OLD.blob_id
        AND NOT EXISTS (SELECT 1 FROM asset_versions WHERE blob_id = OLD.blob_id);
END;

-- The key that signs capability URLs (/assets/{token}, /screenshots/{token}.png); replacing
-- the row revokes every link handed out.
CREATE TABLE asset_link_key (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    key BLOB NOT NULL
);
INSERT INTO asset_link_key (id, key) VALUES (1, randomblob(32));
