-- Who may see what: clients, projects (in optional groups), teams, memberships and shares.
-- Every area's resources carry owner_id / client_id / project_id and are filtered with
-- access::visible (src/access.rs) — the one place the rule is written down.

CREATE TABLE clients (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    contact_email TEXT,
    website       TEXT,
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'archived')),
    created_by    TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE project_groups (
    id          TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX project_groups_client ON project_groups(client_id);

CREATE TABLE projects (
    id           TEXT PRIMARY KEY,
    client_id    TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    group_id     TEXT REFERENCES project_groups(id) ON DELETE SET NULL,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('planned', 'active', 'on_hold', 'done', 'archived')),
    start_date   TEXT,
    due_date     TEXT,
    budget_hours REAL,
    created_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX projects_client ON projects(client_id);

CREATE TABLE teams (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE team_members (
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members(user_id);

-- A user, or a whole team, belongs to a client (all its projects) or to one project.
CREATE TABLE memberships (
    scope_type     TEXT NOT NULL CHECK (scope_type IN ('client', 'project')),
    scope_id       TEXT NOT NULL,
    principal_type TEXT NOT NULL CHECK (principal_type IN ('user', 'team')),
    principal_id   TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (scope_type, scope_id, principal_type, principal_id)
);
CREATE INDEX memberships_principal ON memberships(principal_type, principal_id);

-- A resource shared with another client or project (visible to everyone in that scope).
CREATE TABLE shares (
    id            TEXT PRIMARY KEY,
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    target_type   TEXT NOT NULL CHECK (target_type IN ('client', 'project')),
    target_id     TEXT NOT NULL,
    created_by    TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (resource_type, resource_id, target_type, target_id)
);
CREATE INDEX shares_resource ON shares(resource_type, resource_id);

ALTER TABLE users ADD COLUMN reports_to TEXT REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE users ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN hourly_rate REAL;
ALTER TABLE users ADD COLUMN capacity_hours REAL NOT NULL DEFAULT 40;

-- (user, scope) pairs, direct or through a team.
CREATE VIEW user_scopes AS
    SELECT principal_id AS user_id, scope_type, scope_id FROM memberships WHERE principal_type = 'user'
    UNION
    SELECT tm.user_id, m.scope_type, m.scope_id
      FROM memberships m JOIN team_members tm ON m.principal_type = 'team' AND tm.team_id = m.principal_id;

-- Projects a user works on: project memberships, plus every project of a client they belong to.
CREATE VIEW user_projects AS
    SELECT user_id, scope_id AS project_id FROM user_scopes WHERE scope_type = 'project'
    UNION
    SELECT us.user_id, p.id FROM user_scopes us JOIN projects p ON us.scope_type = 'client' AND p.client_id = us.scope_id;

-- Clients a user works for: client memberships, plus the client of each of their projects.
CREATE VIEW user_clients AS
    SELECT user_id, scope_id AS client_id FROM user_scopes WHERE scope_type = 'client'
    UNION
    SELECT up.user_id, p.client_id FROM user_projects up JOIN projects p ON p.id = up.project_id;
