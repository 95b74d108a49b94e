-- Foundation: users and MFA, settings, durable jobs, the domain-event outbox.

CREATE TABLE users (
    id                 TEXT PRIMARY KEY,
    email              TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name               TEXT NOT NULL DEFAULT '',
    role               TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    password_hash      TEXT,
    active             INTEGER NOT NULL DEFAULT 1,
    -- Bumped on password change / deactivation: tokens carry the version they were issued under.
    token_version      INTEGER NOT NULL DEFAULT 1,
    failed_logins      INTEGER NOT NULL DEFAULT 0,
    locked_until       INTEGER,              -- unix seconds
    mfa_enabled        INTEGER NOT NULL DEFAULT 0,
    mfa_secret         TEXT,                 -- sealed (crypto::SecretBox)
    mfa_pending_secret TEXT,                 -- sealed, until the first code confirms enrollment
    mfa_last_step      INTEGER NOT NULL DEFAULT 0,
    auth_provider      TEXT NOT NULL DEFAULT 'password',
    external_id        TEXT,
    last_login_at      TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);

CREATE TABLE mfa_backup_codes (
    id         INTEGER PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,
    pending    INTEGER NOT NULL DEFAULT 1,       -- 1 until enrollment is verified
    used_at    TEXT
);
CREATE INDEX mfa_backup_codes_user ON mfa_backup_codes(user_id);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,                    -- JSON, or sealed JSON when encrypted = 1
    encrypted  INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    updated_by TEXT
);

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    status       TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 5,
    run_after    INTEGER NOT NULL,               -- unix millis
    -- Recurring / singleton jobs: at most one queued-or-running job per key.
    dedupe_key   TEXT,
    last_error   TEXT,
    locked_by    TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX jobs_due ON jobs(status, run_after);
CREATE UNIQUE INDEX jobs_dedupe ON jobs(dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'running');

CREATE TABLE events (
    id         TEXT PRIMARY KEY,
    type       TEXT NOT NULL,
    actor_id   TEXT,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX events_type ON events(type, created_at);
