-- AI: conversations (owner + participants), their messages and attachments, and the log of
-- every provider call (tokens, latency, cost) behind /ai-logs and the per-user budget.

CREATE TABLE conversations (
    id         TEXT PRIMARY KEY,
    owner_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id  TEXT REFERENCES clients(id) ON DELETE SET NULL,
    project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
    title      TEXT NOT NULL,
    metadata   TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX conversations_owner ON conversations(owner_id, updated_at);

CREATE TABLE conversation_participants (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    added_by        TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_participants_user ON conversation_participants(user_id);

CREATE TABLE chat_messages (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id         TEXT REFERENCES users(id) ON DELETE SET NULL,
    role            TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content         TEXT NOT NULL,
    tool_calls      TEXT NOT NULL DEFAULT '[]',   -- JSON [{id, name, arguments, status, result}]
    attachments     TEXT NOT NULL DEFAULT '[]',   -- JSON [attachment id]
    provider        TEXT,
    model           TEXT,
    usage           TEXT,                         -- JSON {input_tokens, output_tokens, total_tokens}
    -- complete | error (generation failed) | interrupted (the client went away mid-stream)
    status          TEXT NOT NULL DEFAULT 'complete' CHECK (status IN ('complete', 'error', 'interrupted')),
    error           TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX chat_messages_conversation ON chat_messages(conversation_id, created_at);

CREATE TABLE chat_attachments (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id         TEXT REFERENCES users(id) ON DELETE SET NULL,
    filename        TEXT NOT NULL,
    mime            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('text', 'image')),
    size            INTEGER NOT NULL,
    text            TEXT NOT NULL DEFAULT '',     -- extracted text (documents)
    data            BLOB,                         -- original bytes (images, for vision models)
    created_at      TEXT NOT NULL
);
CREATE INDEX chat_attachments_conversation ON chat_attachments(conversation_id);

CREATE TABLE ai_logs (
    id              TEXT PRIMARY KEY,
    provider        TEXT NOT NULL,
    model           TEXT NOT NULL,
    function        TEXT NOT NULL,               -- chat, content.generate, embeddings, transcription, …
    user_id         TEXT REFERENCES users(id) ON DELETE SET NULL,
    status          TEXT NOT NULL CHECK (status IN ('ok', 'error')),
    error           TEXT,
    latency_ms      INTEGER NOT NULL,
    ttft_ms         INTEGER,
    input_tokens    INTEGER NOT NULL DEFAULT 0,
    output_tokens   INTEGER NOT NULL DEFAULT 0,
    total_tokens    INTEGER NOT NULL DEFAULT 0,
    cost_usd        REAL NOT NULL DEFAULT 0,
    conversation_id TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX ai_logs_created ON ai_logs(created_at);
CREATE INDEX ai_logs_user ON ai_logs(user_id, created_at);
