//! Who may see what — decided once, here, and reused by every area.
//!
//! * `admin` sees everything.
//! * A `member` sees what they own, everything in the clients/projects they belong to (directly
//!   or through a team; belonging to a client means all its projects), client-wide resources of
//!   any client they work for, and whatever is shared (`shares`) with one of their scopes.
//!
//! Resources carry `owner_id`, `client_id`, `project_id`. Queries filter with the SQL fragment
//! from [`visible`]; single-row access goes through [`can_see`]. Rows a caller may not see are
//! simply absent, so handlers answer 404 — another tenant's ids are indistinguishable from unknown ids.
use crate::auth::AuthUser;
use rusqlite::{Connection, params};

/// The caller, as the access rules need it.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub user_id: String,
    pub admin: bool,
}

impl From<&AuthUser> for Viewer {
    fn from(u: &AuthUser) -> Self {
        Viewer {
            user_id: u.id.clone(),
            admin: u.is_admin(),
        }
    }
}

/// Resource kinds that can be shared (and therefore name rows in `shares`).
pub const SHAREABLE: &[&str] = &[
    "source",
    "content",
    "collection",
    "plan",
    "learning",
    "task",
    "conversation",
];

/// SQL condition: row `alias` (with columns id, owner_id, client_id, project_id) of kind
/// `resource_type` is visible to the viewer bound at `?{p}` (user id) and `?{p+1}` (is admin).
/// Only constants are formatted in: `alias` and `resource_type` must be literals of the caller.
pub fn visible(alias: &str, resource_type: &'static str, p: usize) -> String {
    let (u, a) = (p, p + 1);
    format!(
        "(?{a} = 1 OR {alias}.owner_id = ?{u}
          OR ({alias}.project_id IS NOT NULL AND {alias}.project_id IN (SELECT project_id FROM user_projects WHERE user_id = ?{u}))
          OR ({alias}.project_id IS NULL AND {alias}.client_id IS NOT NULL
              AND {alias}.client_id IN (SELECT client_id FROM user_clients WHERE user_id = ?{u}))
          OR EXISTS (SELECT 1 FROM shares s WHERE s.resource_type = '{resource_type}' AND s.resource_id = {alias}.id AND (
                 (s.target_type = 'project' AND s.target_id IN (SELECT project_id FROM user_projects WHERE user_id = ?{u}))
              OR (s.target_type = 'client' AND s.target_id IN (SELECT client_id FROM user_clients WHERE user_id = ?{u})))))"
    )
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

/// Check a (client_id, project_id) pair a caller wants to put a resource in: the project must
/// belong to the client, and the caller must belong to the scope. Returns the client of the project
/// when only `project_id` was given. `Err(msg)` is for a 404/400 detail.
pub fn check_placement(
    c: &Connection,
    v: &Viewer,
    client_id: Option<&str>,
    project_id: Option<&str>,
) -> rusqlite::Result<Result<(Option<String>, Option<String>), &'static str>> {
    if let Some(p) = project_id {
        let owner: Option<String> = rusqlite::OptionalExtension::optional(
            c.prepare_cached("SELECT client_id FROM projects WHERE id = ?1")?
                .query_row([p], |r| r.get(0)),
        )?;
        let Some(project_client) = owner else {
            return Ok(Err("project not found"));
        };
        if !in_project(c, v, p)? {
            return Ok(Err("project not found"));
        }
        if client_id.is_some_and(|cid| cid != project_client) {
            return Ok(Err("the project does not belong to that client"));
        }
        return Ok(Ok((Some(project_client), Some(p.to_string()))));
    }
    if let Some(cid) = client_id {
        if !in_client(c, v, cid)? {
            return Ok(Err("client not found"));
        }
        return Ok(Ok((Some(cid.to_string()), None)));
    }
    Ok(Ok((None, None)))
}

/// Whether one row of `table` is visible. `table` and `resource_type` are caller literals.
pub fn can_see(
    c: &Connection,
    v: &Viewer,
    table: &'static str,
    resource_type: &'static str,
    id: &str,
) -> rusqlite::Result<bool> {
    let sql = format!(
        "SELECT EXISTS(SELECT 1 FROM {table} r WHERE r.id = ?3 AND {})",
        visible("r", resource_type, 1)
    );
    c.prepare_cached(&sql)?
        .query_row(params![v.user_id, v.admin, id], |r| r.get(0))
}
