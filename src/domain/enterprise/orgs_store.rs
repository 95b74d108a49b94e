//! SQL of clients, projects, project groups and memberships.
use super::types::{Client, ClientInput, Group, Project, ProjectInput, ProjectQuery};
use crate::access::Viewer;
use crate::page::Page;
use rusqlite::{Connection, OptionalExtension, params};

fn members(
    c: &Connection,
    scope_type: &str,
    scope_id: &str,
    principal: &str,
) -> rusqlite::Result<Vec<String>> {
    c.prepare_cached(
        "SELECT principal_id FROM memberships WHERE scope_type = ?1 AND scope_id = ?2 AND principal_type = ?3 ORDER BY created_at",
    )?
    .query_map(params![scope_type, scope_id, principal], |r| r.get(0))?
    .collect()
}

/// The first of `ids` that names no user (or team), if any.
pub fn unknown_principal(
    c: &Connection,
    principal: &str,
    ids: &[String],
) -> rusqlite::Result<Option<String>> {
    let sql = if principal == "user" {
        "SELECT EXISTS(SELECT 1 FROM users WHERE id = ?1)"
    } else {
        "SELECT EXISTS(SELECT 1 FROM teams WHERE id = ?1)"
    };
    for id in ids {
        if !c
            .prepare_cached(sql)?
            .query_row([id], |r| r.get::<_, bool>(0))?
        {
            return Ok(Some(id.clone()));
        }
    }
    Ok(None)
}

/// Replace the user (or team) members of a scope (ids checked by the caller).
pub fn replace_members(
    c: &Connection,
    scope_type: &str,
    scope_id: &str,
    principal: &str,
    ids: &[String],
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "DELETE FROM memberships WHERE scope_type = ?1 AND scope_id = ?2 AND principal_type = ?3",
    )?
    .execute(params![scope_type, scope_id, principal])?;
    for id in ids {
        add_member(c, scope_type, scope_id, principal, id)?;
    }
    Ok(())
}

pub fn add_member(
    c: &Connection,
    scope_type: &str,
    scope_id: &str,
    principal: &str,
    id: &str,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT OR IGNORE INTO memberships (scope_type, scope_id, principal_type, principal_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![scope_type, scope_id, principal, id, crate::time::now_rfc3339()])?;
    Ok(())
}

pub fn remove_member(
    c: &Connection,
    scope_type: &str,
    scope_id: &str,
    principal: &str,
    id: &str,
) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached("DELETE FROM memberships WHERE scope_type = ?1 AND scope_id = ?2 AND principal_type = ?3 AND principal_id = ?4")?
        .execute(params![scope_type, scope_id, principal, id])? > 0)
}

const CLIENT: &str = "SELECT c.id, c.name, c.description, c.contact_email, c.website, c.status,
    (SELECT COUNT(*) FROM projects p WHERE p.client_id = c.id), c.created_at, c.updated_at FROM clients c";

fn client_row(c: &Connection, r: &rusqlite::Row) -> rusqlite::Result<Client> {
    let id: String = r.get(0)?;
    Ok(Client {
        member_ids: members(c, "client", &id, "user")?,
        team_ids: members(c, "client", &id, "team")?,
        id,
        name: r.get(1)?,
        description: r.get(2)?,
        contact_email: r.get(3)?,
        website: r.get(4)?,
        status: r.get(5)?,
        project_count: r.get(6)?,
        created_at: r.get(7)?,
        updated_at: r.get(8)?,
    })
}

/// One page of the clients the viewer works for (all for admins), and how many in all.
pub fn list_clients(
    c: &Connection,
    v: &Viewer,
    page: Page,
) -> rusqlite::Result<(Vec<Client>, u64)> {
    let filter = "WHERE ?2 = 1 OR c.id IN (SELECT client_id FROM user_clients WHERE user_id = ?1)";
    let total = c
        .prepare_cached(&format!("SELECT COUNT(*) FROM clients c {filter}"))?
        .query_row(params![v.user_id, v.admin], |r| {
            r.get::<_, i64>(0).map(|n| n as u64)
        })?;
    let (limit, offset) = page.sql();
    let items = c
        .prepare_cached(&format!(
            "{CLIENT} {filter} ORDER BY c.name, c.id LIMIT ?3 OFFSET ?4"
        ))?
        .query_map(params![v.user_id, v.admin, limit, offset], |r| {
            client_row(c, r)
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok((items, total))
}

pub fn get_client(c: &Connection, v: &Viewer, id: &str) -> rusqlite::Result<Option<Client>> {
    c.prepare_cached(&format!(
        "{CLIENT} WHERE c.id = ?3 AND (?2 = 1 OR c.id IN (SELECT client_id FROM user_clients WHERE user_id = ?1))"
    ))?
    .query_row(params![v.user_id, v.admin, id], |r| client_row(c, r))
    .optional()
}

/// Insert (id None) or update a client and its member lists; input validated by the caller.
pub fn save_client(
    c: &Connection,
    id: Option<&str>,
    by: &str,
    i: &ClientInput,
) -> rusqlite::Result<String> {
    let now = crate::time::now_rfc3339();
    let id = match id {
        Some(id) => {
            c.prepare_cached(
                "UPDATE clients SET name = COALESCE(?2, name), description = COALESCE(?3, description),
                    contact_email = COALESCE(?4, contact_email), website = COALESCE(?5, website),
                    status = COALESCE(?6, status), updated_at = ?7 WHERE id = ?1",
            )?
            .execute(params![id, i.name.as_deref().map(str::trim), i.description, i.contact_email, i.website, i.status, now])?;
            id.to_string()
        }
        None => {
            let id = uuid::Uuid::now_v7().to_string();
            c.prepare_cached(
                "INSERT INTO clients (id, name, description, contact_email, website, status, created_by, created_at, updated_at)
                 VALUES (?1, ?2, COALESCE(?3, ''), ?4, ?5, COALESCE(?6, 'active'), ?7, ?8, ?8)",
            )?
            .execute(params![id, i.name.as_deref().map(str::trim), i.description, i.contact_email, i.website, i.status, by, now])?;
            id
        }
    };
    if let Some(m) = &i.member_ids {
        replace_members(c, "client", &id, "user", m)?;
    }
    if let Some(m) = &i.team_ids {
        replace_members(c, "client", &id, "team", m)?;
    }
    Ok(id)
}

/// Delete a client (its projects, groups, tasks and entries cascade) and its memberships/shares.
pub fn delete_client(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    let projects: Vec<String> = c
        .prepare_cached("SELECT id FROM projects WHERE client_id = ?1")?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for p in &projects {
        delete_project(c, p)?;
    }
    c.prepare_cached("DELETE FROM memberships WHERE scope_type = 'client' AND scope_id = ?1")?
        .execute([id])?;
    c.prepare_cached("DELETE FROM shares WHERE target_type = 'client' AND target_id = ?1")?
        .execute([id])?;
    Ok(c.prepare_cached("DELETE FROM clients WHERE id = ?1")?
        .execute([id])?
        > 0)
}

const PROJECT: &str = "SELECT p.id, p.client_id, c.name, p.group_id, p.name, p.description, p.status, p.start_date,
    p.due_date, p.budget_hours, (SELECT COUNT(*) FROM tasks t WHERE t.project_id = p.id), p.created_at, p.updated_at
  FROM projects p JOIN clients c ON c.id = p.client_id";

fn project_row(c: &Connection, r: &rusqlite::Row) -> rusqlite::Result<Project> {
    let id: String = r.get(0)?;
    Ok(Project {
        member_ids: members(c, "project", &id, "user")?,
        team_ids: members(c, "project", &id, "team")?,
        id,
        client_id: r.get(1)?,
        client_name: r.get(2)?,
        group_id: r.get(3)?,
        name: r.get(4)?,
        description: r.get(5)?,
        status: r.get(6)?,
        start_date: r.get(7)?,
        due_date: r.get(8)?,
        budget_hours: r.get(9)?,
        task_count: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
    })
}

/// One page of the projects the viewer belongs to (all for admins) matching `q`.
pub fn list_projects(
    c: &Connection,
    v: &Viewer,
    q: &ProjectQuery,
    page: Page,
) -> rusqlite::Result<(Vec<Project>, u64)> {
    let filter = "WHERE (?2 = 1 OR p.id IN (SELECT project_id FROM user_projects WHERE user_id = ?1))
           AND (?3 IS NULL OR p.client_id = ?3) AND (?4 IS NULL OR p.group_id = ?4) AND (?5 IS NULL OR p.status = ?5)
           AND (?6 IS NULL OR instr(lower(p.name), lower(?6)) > 0)";
    let total = c
        .prepare_cached(&format!("SELECT COUNT(*) FROM projects p {filter}"))?
        .query_row(
            params![v.user_id, v.admin, q.client_id, q.group_id, q.status, q.q],
            |r| r.get::<_, i64>(0).map(|n| n as u64),
        )?;
    let (limit, offset) = page.sql();
    let items = c
        .prepare_cached(&format!(
            "{PROJECT} {filter} ORDER BY c.name, p.name, p.id LIMIT ?7 OFFSET ?8"
        ))?
        .query_map(
            params![
                v.user_id,
                v.admin,
                q.client_id,
                q.group_id,
                q.status,
                q.q,
                limit,
                offset
            ],
            |r| project_row(c, r),
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok((items, total))
}

pub fn get_project(c: &Connection, v: &Viewer, id: &str) -> rusqlite::Result<Option<Project>> {
    c.prepare_cached(&format!(
        "{PROJECT} WHERE p.id = ?3 AND (?2 = 1 OR p.id IN (SELECT project_id FROM user_projects WHERE user_id = ?1))"
    ))?
    .query_row(params![v.user_id, v.admin, id], |r| project_row(c, r))
    .optional()
}

/// Whether a project group belongs to this client.
pub fn group_in_client(c: &Connection, group_id: &str, client_id: &str) -> rusqlite::Result<bool> {
    c.prepare_cached(
        "SELECT EXISTS(SELECT 1 FROM project_groups WHERE id = ?1 AND client_id = ?2)",
    )?
    .query_row(params![group_id, client_id], |r| r.get(0))
}

/// Insert (id None) or update a project and its member lists; input validated by the caller.
pub fn save_project(
    c: &Connection,
    id: Option<&str>,
    client_id: &str,
    by: &str,
    i: &ProjectInput,
) -> rusqlite::Result<String> {
    let now = crate::time::now_rfc3339();
    let id = match id {
        Some(id) => id.to_string(),
        None => {
            let id = uuid::Uuid::now_v7().to_string();
            c.prepare_cached(
                "INSERT INTO projects (id, client_id, name, created_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            )?
            .execute(params![id, client_id, i.name.as_deref().map(str::trim), by, now])?;
            id
        }
    };
    c.prepare_cached(
        "UPDATE projects SET name = COALESCE(?2, name), description = COALESCE(?3, description), status = COALESCE(?4, status),
            group_id = CASE WHEN ?5 THEN ?6 ELSE group_id END, start_date = CASE WHEN ?7 THEN ?8 ELSE start_date END,
            due_date = CASE WHEN ?9 THEN ?10 ELSE due_date END, budget_hours = CASE WHEN ?11 THEN ?12 ELSE budget_hours END,
            updated_at = ?13 WHERE id = ?1",
    )?
    .execute(params![
        id, i.name.as_deref().map(str::trim), i.description, i.status,
        i.group_id.is_some(), i.group_id.clone().flatten(),
        i.start_date.is_some(), i.start_date.clone().flatten(),
        i.due_date.is_some(), i.due_date.clone().flatten(),
        i.budget_hours.is_some(), i.budget_hours.flatten(), now
    ])?;
    if let Some(m) = &i.member_ids {
        replace_members(c, "project", &id, "user", m)?;
    }
    if let Some(m) = &i.team_ids {
        replace_members(c, "project", &id, "team", m)?;
    }
    Ok(id)
}

/// Delete a project with its tasks, board, entries, memberships and shares.
pub fn delete_project(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    c.prepare_cached("DELETE FROM tasks WHERE project_id = ?1")?
        .execute([id])?;
    c.prepare_cached("DELETE FROM task_columns WHERE scope_type = 'project' AND scope_id = ?1")?
        .execute([id])?;
    c.prepare_cached("DELETE FROM memberships WHERE scope_type = 'project' AND scope_id = ?1")?
        .execute([id])?;
    c.prepare_cached("DELETE FROM shares WHERE target_type = 'project' AND target_id = ?1")?
        .execute([id])?;
    Ok(c.prepare_cached("DELETE FROM projects WHERE id = ?1")?
        .execute([id])?
        > 0)
}

/// One page of a client's project groups, by name, and how many it has.
pub fn list_groups(
    c: &Connection,
    client_id: &str,
    page: Page,
) -> rusqlite::Result<(Vec<Group>, u64)> {
    let total = c
        .prepare_cached("SELECT COUNT(*) FROM project_groups WHERE client_id = ?1")?
        .query_row([client_id], |r| r.get::<_, i64>(0).map(|n| n as u64))?;
    let (limit, offset) = page.sql();
    let items = c
        .prepare_cached("SELECT id, client_id, name, description, created_at FROM project_groups WHERE client_id = ?1 ORDER BY name, id LIMIT ?2 OFFSET ?3")?
        .query_map(params![client_id, limit, offset], group_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok((items, total))
}

fn group_row(r: &rusqlite::Row) -> rusqlite::Result<Group> {
    Ok(Group {
        id: r.get(0)?,
        client_id: r.get(1)?,
        name: r.get(2)?,
        description: r.get(3)?,
        created_at: r.get(4)?,
    })
}

pub fn get_group(c: &Connection, id: &str) -> rusqlite::Result<Option<Group>> {
    c.prepare_cached(
        "SELECT id, client_id, name, description, created_at FROM project_groups WHERE id = ?1",
    )?
    .query_row([id], group_row)
    .optional()
}

pub fn insert_group(
    c: &Connection,
    client_id: &str,
    name: &str,
    description: &str,
) -> rusqlite::Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    c.prepare_cached("INSERT INTO project_groups (id, client_id, name, description, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)")?
        .execute(params![id, client_id, name, description, crate::time::now_rfc3339()])?;
    Ok(id)
}

pub fn update_group(
    c: &Connection,
    id: &str,
    name: Option<&str>,
    description: Option<&str>,
) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE project_groups SET name = COALESCE(?2, name), description = COALESCE(?3, description), updated_at = ?4 WHERE id = ?1")?
        .execute(params![id, name, description, crate::time::now_rfc3339()])?;
    Ok(())
}

pub fn delete_group(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    Ok(
        c.prepare_cached("DELETE FROM project_groups WHERE id = ?1")?
            .execute([id])?
            > 0,
    )
}
