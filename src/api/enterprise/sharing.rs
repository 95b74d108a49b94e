//! Shares (a resource made visible to another client/project) and associations (a resource moved
//! into a client+project). Resource tables belong to other areas; they are looked up by kind and
//! must carry id/owner_id/client_id/project_id, as every resource does (src/access.rs).
use super::types::{Share, ShareQuery};
use crate::access::{self, Viewer};
use crate::error::{ApiError, ApiResult};
use rusqlite::{Connection, OptionalExtension, params};

/// Candidate tables per shareable kind (the first that exists is used).
fn tables(kind: &str) -> &'static [&'static str] {
    match kind {
        "source" => &["sources"],
        "content" => &["contents", "content", "content_items"],
        "collection" => &["collections"],
        "plan" => &["plans", "content_plans"],
        "learning" => &["learnings"],
        "task" => &["tasks"],
        "conversation" => &["conversations"],
        _ => &[],
    }
}

fn table_of(c: &Connection, kind: &str) -> ApiResult<&'static str> {
    if !access::SHAREABLE.contains(&kind) {
        return Err(ApiError::unprocessable(format!(
            "resource_type must be one of {}",
            access::SHAREABLE.join(", ")
        )));
    }
    for t in tables(kind) {
        let exists: bool = c
            .prepare_cached(
                "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1)",
            )?
            .query_row([t], |r| r.get(0))?;
        if exists {
            return Ok(t);
        }
    }
    Err(ApiError::NotFound("resource"))
}

fn kind_static(kind: &str) -> &'static str {
    access::SHAREABLE
        .iter()
        .find(|k| **k == kind)
        .copied()
        .unwrap_or("task")
}

/// The owner of a resource the viewer can see (None when absent or invisible).
fn visible_owner(
    c: &Connection,
    v: &Viewer,
    kind: &str,
    id: &str,
) -> ApiResult<Option<Option<String>>> {
    let table = table_of(c, kind)?;
    if !access::can_see(c, v, table, kind_static(kind), id)? {
        return Ok(None);
    }
    Ok(
        c.prepare_cached(&format!("SELECT owner_id FROM {table} WHERE id = ?1"))?
            .query_row([id], |r| r.get(0))
            .optional()?,
    )
}

fn target_ok(c: &Connection, v: &Viewer, target_type: &str, target_id: &str) -> ApiResult<()> {
    let ok = match target_type {
        "client" => access::in_client(c, v, target_id)?,
        "project" => access::in_project(c, v, target_id)?,
        _ => {
            return Err(ApiError::unprocessable(
                "target_type must be client or project",
            ));
        }
    };
    if ok {
        Ok(())
    } else {
        Err(ApiError::NotFound("target"))
    }
}

const SHARE: &str = "SELECT id, resource_type, resource_id, target_type, target_id, created_by, created_at FROM shares";

fn share_row(r: &rusqlite::Row) -> rusqlite::Result<Share> {
    Ok(Share {
        id: r.get(0)?,
        resource_type: r.get(1)?,
        resource_id: r.get(2)?,
        target_type: r.get(3)?,
        target_id: r.get(4)?,
        created_by: r.get(5)?,
        created_at: r.get(6)?,
    })
}

/// Share a visible resource with a client/project the viewer belongs to (idempotent).
pub fn share(c: &Connection, v: &Viewer, i: &super::types::ShareInput) -> ApiResult<Share> {
    target_ok(c, v, &i.target_type, &i.target_id)?;
    visible_owner(c, v, &i.resource_type, &i.resource_id)?.ok_or(ApiError::NotFound("resource"))?;
    c.prepare_cached(
        "INSERT INTO shares (id, resource_type, resource_id, target_type, target_id, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
    )?
    .execute(params![
        uuid::Uuid::now_v7().to_string(), i.resource_type, i.resource_id, i.target_type, i.target_id, v.user_id,
        crate::time::now_rfc3339()
    ])?;
    crate::events::emit(
        c,
        "resource.shared",
        Some(&v.user_id),
        serde_json::json!({
            "resource_type": i.resource_type, "resource_id": i.resource_id, "target_type": i.target_type, "target_id": i.target_id,
        }),
    )?;
    Ok(c.prepare_cached(&format!("{SHARE} WHERE resource_type = ?1 AND resource_id = ?2 AND target_type = ?3 AND target_id = ?4"))?
        .query_row(params![i.resource_type, i.resource_id, i.target_type, i.target_id], share_row)?)
}

/// Shares the viewer made, or that target one of their scopes (all for admins).
pub fn list(c: &Connection, v: &Viewer, q: &ShareQuery) -> rusqlite::Result<Vec<Share>> {
    c.prepare_cached(&format!(
        "{SHARE} WHERE (?2 = 1 OR created_by = ?1
              OR (target_type = 'project' AND target_id IN (SELECT project_id FROM user_projects WHERE user_id = ?1))
              OR (target_type = 'client' AND target_id IN (SELECT client_id FROM user_clients WHERE user_id = ?1)))
           AND (?3 IS NULL OR resource_type = ?3) AND (?4 IS NULL OR resource_id = ?4)
         ORDER BY created_at DESC LIMIT 1000"
    ))?
    .query_map(params![v.user_id, v.admin, q.resource_type, q.resource_id], share_row)?
    .collect()
}

/// Remove a share: its creator, the resource's owner, or an admin.
pub fn unshare(c: &Connection, v: &Viewer, id: &str) -> ApiResult<()> {
    let s = list(
        c,
        v,
        &ShareQuery {
            resource_type: None,
            resource_id: None,
        },
    )?
    .into_iter()
    .find(|s| s.id == id)
    .ok_or(ApiError::NotFound("share"))?;
    let owner = visible_owner(c, v, &s.resource_type, &s.resource_id)
        .ok()
        .flatten()
        .flatten();
    if !v.admin
        && s.created_by.as_deref() != Some(&v.user_id)
        && owner.as_deref() != Some(&v.user_id)
    {
        return Err(ApiError::forbidden(
            "only who shared it, the owner or an admin may remove a share",
        ));
    }
    c.prepare_cached("DELETE FROM shares WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Move a resource into a client+project (or back to personal with both null): its owner or an
/// admin, into a scope they belong to. Tasks also move to the new board (with their subtasks).
pub fn associate(
    c: &Connection,
    v: &Viewer,
    i: &super::types::AssociateInput,
) -> ApiResult<serde_json::Value> {
    let owner = visible_owner(c, v, &i.resource_type, &i.resource_id)?
        .ok_or(ApiError::NotFound("resource"))?;
    if !v.admin && owner.as_deref() != Some(&v.user_id) {
        return Err(ApiError::forbidden(
            "only the owner or an admin may move a resource",
        ));
    }
    let (client, project) =
        access::check_placement(c, v, i.client_id.as_deref(), i.project_id.as_deref())?
            .map_err(ApiError::from)?;
    if i.resource_type == "task" {
        crate::api::tasks::placement::relocate(
            c,
            v,
            &i.resource_id,
            client.as_deref(),
            project.as_deref(),
        )?;
    } else {
        let table = table_of(c, &i.resource_type)?;
        c.prepare_cached(&format!(
            "UPDATE {table} SET client_id = ?2, project_id = ?3 WHERE id = ?1"
        ))?
        .execute(params![i.resource_id, client, project])?;
    }
    let data = serde_json::json!({
        "resource_type": i.resource_type, "resource_id": i.resource_id, "client_id": client, "project_id": project,
    });
    crate::events::emit(c, "resource.associated", Some(&v.user_id), data.clone())?;
    Ok(data)
}
