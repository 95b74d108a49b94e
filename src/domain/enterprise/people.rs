//! People: user administration (with reporting lines), teams, the org chart and allocation.
//! User and team writes are admin-only (the routes take `AdminUser`).
use super::orgs::check_name;
use super::people_store as store;
use super::types::{Allocation, OrgNode, Team, TeamInput, User, UserInput};
use crate::access::Viewer;
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use crate::state::AppState;
use crate::users::Email;
use rusqlite::Connection;
use serde_json::json;

/// Validate the profile fields of a create/update (everything but email/password).
fn check_profile(c: &Connection, id: Option<&str>, i: &UserInput) -> ApiResult<()> {
    if let Some(r) = &i.role
        && r != "admin"
        && r != "member"
    {
        return Err(ApiError::unprocessable("role must be admin or member"));
    }
    if let Some(Some(rate)) = i.hourly_rate
        && !(0.0..=1e6).contains(&rate)
    {
        return Err(ApiError::unprocessable("hourly_rate must be ≥ 0"));
    }
    if let Some(cap) = i.capacity_hours
        && !(0.0..=168.0).contains(&cap)
    {
        return Err(ApiError::unprocessable(
            "capacity_hours must be between 0 and 168",
        ));
    }
    if let Some(Some(m)) = &i.reports_to {
        if store::get_user(c, m)?.is_none() {
            return Err(ApiError::missing("reports_to names an unknown user"));
        }
        if let Some(id) = id
            && store::reports_cycle(c, id, m)?
        {
            return Err(ApiError::unprocessable(
                "reports_to would create a cycle in the org chart",
            ));
        }
    }
    Ok(())
}

/// Check the password policy and hash it on the bounded hashing pool.
async fn hash_password(state: &AppState, password: &str, email: &str) -> ApiResult<String> {
    crate::auth::password::check_policy(password, email).map_err(ApiError::Unprocessable)?;
    let pw = password.to_string();
    state
        .hasher
        .run(move || crate::auth::password::hash(&pw))
        .await
        .ok_or_else(|| ApiError::Unavailable("sign-in is busy; retry in a moment".into()))?
        .map_err(ApiError::Internal)
}

pub async fn list_users(db: &Db, page: Page) -> ApiResult<Paged<User>> {
    let (items, total) = db.read(move |c| store::list_users(c, page)).await?;
    Ok(Paged::new(items, total, page))
}

pub async fn get_user(db: &Db, id: String) -> ApiResult<User> {
    db.read(move |c| store::get_user(c, &id))
        .await?
        .ok_or(ApiError::NotFound("user"))
}

/// Create a user (invited when no password is given) with their profile.
pub async fn create_user(state: &AppState, by: String, b: UserInput) -> ApiResult<User> {
    let email = Email::parse(
        b.email
            .as_deref()
            .ok_or_else(|| ApiError::unprocessable("email is required"))?,
    )
    .map_err(ApiError::Unprocessable)?;
    let hash = match &b.password {
        Some(pw) => Some(hash_password(state, pw, email.as_str()).await?),
        None => None,
    };
    state
        .db
        .write(move |c| -> ApiResult<_> {
            check_profile(c, None, &b)?;
            let default_name = email.as_str().split('@').next().unwrap_or("").to_string();
            let row = crate::users::store::insert(
                c,
                &crate::users::store::NewUser {
                    email: email.as_str(),
                    name: b.name.as_deref().map(str::trim).unwrap_or(&default_name),
                    role: b.role.as_deref().unwrap_or("member"),
                    password_hash: hash.as_deref(),
                    auth_provider: "password",
                    external_id: None,
                },
            )?
            .ok_or_else(|| ApiError::conflict("a user with that email already exists"))?;
            store::update_profile(
                c,
                &row.id,
                &UserInput {
                    email: None,
                    password: None,
                    role: None,
                    name: None,
                    ..b
                },
                None,
            )?;
            crate::events::emit(
                c,
                "user.created",
                Some(&by),
                json!({ "user_id": row.id, "email": row.email, "role": row.role }),
            )?;
            Ok(store::get_user(c, &row.id)?.expect("just created"))
        })
        .await
}

/// Update a user; deactivating or changing the role ends their sessions. Admins cannot
/// deactivate or demote themselves.
pub async fn update_user(
    state: &AppState,
    by: String,
    id: String,
    b: UserInput,
) -> ApiResult<User> {
    if id == by && (b.active == Some(false) || b.role.as_deref() == Some("member")) {
        return Err(ApiError::bad_request(
            "you cannot deactivate or demote yourself",
        ));
    }
    let email = b
        .email
        .as_deref()
        .map(Email::parse)
        .transpose()
        .map_err(ApiError::Unprocessable)?;
    let hash = match &b.password {
        Some(pw) => {
            let e = email.as_ref().map(|e| e.as_str()).unwrap_or_default();
            Some(hash_password(state, pw, e).await?)
        }
        None => None,
    };
    let user = state
        .db
        .write(move |c| -> ApiResult<_> {
            store::get_user(c, &id)?.ok_or(ApiError::NotFound("user"))?;
            check_profile(c, Some(&id), &b)?;
            if let Some(e) = &email
                && store::email_taken(c, e.as_str(), &id)?
            {
                return Err(ApiError::conflict("a user with that email already exists"));
            }
            store::update_profile(c, &id, &b, email.as_ref().map(|e| e.as_str()))?;
            if let Some(h) = &hash {
                crate::users::store::set_password(c, &id, h)?;
            }
            crate::events::emit(
                c,
                "user.updated",
                Some(&by),
                json!({ "user_id": id, "active": b.active, "role": b.role }),
            )?;
            Ok(store::get_user(c, &id)?.expect("exists"))
        })
        .await?;
    state.sessions.forget(&user.id);
    Ok(user)
}

pub async fn delete_user(state: &AppState, by: &str, id: String) -> ApiResult<()> {
    if id == by {
        return Err(ApiError::bad_request("you cannot delete yourself"));
    }
    let uid = id.clone();
    if !state.db.write(move |c| store::delete_user(c, &id)).await? {
        return Err(ApiError::NotFound("user"));
    }
    state.sessions.forget(&uid);
    Ok(())
}

/// The viewer's teams (every team for an admin).
pub async fn list_teams(db: &Db, v: Viewer, page: Page) -> ApiResult<Paged<Team>> {
    let (items, total) = db.read(move |c| store::list_teams(c, &v, page)).await?;
    Ok(Paged::new(items, total, page))
}

/// A team the viewer belongs to (404 for others' teams; any team for an admin).
pub async fn get_team(db: &Db, v: Viewer, id: String) -> ApiResult<Team> {
    db.read(move |c| store::visible_team(c, &v, &id))
        .await?
        .ok_or(ApiError::NotFound("team"))
}

fn check_team(c: &Connection, t: &TeamInput, create: bool) -> ApiResult<()> {
    check_name(t.name.as_deref(), create)?;
    for m in t.member_ids.iter().flatten() {
        if store::get_user(c, m)?.is_none() {
            return Err(ApiError::missing(format!("unknown user id {m:?}")));
        }
    }
    Ok(())
}

pub async fn create_team(db: &Db, t: TeamInput) -> ApiResult<Team> {
    db.write(move |c| -> ApiResult<_> {
        check_team(c, &t, true)?;
        let id = store::save_team(
            c,
            None,
            t.name.as_deref(),
            t.description.as_deref(),
            t.member_ids.as_deref(),
        )?;
        Ok(store::get_team(c, &id)?.expect("just created"))
    })
    .await
}

pub async fn update_team(db: &Db, id: String, t: TeamInput) -> ApiResult<Team> {
    db.write(move |c| -> ApiResult<_> {
        store::get_team(c, &id)?.ok_or(ApiError::NotFound("team"))?;
        check_team(c, &t, false)?;
        store::save_team(
            c,
            Some(&id),
            t.name.as_deref(),
            t.description.as_deref(),
            t.member_ids.as_deref(),
        )?;
        Ok(store::get_team(c, &id)?.expect("exists"))
    })
    .await
}

pub async fn delete_team(db: &Db, id: String) -> ApiResult<()> {
    if !db.write(move |c| store::delete_team(c, &id)).await? {
        return Err(ApiError::NotFound("team"));
    }
    Ok(())
}

/// The load of the people the viewer shares a project or team with (everyone for an admin).
pub async fn allocation(db: &Db, v: Viewer, page: Page) -> ApiResult<Paged<Allocation>> {
    let (items, total) = db.read(move |c| store::allocation(c, &v, page)).await?;
    Ok(Paged::new(items, total, page))
}

/// The reporting tree of the active users the viewer shares a project or team with (everyone
/// for an admin); a tree, not a list: it is not paged.
pub async fn orgchart(db: &Db, v: Viewer) -> ApiResult<Vec<OrgNode>> {
    Ok(db.read(move |c| store::orgchart(c, &v)).await?)
}
