//! Clients, projects, project groups and memberships: the tenancy structure. Writes are
//! admin-only (the routes take `AdminUser`); reads follow the access rule.
use super::orgs_store as store;
use super::types::{
    Client, ClientInput, Group, GroupInput, Membership, Project, ProjectInput, ProjectQuery,
};
use crate::access::{self, Viewer};
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use rusqlite::Connection;
use serde_json::json;

fn check_status(s: &str, allowed: &[&str]) -> ApiResult<()> {
    if allowed.contains(&s) {
        Ok(())
    } else {
        Err(ApiError::unprocessable(format!(
            "status must be one of {}",
            allowed.join(", ")
        )))
    }
}

/// A name: required on create, 1–200 characters when given.
pub(super) fn check_name(n: Option<&str>, required: bool) -> ApiResult<()> {
    match n.map(str::trim) {
        None if required => Err(ApiError::unprocessable("name is required")),
        Some(n) if n.is_empty() || n.chars().count() > 200 => {
            Err(ApiError::unprocessable("name must be 1–200 characters"))
        }
        _ => Ok(()),
    }
}

fn check_date(d: &Option<Option<String>>) -> ApiResult<()> {
    if let Some(Some(d)) = d {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| ApiError::unprocessable(format!("dates must be YYYY-MM-DD, not {d:?}")))?;
    }
    Ok(())
}

/// Unknown user or team ids in a member list are a 422.
fn check_members(
    c: &Connection,
    users: Option<&[String]>,
    teams: Option<&[String]>,
) -> ApiResult<()> {
    for (principal, ids) in [("user", users), ("team", teams)] {
        if let Some(id) = store::unknown_principal(c, principal, ids.unwrap_or_default())? {
            return Err(ApiError::missing(format!("unknown {principal} id {id:?}")));
        }
    }
    Ok(())
}

fn check_client(c: &Connection, i: &ClientInput, create: bool) -> ApiResult<()> {
    check_name(i.name.as_deref(), create)?;
    if let Some(s) = &i.status {
        check_status(s, &["active", "paused", "archived"])?;
    }
    check_members(c, i.member_ids.as_deref(), i.team_ids.as_deref())
}

pub async fn list_clients(db: &Db, v: Viewer, page: Page) -> ApiResult<Paged<Client>> {
    let (items, total) = db.read(move |c| store::list_clients(c, &v, page)).await?;
    Ok(Paged::new(items, total, page))
}

pub async fn get_client(db: &Db, v: Viewer, id: String) -> ApiResult<Client> {
    db.read(move |c| store::get_client(c, &v, &id))
        .await?
        .ok_or(ApiError::NotFound("client"))
}

pub async fn create_client(db: &Db, v: Viewer, i: ClientInput) -> ApiResult<Client> {
    db.write(move |c| -> ApiResult<_> {
        check_client(c, &i, true)?;
        let id = store::save_client(c, None, &v.user_id, &i)?;
        crate::events::emit(
            c,
            "client.created",
            Some(&v.user_id),
            json!({ "client_id": id, "name": i.name }),
        )?;
        Ok(store::get_client(c, &v, &id)?.expect("just created"))
    })
    .await
}

pub async fn update_client(db: &Db, v: Viewer, id: String, i: ClientInput) -> ApiResult<Client> {
    db.write(move |c| -> ApiResult<_> {
        store::get_client(c, &v, &id)?.ok_or(ApiError::NotFound("client"))?;
        check_client(c, &i, false)?;
        store::save_client(c, Some(&id), &v.user_id, &i)?;
        Ok(store::get_client(c, &v, &id)?.expect("exists"))
    })
    .await
}

/// Delete a client (its projects, groups, tasks and entries cascade) and its memberships/shares.
pub async fn delete_client(db: &Db, id: String) -> ApiResult<()> {
    if !db.write(move |c| store::delete_client(c, &id)).await? {
        return Err(ApiError::NotFound("client"));
    }
    Ok(())
}

fn check_project(c: &Connection, client_id: &str, i: &ProjectInput, create: bool) -> ApiResult<()> {
    check_name(i.name.as_deref(), create)?;
    if let Some(s) = &i.status {
        check_status(s, &["planned", "active", "on_hold", "done", "archived"])?;
    }
    check_date(&i.start_date)?;
    check_date(&i.due_date)?;
    if let Some(Some(b)) = i.budget_hours
        && !(0.0..=1e7).contains(&b)
    {
        return Err(ApiError::unprocessable("budget_hours must be positive"));
    }
    if let Some(Some(g)) = &i.group_id
        && !store::group_in_client(c, g, client_id)?
    {
        return Err(ApiError::missing(
            "group_id: no such group of the project's client",
        ));
    }
    check_members(c, i.member_ids.as_deref(), i.team_ids.as_deref())
}

pub async fn create_project(
    db: &Db,
    v: Viewer,
    client_id: String,
    i: ProjectInput,
) -> ApiResult<Project> {
    db.write(move |c| -> ApiResult<_> {
        store::get_client(c, &v, &client_id)?.ok_or(ApiError::NotFound("client"))?;
        check_project(c, &client_id, &i, true)?;
        let id = store::save_project(c, None, &client_id, &v.user_id, &i)?;
        crate::events::emit(
            c,
            "project.created",
            Some(&v.user_id),
            json!({ "project_id": id, "client_id": client_id, "name": i.name }),
        )?;
        Ok(store::get_project(c, &v, &id)?.expect("just created"))
    })
    .await
}

pub async fn list_projects(
    db: &Db,
    v: Viewer,
    q: ProjectQuery,
    page: Page,
) -> ApiResult<Paged<Project>> {
    let (items, total) = db
        .read(move |c| store::list_projects(c, &v, &q, page))
        .await?;
    Ok(Paged::new(items, total, page))
}

/// The projects of a client the viewer works for (404 for another tenant's client).
pub async fn client_projects(
    db: &Db,
    v: Viewer,
    client_id: String,
    page: Page,
) -> ApiResult<Paged<Project>> {
    db.read(move |c| -> ApiResult<_> {
        store::get_client(c, &v, &client_id)?.ok_or(ApiError::NotFound("client"))?;
        let q = ProjectQuery {
            client_id: Some(client_id),
            group_id: None,
            status: None,
            q: None,
        };
        let (items, total) = store::list_projects(c, &v, &q, page)?;
        Ok(Paged::new(items, total, page))
    })
    .await
}

pub async fn get_project(db: &Db, v: Viewer, id: String) -> ApiResult<Project> {
    db.read(move |c| store::get_project(c, &v, &id))
        .await?
        .ok_or(ApiError::NotFound("project"))
}

pub async fn update_project(db: &Db, v: Viewer, id: String, i: ProjectInput) -> ApiResult<Project> {
    db.write(move |c| -> ApiResult<_> {
        let p = store::get_project(c, &v, &id)?.ok_or(ApiError::NotFound("project"))?;
        check_project(c, &p.client_id, &i, false)?;
        store::save_project(c, Some(&id), &p.client_id, &v.user_id, &i)?;
        Ok(store::get_project(c, &v, &id)?.expect("exists"))
    })
    .await
}

/// Delete a project with its tasks, board, entries, memberships and shares.
pub async fn delete_project(db: &Db, id: String) -> ApiResult<()> {
    if !db.write(move |c| store::delete_project(c, &id)).await? {
        return Err(ApiError::NotFound("project"));
    }
    Ok(())
}

pub async fn create_group(
    db: &Db,
    v: Viewer,
    client_id: String,
    i: GroupInput,
) -> ApiResult<Group> {
    check_name(i.name.as_deref(), true)?;
    db.write(move |c| -> ApiResult<_> {
        store::get_client(c, &v, &client_id)?.ok_or(ApiError::NotFound("client"))?;
        let id = store::insert_group(
            c,
            &client_id,
            i.name.as_deref().unwrap_or("").trim(),
            i.description.as_deref().unwrap_or(""),
        )?;
        Ok(store::get_group(c, &id)?.expect("just created"))
    })
    .await
}

pub async fn list_groups(
    db: &Db,
    v: Viewer,
    client_id: String,
    page: Page,
) -> ApiResult<Paged<Group>> {
    db.read(move |c| -> ApiResult<_> {
        store::get_client(c, &v, &client_id)?.ok_or(ApiError::NotFound("client"))?;
        let (items, total) = store::list_groups(c, &client_id, page)?;
        Ok(Paged::new(items, total, page))
    })
    .await
}

pub async fn update_group(db: &Db, id: String, i: GroupInput) -> ApiResult<Group> {
    check_name(i.name.as_deref(), false)?;
    db.write(move |c| -> ApiResult<_> {
        store::get_group(c, &id)?.ok_or(ApiError::NotFound("group"))?;
        store::update_group(
            c,
            &id,
            i.name.as_deref().map(str::trim),
            i.description.as_deref(),
        )?;
        Ok(store::get_group(c, &id)?.expect("exists"))
    })
    .await
}

pub async fn delete_group(db: &Db, id: String) -> ApiResult<()> {
    if !db.write(move |c| store::delete_group(c, &id)).await? {
        return Err(ApiError::NotFound("group"));
    }
    Ok(())
}

/// Check a membership names an existing scope and principal.
fn check_membership(c: &Connection, m: &Membership) -> ApiResult<()> {
    let everyone = Viewer {
        user_id: String::new(),
        admin: true,
    };
    let scope_ok = match m.scope_type.as_str() {
        "client" => access::in_client(c, &everyone, &m.scope_id)?,
        "project" => access::in_project(c, &everyone, &m.scope_id)?,
        _ => {
            return Err(ApiError::unprocessable(
                "scope_type must be client or project",
            ));
        }
    };
    if !scope_ok {
        return Err(ApiError::NotFound("scope"));
    }
    if m.principal_type != "user" && m.principal_type != "team" {
        return Err(ApiError::unprocessable(
            "principal_type must be user or team",
        ));
    }
    if store::unknown_principal(c, &m.principal_type, std::slice::from_ref(&m.principal_id))?
        .is_some()
    {
        return Err(ApiError::NotFound("principal"));
    }
    Ok(())
}

pub async fn add_membership(db: &Db, m: Membership) -> ApiResult<()> {
    db.write(move |c| -> ApiResult<_> {
        check_membership(c, &m)?;
        Ok(store::add_member(
            c,
            &m.scope_type,
            &m.scope_id,
            &m.principal_type,
            &m.principal_id,
        )?)
    })
    .await
}

pub async fn remove_membership(db: &Db, m: Membership) -> ApiResult<()> {
    let removed = db
        .write(move |c| {
            store::remove_member(
                c,
                &m.scope_type,
                &m.scope_id,
                &m.principal_type,
                &m.principal_id,
            )
        })
        .await?;
    if !removed {
        return Err(ApiError::NotFound("membership"));
    }
    Ok(())
}
