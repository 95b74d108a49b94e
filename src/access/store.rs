//! The SQL of the access rule (membership look-ups and single-row checks).
use super::{Resource, Viewer};
use rusqlite::{Connection, OptionalExtension, params};

/// Whether two users are members of one project.
pub fn share_a_project(c: &Connection, a: &str, b: &str) -> rusqlite::Result<bool> {
    c.prepare_cached(
        "SELECT EXISTS(SELECT 1 FROM user_projects x JOIN user_projects y ON y.project_id = x.project_id
          WHERE x.user_id = ?1 AND y.user_id = ?2)",
    )?
    .query_row(params![a, b], |r| r.get(0))
}

/// Whether the viewer belongs to (or administers) this project.
pub fn in_project(c: &Connection, v: &Viewer, project_id: &str) -> rusqlite::Result<bool> {
    if v.admin {
        return c
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM projects WHERE id = ?1)")?
            .query_row([project_id], |r| r.get(0));
    }
    c.prepare_cached(
        "SELECT EXISTS(SELECT 1 FROM user_projects WHERE user_id = ?1 AND project_id = ?2)",
    )?
    .query_row(params![v.user_id, project_id], |r| r.get(0))
}

/// Whether the viewer works for (or administers) this client.
pub fn in_client(c: &Connection, v: &Viewer, client_id: &str) -> rusqlite::Result<bool> {
    if v.admin {
        return c
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM clients WHERE id = ?1)")?
            .query_row([client_id], |r| r.get(0));
    }
    c.prepare_cached(
        "SELECT EXISTS(SELECT 1 FROM user_clients WHERE user_id = ?1 AND client_id = ?2)",
    )?
    .query_row(params![v.user_id, client_id], |r| r.get(0))
}

pub fn client_of_project(c: &Connection, project_id: &str) -> rusqlite::Result<Option<String>> {
    c.prepare_cached("SELECT client_id FROM projects WHERE id = ?1")?
        .query_row([project_id], |r| r.get(0))
        .optional()
}

/// An active user as a viewer (None: unknown or deactivated).
pub fn viewer_of(c: &Connection, user_id: &str) -> rusqlite::Result<Option<Viewer>> {
    c.prepare_cached("SELECT role FROM users WHERE id = ?1 AND active = 1")?
        .query_row([user_id], |r| r.get::<_, String>(0))
        .optional()
        .map(|role| {
            role.map(|role| Viewer {
                user_id: user_id.to_string(),
                admin: role == "admin",
            })
        })
}

/// Table and column names come from registered `Resource` constants, never from input.
pub fn can_view(c: &Connection, v: &Viewer, res: &Resource, id: &str) -> rusqlite::Result<bool> {
    let sql = format!(
        "SELECT EXISTS(SELECT 1 FROM {} r WHERE r.id = ?3 AND {})",
        res.table,
        res.visible("r", 1)
    );
    c.prepare_cached(&sql)?
        .query_row(params![v.user_id, v.admin, id], |r| r.get(0))
}

pub fn can_edit(c: &Connection, v: &Viewer, res: &Resource, id: &str) -> rusqlite::Result<bool> {
    let sql = format!(
        "SELECT EXISTS(SELECT 1 FROM {t} r WHERE r.id = ?3 AND (?2 = 1 OR r.{o} = ?1
           OR (r.{p} IS NOT NULL AND r.{p} IN (SELECT project_id FROM user_projects WHERE user_id = ?1))
           OR (r.{p} IS NULL AND r.{c} IS NOT NULL
               AND r.{c} IN (SELECT client_id FROM user_clients WHERE user_id = ?1))))",
        t = res.table,
        o = res.owner_col,
        p = res.project_col,
        c = res.client_col,
    );
    c.prepare_cached(&sql)?
        .query_row(params![v.user_id, v.admin, id], |r| r.get(0))
}
