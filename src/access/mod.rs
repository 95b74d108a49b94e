//! Who may see and change what — decided once, here, and reused by every area.
//!
//! * `admin` sees and edits everything.
//! * A `member` sees what they own, everything in the clients/projects they belong to (directly
//!   or through a team; belonging to a client means all its projects), client-wide resources of
//!   any client they work for, and whatever is shared (`shares`) with one of their scopes.
//! * A member may edit what they own and what belongs to a project (or, without a project, a
//!   client) they belong to. A share grants read only.
//!
//! Resources carry `owner_id`, `client_id`, `project_id`. Each area registers its resource kinds
//! ([`Resource`]: kind, table, columns) in `app.rs`; sharing and association look them up there,
//! never by guessing table names. Lists filter with the SQL fragment from [`visible`]; single
//! rows go through [`can_view`] / [`can_edit`]. Rows a caller may not see are simply absent, so
//! handlers answer 404 — another tenant's ids are indistinguishable from unknown ids.
pub mod store;

use crate::auth::AuthUser;
use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use rusqlite::Connection;
use std::future::{Ready, ready};

pub use store::{in_client, in_project, viewer_of};

/// The caller, as the access rules need it. Also an extractor: a handler that takes a `Viewer`
/// requires an authenticated caller.
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

impl FromRequest for Viewer {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<AuthUser>()
                .map(Viewer::from)
                .ok_or_else(|| ApiError::unauthorized("authentication required")),
        )
    }
}

/// A kind of resource rows: its name (as in `shares.resource_type`), its table, and its
/// ownership and scope columns.
#[derive(Debug, Clone, Copy)]
pub struct Resource {
    pub kind: &'static str,
    pub table: &'static str,
    pub owner_col: &'static str,
    pub client_col: &'static str,
    pub project_col: &'static str,
    /// Whether `/enterprise/share` and `/enterprise/associate` accept it.
    pub shareable: bool,
}

impl Resource {
    /// A shareable kind with the usual `owner_id` / `client_id` / `project_id` columns.
    pub const fn shareable(kind: &'static str, table: &'static str) -> Self {
        Resource {
            kind,
            table,
            owner_col: "owner_id",
            client_col: "client_id",
            project_col: "project_id",
            shareable: true,
        }
    }
}

/// The registered resource kinds (assembled in `app.rs`).
#[derive(Debug, Default)]
pub struct Resources(Vec<Resource>);

impl Resources {
    pub fn new(list: Vec<Resource>) -> Self {
        Resources(list)
    }

    pub fn get(&self, kind: &str) -> Option<&Resource> {
        self.0.iter().find(|r| r.kind == kind)
    }

    pub fn shareable(&self, kind: &str) -> Option<&Resource> {
        self.get(kind).filter(|r| r.shareable)
    }

    pub fn shareable_kinds(&self) -> Vec<&'static str> {
        self.0
            .iter()
            .filter(|r| r.shareable)
            .map(|r| r.kind)
            .collect()
    }
}

/// SQL condition: row `alias` (with columns id, owner_id, client_id, project_id) of kind
/// `resource_type` is visible to the viewer bound at `?{p}` (user id) and `?{p+1}` (is admin).
/// Only constants are formatted in: `alias` and `resource_type` must be literals of the caller.
pub fn visible(alias: &str, resource_type: &'static str, p: usize) -> String {
    Resource::shareable(resource_type, "").visible(alias, p)
}

impl Resource {
    /// [`visible`] for this kind, with its own ownership and scope columns.
    pub fn visible(&self, alias: &str, p: usize) -> String {
        let (u, a) = (p, p + 1);
        let (kind, o, c, pr) = (self.kind, self.owner_col, self.client_col, self.project_col);
        format!(
            "(?{a} = 1 OR {alias}.{o} = ?{u}
              OR ({alias}.{pr} IS NOT NULL AND {alias}.{pr} IN (SELECT project_id FROM user_projects WHERE user_id = ?{u}))
              OR ({alias}.{pr} IS NULL AND {alias}.{c} IS NOT NULL
                  AND {alias}.{c} IN (SELECT client_id FROM user_clients WHERE user_id = ?{u}))
              OR EXISTS (SELECT 1 FROM shares s WHERE s.resource_type = '{kind}' AND s.resource_id = {alias}.id AND (
                     (s.target_type = 'project' AND s.target_id IN (SELECT project_id FROM user_projects WHERE user_id = ?{u}))
                  OR (s.target_type = 'client' AND s.target_id IN (SELECT client_id FROM user_clients WHERE user_id = ?{u})))))"
        )
    }
}

/// SQL condition: user `alias`.`{col}` is someone the viewer bound at `?{p}` (user id) and
/// `?{p+1}` (is admin) may see in people views (org chart, allocation, leaderboard): themselves,
/// anyone sharing a project or a team with them, everyone for an admin. Only constants are
/// formatted in.
pub fn colleague(alias: &str, col: &str, p: usize) -> String {
    let (u, a) = (p, p + 1);
    format!(
        "(?{a} = 1 OR {alias}.{col} = ?{u}
          OR {alias}.{col} IN (SELECT o.user_id FROM user_projects m JOIN user_projects o
                               ON o.project_id = m.project_id WHERE m.user_id = ?{u})
          OR {alias}.{col} IN (SELECT o.user_id FROM team_members m JOIN team_members o
                               ON o.team_id = m.team_id WHERE m.user_id = ?{u}))"
    )
}

/// Whether the viewer may address `user_id` directly (notifications from automations): an
/// admin anyone, a member themselves and the people they share a project with.
pub fn may_address(c: &Connection, v: &Viewer, user_id: &str) -> rusqlite::Result<bool> {
    Ok(v.admin || v.user_id == user_id || store::share_a_project(c, &v.user_id, user_id)?)
}

/// Whether the viewer may see row `id` of this kind.
pub fn can_view(c: &Connection, v: &Viewer, res: &Resource, id: &str) -> rusqlite::Result<bool> {
    store::can_view(c, v, res, id)
}

/// Whether the viewer may change row `id`: its owner, a member of its project (or, without a
/// project, its client), or an admin. A share grants read only. An absent row is `false`.
pub fn can_edit(c: &Connection, v: &Viewer, res: &Resource, id: &str) -> rusqlite::Result<bool> {
    store::can_edit(c, v, res, id)
}

/// A client/project the caller may not put a resource in. One status everywhere: 422.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Placement {
    #[error("client not found")]
    UnknownClient,
    #[error("project not found")]
    UnknownProject,
    #[error("the project does not belong to that client")]
    Mismatch,
}

impl From<Placement> for ApiError {
    /// An unknown (or invisible) client or project is a 404, like any id the caller cannot
    /// see; a project of another client is a 409.
    fn from(p: Placement) -> Self {
        match p {
            // Both exist and are visible, but do not fit together.
            Placement::Mismatch => ApiError::conflict(p.to_string()),
            _ => ApiError::missing(p.to_string()),
        }
    }
}

/// Where a resource goes: `(client_id, project_id)` after checking them.
pub type Scope = (Option<String>, Option<String>);

/// Check a (client_id, project_id) pair a caller wants to put a resource in: the project must
/// belong to the client, and the caller must belong to the scope. Returns the client of the
/// project when only `project_id` was given.
pub fn check_placement(
    c: &Connection,
    v: &Viewer,
    client_id: Option<&str>,
    project_id: Option<&str>,
) -> rusqlite::Result<Result<Scope, Placement>> {
    if let Some(p) = project_id {
        let Some(project_client) = store::client_of_project(c, p)? else {
            return Ok(Err(Placement::UnknownProject));
        };
        if !in_project(c, v, p)? {
            return Ok(Err(Placement::UnknownProject));
        }
        if client_id.is_some_and(|cid| cid != project_client) {
            return Ok(Err(Placement::Mismatch));
        }
        return Ok(Ok((Some(project_client), Some(p.to_string()))));
    }
    if let Some(cid) = client_id {
        if !in_client(c, v, cid)? {
            return Ok(Err(Placement::UnknownClient));
        }
        return Ok(Ok((Some(cid.to_string()), None)));
    }
    Ok(Ok((None, None)))
}
