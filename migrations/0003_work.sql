-- Work management: kanban columns and tasks, comments, running timers, timesheet entries.
-- Tasks and timesheet entries carry owner_id / client_id / project_id so access::visible applies.

CREATE TABLE task_columns (
    id         TEXT PRIMARY KEY,
    -- 'project' (scope_id = project id) or 'personal' (scope_id = user id).
    scope_type TEXT NOT NULL CHECK (scope_type IN ('project', 'personal')),
    scope_id   TEXT NOT NULL,
    name       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    -- Tasks in a done column count as completed in reports.
    is_done    INTEGER NOT NULL DEFAULT 0,
    color      TEXT NOT NULL DEFAULT '',
    wip_limit  INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX task_columns_scope ON task_columns(scope_type, scope_id, position);

CREATE TABLE tasks (
    id                TEXT PRIMARY KEY,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    column_id         TEXT NOT NULL REFERENCES task_columns(id),
    -- Dense 0..n-1 among siblings: same column and same parent (NULL for top-level cards).
    position          INTEGER NOT NULL,
    priority          TEXT NOT NULL DEFAULT 'medium' CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    owner_id          TEXT REFERENCES users(id) ON DELETE SET NULL,
    client_id         TEXT REFERENCES clients(id) ON DELETE CASCADE,
    project_id        TEXT REFERENCES projects(id) ON DELETE CASCADE,
    parent_task_id    TEXT REFERENCES tasks(id) ON DELETE CASCADE,
    assignee_id       TEXT REFERENCES users(id) ON DELETE SET NULL,
    due_date          TEXT,
    estimated_minutes INTEGER,
    labels            TEXT NOT NULL DEFAULT '[]',
    completed_at      TEXT,
    -- When task.overdue fired (it fires once per task).
    overdue_fired_at  TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX tasks_column ON tasks(column_id, parent_task_id, position);
CREATE INDEX tasks_project ON tasks(project_id, parent_task_id);
CREATE INDEX tasks_parent ON tasks(parent_task_id);
CREATE INDEX tasks_assignee ON tasks(assignee_id);
CREATE INDEX tasks_owner ON tasks(owner_id);
CREATE INDEX tasks_due_open ON tasks(due_date) WHERE completed_at IS NULL AND overdue_fired_at IS NULL;

CREATE TABLE task_comments (
    id         TEXT PRIMARY KEY,
    task_id    TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    author_id  TEXT REFERENCES users(id) ON DELETE SET NULL,
    content    TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX task_comments_task ON task_comments(task_id, created_at);

-- At most one running timer per user.
CREATE TABLE task_timers (
    user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    task_id    TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    started_ms INTEGER NOT NULL
);

CREATE TABLE timesheets (
    id          TEXT PRIMARY KEY,
    -- The person whose time this is.
    owner_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    task_id     TEXT REFERENCES tasks(id) ON DELETE SET NULL,
    client_id   TEXT REFERENCES clients(id) ON DELETE CASCADE,
    project_id  TEXT REFERENCES projects(id) ON DELETE CASCADE,
    minutes     INTEGER NOT NULL CHECK (minutes > 0),
    billable    INTEGER NOT NULL DEFAULT 1,
    description TEXT NOT NULL DEFAULT '',
    date        TEXT NOT NULL,
    -- 'manual' or 'timer'.
    source      TEXT NOT NULL DEFAULT 'manual',
    -- The user's hourly rate when the entry was made (amounts stay stable when rates change).
    hourly_rate REAL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX timesheets_owner_date ON timesheets(owner_id, date);
CREATE INDEX timesheets_task ON timesheets(task_id);
CREATE INDEX timesheets_project_date ON timesheets(project_id, date);
CREATE INDEX timesheets_date ON timesheets(date);

-- A version per board ('' = tasks without a project), bumped by triggers on every write to its
-- tasks or columns whatever the code path (cascades included): the board list is cached by it.
CREATE TABLE board_versions (
    project_id TEXT PRIMARY KEY,
    version    INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER tasks_board_ins AFTER INSERT ON tasks BEGIN
    INSERT INTO board_versions (project_id, version) VALUES (COALESCE(NEW.project_id, ''), 1)
        ON CONFLICT(project_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER tasks_board_upd AFTER UPDATE ON tasks BEGIN
    INSERT INTO board_versions (project_id, version) VALUES (COALESCE(NEW.project_id, ''), 1)
        ON CONFLICT(project_id) DO UPDATE SET version = version + 1;
    INSERT INTO board_versions (project_id, version) VALUES (COALESCE(OLD.project_id, ''), 1)
        ON CONFLICT(project_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER tasks_board_del AFTER DELETE ON tasks BEGIN
    INSERT INTO board_versions (project_id, version) VALUES (COALESCE(OLD.project_id, ''), 1)
        ON CONFLICT(project_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER task_columns_board_upd AFTER UPDATE ON task_columns WHEN OLD.scope_type = 'project' BEGIN
    INSERT INTO board_versions (project_id, version) VALUES (OLD.scope_id, 1)
        ON CONFLICT(project_id) DO UPDATE SET version = version + 1;
END;
-- Cards show the assignee's name.
CREATE TRIGGER users_name_board_upd AFTER UPDATE OF name ON users BEGIN
    UPDATE board_versions SET version = version + 1
     WHERE project_id IN (SELECT DISTINCT COALESCE(project_id, '') FROM tasks WHERE assignee_id = NEW.id);
END;

-- The productivity report groups by (assignee, project, priority): a covering index in that order
-- turns it into one ordered index scan (no temp b-tree, no table lookups) at 100k+ tasks.
CREATE INDEX tasks_report ON tasks(assignee_id, project_id, priority, completed_at, due_date,
    estimated_minutes, created_at, client_id, owner_id, id);
