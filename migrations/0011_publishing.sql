-- Publishing and approvals: connected social accounts (tokens sealed), OAuth states, the post
-- outbox (one row per content x account, written before anything is sent; scheduled posts are
-- rows of it with a time), each attempt's history, the dispatcher's wake-up times, and client
-- approval links (only the SHA-256 of each token is kept).

CREATE TABLE publishing_accounts (
    id            TEXT PRIMARY KEY,
    owner_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id     TEXT REFERENCES clients(id) ON DELETE SET NULL,
    project_id    TEXT REFERENCES projects(id) ON DELETE SET NULL,
    platform      TEXT NOT NULL CHECK (platform IN ('linkedin', 'facebook', 'instagram')),
    name          TEXT NOT NULL,
    external_id   TEXT NOT NULL,               -- LinkedIn member id (sub), page id, IG user id
    status        TEXT NOT NULL DEFAULT 'connected'
                  CHECK (status IN ('connected', 'expired', 'revoked', 'error')),
    status_detail TEXT,
    expires_at    TEXT,
    scopes        TEXT NOT NULL DEFAULT '[]',  -- JSON array
    token_sealed  TEXT NOT NULL,               -- XChaCha20-Poly1305 under secret.key
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX publishing_accounts_external ON publishing_accounts(owner_id, platform, external_id);
CREATE INDEX publishing_accounts_client ON publishing_accounts(client_id, project_id);

-- OAuth `state` values: only their hash, bound to the user, single use, 10 minutes.
CREATE TABLE publishing_oauth_states (
    state_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    platform     TEXT NOT NULL CHECK (platform IN ('linkedin', 'meta')),
    client_id    TEXT,
    redirect_uri TEXT NOT NULL,
    expires_ms   INTEGER NOT NULL
);

-- The outbox: one row per content x account (idempotency_key). `publishing` rows were recorded
-- before their request went out; after a crash they become `checking` and are looked up at the
-- platform, never blindly sent again.
CREATE TABLE publishing_posts (
    id               TEXT PRIMARY KEY,
    content_id       TEXT NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
    account_id       TEXT NOT NULL REFERENCES publishing_accounts(id) ON DELETE CASCADE,
    platform         TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL UNIQUE,
    status           TEXT NOT NULL CHECK (status IN ('scheduled', 'awaiting_approval', 'publishing',
                         'checking', 'published', 'failed', 'cancelled', 'missed', 'unknown')),
    scheduled_ms     INTEGER NOT NULL,          -- when it should go out (UTC millis)
    next_attempt_ms  INTEGER NOT NULL,          -- the same, or a retry's time
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    external_id      TEXT,
    url              TEXT,
    asset_ids        TEXT NOT NULL DEFAULT '[]',
    link             TEXT,
    sent_text        TEXT,                      -- exactly what the last attempt sent
    sent_ms          INTEGER,
    prior_status     TEXT,                      -- the content's status before it was scheduled
    created_by       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    published_at     TEXT
);
CREATE INDEX publishing_posts_due ON publishing_posts(status, next_attempt_ms);
CREATE INDEX publishing_posts_content ON publishing_posts(content_id);
CREATE INDEX publishing_posts_account ON publishing_posts(account_id);

CREATE TABLE publishing_attempts (
    post_id     TEXT NOT NULL REFERENCES publishing_posts(id) ON DELETE CASCADE,
    n           INTEGER NOT NULL,
    outcome     TEXT NOT NULL,                  -- published | retry | failed | found | not_found | unknown | missed
    detail      TEXT,
    at          TEXT NOT NULL,
    PRIMARY KEY (post_id, n, outcome)
);

-- Times at which a dispatcher job is already queued (one job per time, however many posts).
CREATE TABLE publishing_wakeups (
    run_ms INTEGER PRIMARY KEY
);

CREATE TABLE approvals (
    id             TEXT PRIMARY KEY,
    content_id     TEXT NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
    token_hash     TEXT NOT NULL UNIQUE,        -- SHA-256 of the token; the token is never stored
    reviewer_name  TEXT,
    reviewer_email TEXT,
    message        TEXT,
    status         TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'approved', 'rejected', 'revoked')),
    comment        TEXT,
    decided_name   TEXT,
    decided_at     TEXT,
    expires_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at     TEXT NOT NULL
);
CREATE INDEX approvals_content ON approvals(content_id, created_at);
CREATE INDEX approvals_creator ON approvals(created_by, created_at);
