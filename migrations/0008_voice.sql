-- The voice: learnings (what was learned about how the user writes and what they sell), client
-- rules, skills (instruction blocks a generation follows) and personas (who it is aimed at).
-- Shareable rows carry owner_id / client_id / project_id so access::visible applies.

CREATE TABLE learnings (
    id          TEXT PRIMARY KEY,
    owner_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id   TEXT REFERENCES clients(id) ON DELETE SET NULL,
    project_id  TEXT REFERENCES projects(id) ON DELETE SET NULL,
    type        TEXT NOT NULL,               -- writing_style, preferences, design_system, product_knowledge, merged_<type>
    title       TEXT NOT NULL,
    content     TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT '{}',  -- JSON: the measured profile / extracted facts
    confidence  REAL NOT NULL DEFAULT 0.5 CHECK (confidence >= 0 AND confidence <= 1),
    source_ids  TEXT NOT NULL DEFAULT '[]',  -- JSON array of source ids
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX learnings_owner ON learnings(owner_id, type, created_at);
CREATE INDEX learnings_client ON learnings(client_id);

CREATE TABLE learning_feedback (
    id          TEXT PRIMARY KEY,
    learning_id TEXT NOT NULL REFERENCES learnings(id) ON DELETE CASCADE,
    user_id     TEXT REFERENCES users(id) ON DELETE SET NULL,
    score       INTEGER NOT NULL CHECK (score IN (-1, 1)),
    comment     TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX learning_feedback_learning ON learning_feedback(learning_id, created_at);

-- A client's dos and don'ts (client_id set), or a user's own (client_id NULL).
CREATE TABLE custom_rules (
    id         TEXT PRIMARY KEY,
    owner_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id  TEXT REFERENCES clients(id) ON DELETE CASCADE,
    dos        TEXT NOT NULL DEFAULT '[]',
    donts      TEXT NOT NULL DEFAULT '[]',
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX custom_rules_client ON custom_rules(client_id) WHERE client_id IS NOT NULL;
CREATE UNIQUE INDEX custom_rules_user ON custom_rules(owner_id) WHERE client_id IS NULL;

CREATE TABLE skill_folders (
    id         TEXT PRIMARY KEY,
    owner_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    parent_id  TEXT REFERENCES skill_folders(id) ON DELETE SET NULL,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX skill_folders_owner ON skill_folders(owner_id);

CREATE TABLE skills (
    id           TEXT PRIMARY KEY,
    owner_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id    TEXT REFERENCES clients(id) ON DELETE SET NULL,
    project_id   TEXT REFERENCES projects(id) ON DELETE SET NULL,
    folder_id    TEXT REFERENCES skill_folders(id) ON DELETE SET NULL,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    skill_type   TEXT NOT NULL DEFAULT 'writing',
    instructions TEXT NOT NULL,
    active       INTEGER NOT NULL DEFAULT 0,
    builtin      INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX skills_owner ON skills(owner_id, active);

CREATE TABLE personas (
    id          TEXT PRIMARY KEY,
    owner_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id   TEXT REFERENCES clients(id) ON DELETE SET NULL,
    project_id  TEXT REFERENCES projects(id) ON DELETE SET NULL,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    goals       TEXT NOT NULL DEFAULT '[]',
    pain_points TEXT NOT NULL DEFAULT '[]',
    interests   TEXT NOT NULL DEFAULT '[]',
    objections  TEXT NOT NULL DEFAULT '[]',
    tone        TEXT NOT NULL DEFAULT '',
    platforms   TEXT NOT NULL DEFAULT '[]',
    builtin     INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX personas_owner ON personas(owner_id);

-- Built-in skills and personas are seeded once per workspace (each user's own space): this row
-- says it happened, so deleting a built-in does not bring it back.
CREATE TABLE voice_seeds (
    owner_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('skills', 'personas')),
    seeded_at TEXT NOT NULL,
    PRIMARY KEY (owner_id, kind)
);
