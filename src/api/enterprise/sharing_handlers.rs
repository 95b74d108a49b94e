//! Thin handlers of /enterprise memberships, shares, associations and the legacy subtask route.
use super::types::*;
use super::{orgs, sharing};
use crate::access::Viewer;
use crate::api::tasks::{
    store as tasks,
    types::{CreateTask, Task},
};
use crate::auth::{AdminUser, AuthUser};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};

fn check_membership(c: &rusqlite::Connection, m: &Membership) -> ApiResult<()> {
    let v = Viewer {
        user_id: String::new(),
        admin: true,
    };
    let scope_ok = match m.scope_type.as_str() {
        "client" => crate::access::in_client(c, &v, &m.scope_id)?,
        "project" => crate::access::in_project(c, &v, &m.scope_id)?,
        _ => {
            return Err(ApiError::unprocessable(
                "scope_type must be client or project",
            ));
        }
    };
    if !scope_ok {
        return Err(ApiError::NotFound("scope"));
    }
    let table = match m.principal_type.as_str() {
        "user" => "SELECT EXISTS(SELECT 1 FROM users WHERE id = ?1)",
        "team" => "SELECT EXISTS(SELECT 1 FROM teams WHERE id = ?1)",
        _ => {
            return Err(ApiError::unprocessable(
                "principal_type must be user or team",
            ));
        }
    };
    if !c
        .prepare_cached(table)?
        .query_row([&m.principal_id], |r| r.get::<_, bool>(0))?
    {
        return Err(ApiError::NotFound("principal"));
    }
    Ok(())
}

#[utoipa::path(tag = "enterprise", request_body = Membership, responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/enterprise/memberships")]
pub async fn add_membership(
    state: web::Data<AppState>,
    _admin: AdminUser,
    body: web::Json<Membership>,
) -> ApiResult<HttpResponse> {
    state
        .db
        .run(move |c| -> ApiResult<_> {
            check_membership(c, &body)?;
            Ok(orgs::add_member(
                c,
                &body.scope_type,
                &body.scope_id,
                &body.principal_type,
                &body.principal_id,
            )?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "enterprise", request_body = Membership, responses((status = 204), (status = 404, body = ErrorBody)))]
#[delete("/enterprise/memberships")]
pub async fn remove_membership(
    state: web::Data<AppState>,
    _admin: AdminUser,
    body: web::Json<Membership>,
) -> ApiResult<HttpResponse> {
    let removed = state
        .db
        .run(move |c| {
            orgs::remove_member(
                c,
                &body.scope_type,
                &body.scope_id,
                &body.principal_type,
                &body.principal_id,
            )
        })
        .await?;
    if !removed {
        return Err(ApiError::NotFound("membership"));
    }
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "enterprise", request_body = ShareInput, responses((status = 201, body = Share), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/enterprise/share")]
pub async fn share(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<ShareInput>,
) -> ApiResult<HttpResponse> {
    let v = Viewer::from(&user);
    let s = state
        .db
        .run(move |c| -> ApiResult<_> {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let s = sharing::share(&tx, &v, &body)?;
            tx.commit()?;
            Ok(s)
        })
        .await?;
    state.jobs.notify();
    Ok(HttpResponse::Created().json(s))
}

#[utoipa::path(tag = "enterprise", params(ShareQuery), responses((status = 200, body = Vec<Share>)))]
#[get("/enterprise/shares")]
pub async fn list_shares(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<ShareQuery>,
) -> ApiResult<web::Json<Vec<Share>>> {
    let v = Viewer::from(&user);
    let q = q.into_inner();
    Ok(web::Json(
        state.db.run(move |c| sharing::list(c, &v, &q)).await?,
    ))
}

#[utoipa::path(tag = "enterprise", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/enterprise/shares/{id}")]
pub async fn delete_share(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let v = Viewer::from(&user);
    state.db.run(move |c| sharing::unshare(c, &v, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "enterprise", request_body = AssociateInput, responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[put("/enterprise/associate")]
pub async fn associate(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<AssociateInput>,
) -> ApiResult<web::Json<serde_json::Value>> {
    let v = Viewer::from(&user);
    let out = state
        .db
        .run(move |c| -> ApiResult<_> {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let out = sharing::associate(&tx, &v, &body)?;
            tx.commit()?;
            Ok(out)
        })
        .await?;
    state.jobs.notify();
    Ok(web::Json(out))
}

#[utoipa::path(tag = "enterprise", request_body = LegacySubtask, responses((status = 201, body = Task), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/enterprise/projects/{id}/subtasks")]
pub async fn legacy_subtask(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
    body: web::Json<LegacySubtask>,
) -> ApiResult<HttpResponse> {
    let v = Viewer::from(&user);
    let b = body.into_inner();
    let dto = CreateTask {
        title: b.title,
        description: b.description,
        project_id: Some(id.into_inner()),
        parent_task_id: b.parent_task_id,
        assignee_id: b.assignee_id,
        priority: b.priority,
        due_date: b.due_date,
        estimated_minutes: b.estimated_minutes,
        ..Default::default()
    };
    let t = state
        .db
        .run(move |c| tasks::create_task(c, &v, dto))
        .await?;
    state.jobs.notify();
    Ok(HttpResponse::Created().json(t))
}
