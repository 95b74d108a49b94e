//! Thin handlers of /enterprise users (admin only), teams, the org chart and allocation.
use super::people;
use super::types::*;
use crate::auth::{AdminUser, AuthUser};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use crate::users::Email;
use actix_web::{HttpResponse, delete, get, post, put, web};
use serde_json::json;

#[utoipa::path(tag = "enterprise", responses((status = 200, body = Vec<User>), (status = 403, body = ErrorBody)))]
#[get("/enterprise/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    _admin: AdminUser,
) -> ApiResult<web::Json<Vec<User>>> {
    Ok(web::Json(state.db.run(|c| people::list_users(c)).await?))
}

#[utoipa::path(tag = "enterprise", responses((status = 200, body = User), (status = 404, body = ErrorBody)))]
#[get("/enterprise/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<User>> {
    state
        .db
        .run(move |c| people::get_user(c, &id))
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("user"))
}

#[utoipa::path(tag = "enterprise", request_body = UserInput, responses((status = 201, body = User), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/enterprise/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: web::Json<UserInput>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let email = Email::parse(
        b.email
            .as_deref()
            .ok_or_else(|| ApiError::unprocessable("email is required"))?,
    )
    .map_err(ApiError::Unprocessable)?;
    let hash = match &b.password {
        Some(pw) => {
            crate::auth::password::check_policy(pw, email.as_str())
                .map_err(ApiError::Unprocessable)?;
            let pw = pw.clone();
            Some(crate::api::auth::login::hash_password(&state, pw).await?)
        }
        None => None,
    };
    let by = admin.id.clone();
    let user = state
        .db
        .run(move |c| -> ApiResult<_> {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            people::check_profile(&tx, None, &b)?;
            let default_name = email.as_str().split('@').next().unwrap_or("").to_string();
            let row = crate::users::store::insert(
                &tx,
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
            people::update_profile(
                &tx,
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
                &tx,
                "user.created",
                Some(&by),
                json!({ "user_id": row.id, "email": row.email, "role": row.role }),
            )?;
            tx.commit()?;
            Ok(people::get_user(c, &row.id)?.expect("just created"))
        })
        .await?;
    state.jobs.notify();
    Ok(HttpResponse::Created().json(user))
}

#[utoipa::path(tag = "enterprise", request_body = UserInput, responses((status = 200, body = User), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/enterprise/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<String>,
    body: web::Json<UserInput>,
) -> ApiResult<web::Json<User>> {
    let b = body.into_inner();
    let id = id.into_inner();
    if id == admin.id && (b.active == Some(false) || b.role.as_deref() == Some("member")) {
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
            let e = email
                .as_ref()
                .map(|e| e.as_str().to_string())
                .unwrap_or_default();
            crate::auth::password::check_policy(pw, &e).map_err(ApiError::Unprocessable)?;
            let pw = pw.clone();
            Some(crate::api::auth::login::hash_password(&state, pw).await?)
        }
        None => None,
    };
    let by = admin.id.clone();
    let user = state
        .db
        .run(move |c| -> ApiResult<_> {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            people::get_user(&tx, &id)?.ok_or(ApiError::NotFound("user"))?;
            people::check_profile(&tx, Some(&id), &b)?;
            if let Some(e) = &email {
                let taken: bool = tx
                    .prepare_cached(
                        "SELECT EXISTS(SELECT 1 FROM users WHERE email = ?1 AND id != ?2)",
                    )?
                    .query_row(rusqlite::params![e.as_str(), id], |r| r.get(0))?;
                if taken {
                    return Err(ApiError::conflict("a user with that email already exists"));
                }
            }
            people::update_profile(&tx, &id, &b, email.as_ref().map(|e| e.as_str()))?;
            if let Some(h) = &hash {
                crate::users::store::set_password(&tx, &id, h)?;
            }
            crate::events::emit(
                &tx,
                "user.updated",
                Some(&by),
                json!({ "user_id": id, "active": b.active, "role": b.role }),
            )?;
            tx.commit()?;
            Ok(people::get_user(c, &id)?.expect("exists"))
        })
        .await?;
    state.sessions.forget(&user.id);
    state.jobs.notify();
    Ok(web::Json(user))
}

#[utoipa::path(tag = "enterprise", responses((status = 204), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/enterprise/users/{id}")]
pub async fn delete_user(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    if *id == admin.id {
        return Err(ApiError::bad_request("you cannot delete yourself"));
    }
    let uid = id.clone();
    if !state.db.run(move |c| people::delete_user(c, &id)).await? {
        return Err(ApiError::NotFound("user"));
    }
    state.sessions.forget(&uid);
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "enterprise", responses((status = 200, body = Vec<Team>)))]
#[get("/enterprise/teams")]
pub async fn list_teams(
    state: web::Data<AppState>,
    _user: AuthUser,
) -> ApiResult<web::Json<Vec<Team>>> {
    Ok(web::Json(state.db.run(|c| people::list_teams(c)).await?))
}

#[utoipa::path(tag = "enterprise", responses((status = 200, body = Team), (status = 404, body = ErrorBody)))]
#[get("/enterprise/teams/{id}")]
pub async fn get_team(
    state: web::Data<AppState>,
    _user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Team>> {
    state
        .db
        .run(move |c| people::get_team(c, &id))
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("team"))
}

#[utoipa::path(tag = "enterprise", request_body = TeamInput, responses((status = 201, body = Team), (status = 422, body = ErrorBody)))]
#[post("/enterprise/teams")]
pub async fn create_team(
    state: web::Data<AppState>,
    _admin: AdminUser,
    body: web::Json<TeamInput>,
) -> ApiResult<HttpResponse> {
    let t = state
        .db
        .run(move |c| -> ApiResult<_> {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let id = people::save_team(
                &tx,
                None,
                body.name.as_deref(),
                body.description.as_deref(),
                body.member_ids.as_deref(),
            )?;
            tx.commit()?;
            Ok(people::get_team(c, &id)?.expect("just created"))
        })
        .await?;
    Ok(HttpResponse::Created().json(t))
}

#[utoipa::path(tag = "enterprise", request_body = TeamInput, responses((status = 200, body = Team), (status = 404, body = ErrorBody)))]
#[put("/enterprise/teams/{id}")]
pub async fn update_team(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
    body: web::Json<TeamInput>,
) -> ApiResult<web::Json<Team>> {
    let t = state
        .db
        .run(move |c| -> ApiResult<_> {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            people::get_team(&tx, &id)?.ok_or(ApiError::NotFound("team"))?;
            people::save_team(
                &tx,
                Some(&id),
                body.name.as_deref(),
                body.description.as_deref(),
                body.member_ids.as_deref(),
            )?;
            tx.commit()?;
            Ok(people::get_team(c, &id)?.expect("exists"))
        })
        .await?;
    Ok(web::Json(t))
}

#[utoipa::path(tag = "enterprise", responses((status = 204), (status = 404, body = ErrorBody)))]
#[delete("/enterprise/teams/{id}")]
pub async fn delete_team(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    if !state.db.run(move |c| people::delete_team(c, &id)).await? {
        return Err(ApiError::NotFound("team"));
    }
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "enterprise", responses((status = 200, body = Vec<Allocation>)))]
#[get("/enterprise/allocation")]
pub async fn allocation(
    state: web::Data<AppState>,
    _user: AuthUser,
) -> ApiResult<web::Json<Vec<Allocation>>> {
    Ok(web::Json(state.db.run(|c| people::allocation(c)).await?))
}

#[utoipa::path(tag = "enterprise", responses((status = 200, body = Vec<OrgNode>)))]
#[get("/enterprise/orgchart")]
pub async fn orgchart(
    state: web::Data<AppState>,
    _user: AuthUser,
) -> ApiResult<web::Json<Vec<OrgNode>>> {
    Ok(web::Json(state.db.run(|c| people::orgchart(c)).await?))
}
