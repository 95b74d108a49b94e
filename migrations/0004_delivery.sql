-- Delivery: Standard Webhooks endpoints and their delivery log, automations and their runs,
-- per-user and broadcast notifications.

CREATE TABLE webhooks (
    id              TEXT PRIMARY KEY,
    owner_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    url             TEXT NOT NULL,
    events          TEXT NOT NULL DEFAULT '[]',   -- JSON array of event types ("*" = all)
    secret          TEXT NOT NULL,                -- sealed whsec_… (crypto::SecretBox)
    headers         TEXT NOT NULL DEFAULT '{}',   -- JSON object of extra request headers
    description     TEXT NOT NULL DEFAULT '',
    active          INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX webhooks_owner ON webhooks(owner_id);

-- One logical delivery of one event to one endpoint; `message_id` is the stable webhook-id.
CREATE TABLE webhook_deliveries (
    id           TEXT PRIMARY KEY,
    webhook_id   TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id     TEXT,
    event_type   TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    body         TEXT NOT NULL,                   -- the exact JSON body signed and sent
    status       TEXT NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'retrying', 'succeeded', 'failed', 'cancelled')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_retry_at TEXT,
    due_ms       INTEGER NOT NULL DEFAULT 0,      -- when the next attempt is due (unix millis)
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
-- The fan-out may run twice after a crash: one delivery per (endpoint, event) all the same.
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries(webhook_id, event_id) WHERE event_id IS NOT NULL;
CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries(webhook_id, created_at);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(webhook_id, status, due_ms);

CREATE TABLE webhook_attempts (
    id           INTEGER PRIMARY KEY,
    delivery_id  TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    attempt      INTEGER NOT NULL,
    status_code  INTEGER,
    duration_ms  INTEGER NOT NULL,
    response_body TEXT,
    error        TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts(delivery_id, attempt);

CREATE TABLE automations (
    id            TEXT PRIMARY KEY,
    owner_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    trigger       TEXT NOT NULL,
    conditions    TEXT NOT NULL DEFAULT '[]',     -- JSON array of {field, op, value}
    action        TEXT NOT NULL,
    action_config TEXT NOT NULL DEFAULT '{}',
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX automations_trigger ON automations(trigger, active);

CREATE TABLE automation_runs (
    id            TEXT PRIMARY KEY,
    automation_id TEXT NOT NULL REFERENCES automations(id) ON DELETE CASCADE,
    event_id      TEXT,
    trigger       TEXT NOT NULL,
    payload       TEXT NOT NULL DEFAULT '{}',
    depth         INTEGER NOT NULL DEFAULT 0,
    is_test       INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'succeeded', 'failed', 'skipped')),
    output        TEXT,
    error         TEXT,
    duration_ms   INTEGER,
    created_at    TEXT NOT NULL,
    finished_at   TEXT
);
CREATE UNIQUE INDEX automation_runs_once ON automation_runs(automation_id, event_id) WHERE event_id IS NOT NULL;
CREATE INDEX automation_runs_by_automation ON automation_runs(automation_id, created_at);

-- Events caused by an automation's action, with the chain depth (loop protection).
CREATE TABLE automation_event_origins (
    event_id      TEXT PRIMARY KEY,
    automation_id TEXT NOT NULL,
    depth         INTEGER NOT NULL
);

-- user_id NULL = broadcast (read/deleted state per user in notification_receipts).
CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    user_id    TEXT REFERENCES users(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    link       TEXT,
    data       TEXT NOT NULL DEFAULT '{}',
    event_id   TEXT,
    read_at    TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX notifications_by_user ON notifications(user_id, created_at);
CREATE UNIQUE INDEX notifications_once ON notifications(event_id, COALESCE(user_id, ''), kind) WHERE event_id IS NOT NULL;

CREATE TABLE notification_receipts (
    notification_id TEXT NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    read_at         TEXT,
    deleted_at      TEXT,
    PRIMARY KEY (notification_id, user_id)
);
