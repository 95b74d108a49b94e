-- The content studio: contents with every version kept and what each generation drew on
-- (provenance), feedback, custom templates (built-ins ship in assets/templates/), and the
-- editorial planner (plans and their dated items). Contents and plans are shareable rows
-- (owner_id / client_id / project_id) so access::visible applies.

CREATE TABLE contents (
    id            TEXT PRIMARY KEY,
    owner_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id     TEXT REFERENCES clients(id) ON DELETE SET NULL,
    project_id    TEXT REFERENCES projects(id) ON DELETE SET NULL,
    task_id       TEXT REFERENCES tasks(id) ON DELETE SET NULL,
    persona_id    TEXT REFERENCES personas(id) ON DELETE SET NULL,
    template_id   TEXT,                        -- a built-in's name or a content_templates id
    title         TEXT NOT NULL,
    platform      TEXT NOT NULL,
    brief         TEXT NOT NULL DEFAULT '',
    draft_content TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft', 'in_review', 'approved', 'scheduled', 'published', 'rejected', 'archived')),
    version       INTEGER NOT NULL DEFAULT 1,   -- the current version's number
    warnings      TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings (platform rules broken)
    provider      TEXT,
    model         TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX contents_owner ON contents(owner_id, updated_at);
CREATE INDEX contents_client ON contents(client_id, project_id);
CREATE INDEX contents_task ON contents(task_id);
CREATE INDEX contents_status ON contents(status, platform);

-- Every version of a content, the first one included (1..n, never rewritten).
CREATE TABLE content_versions (
    content_id    TEXT NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    title         TEXT NOT NULL,
    draft_content TEXT NOT NULL,
    origin        TEXT NOT NULL CHECK (origin IN ('generate', 'refine', 'edit', 'restore')),
    instructions  TEXT,                        -- the refine instructions, or "restored from n"
    warnings      TEXT NOT NULL DEFAULT '[]',
    created_by    TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (content_id, version)
);

-- What a generation or refinement drew on. kind: chunk (ref_id = chunk id, source_id set),
-- learning, skill, persona, template, model (ref_id = "provider/model"). weight: the retrieval
-- score for chunks, 1.0 otherwise.
CREATE TABLE content_provenance (
    content_id TEXT NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('chunk', 'learning', 'skill', 'persona', 'template', 'model')),
    ref_id     TEXT NOT NULL,
    source_id  TEXT,
    label      TEXT NOT NULL DEFAULT '',
    weight     REAL NOT NULL DEFAULT 1.0,
    PRIMARY KEY (content_id, version, kind, ref_id)
);
CREATE INDEX content_provenance_ref ON content_provenance(kind, ref_id);
CREATE INDEX content_provenance_source ON content_provenance(source_id) WHERE source_id IS NOT NULL;

CREATE TABLE content_feedback (
    id         TEXT PRIMARY KEY,
    content_id TEXT NOT NULL REFERENCES contents(id) ON DELETE CASCADE,
    user_id    TEXT REFERENCES users(id) ON DELETE SET NULL,
    score      INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    summary    TEXT,
    tags       TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL
);
CREATE INDEX content_feedback_content ON content_feedback(content_id, created_at);

-- Custom templates (the built-ins are files in assets/templates/, never rows).
CREATE TABLE content_templates (
    id          TEXT PRIMARY KEY,
    owner_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    platform    TEXT,
    structure   TEXT NOT NULL,                 -- JSON {sections: [{name, guidance}], notes?}
    created_at  TEXT NOT NULL
);
CREATE INDEX content_templates_owner ON content_templates(owner_id);

CREATE TABLE plans (
    id          TEXT PRIMARY KEY,
    owner_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id   TEXT REFERENCES clients(id) ON DELETE SET NULL,
    project_id  TEXT REFERENCES projects(id) ON DELETE SET NULL,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    start_date  TEXT NOT NULL,                 -- YYYY-MM-DD
    end_date    TEXT NOT NULL,
    platforms   TEXT NOT NULL DEFAULT '[]',    -- JSON array of platform names
    cadence     TEXT,                          -- daily | weekdays | weekly | <n>_per_week
    goals       TEXT,
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('draft', 'active', 'completed', 'archived')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE INDEX plans_owner ON plans(owner_id, start_date);
CREATE INDEX plans_client ON plans(client_id, project_id);

CREATE TABLE plan_items (
    id         TEXT PRIMARY KEY,
    plan_id    TEXT NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    date       TEXT NOT NULL,
    platform   TEXT NOT NULL,
    title      TEXT NOT NULL,
    brief      TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT 'planned'
               CHECK (status IN ('idea', 'planned', 'drafted', 'scheduled', 'published', 'skipped')),
    content_id TEXT REFERENCES contents(id) ON DELETE SET NULL,
    task_id    TEXT REFERENCES tasks(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX plan_items_plan ON plan_items(plan_id, date);
CREATE INDEX plan_items_content ON plan_items(content_id) WHERE content_id IS NOT NULL;
