//! Thin handlers of /enterprise clients, projects and groups. Writes to the tenancy structure are
//! admin-only; reads follow access.rs.
use super::orgs;
use super::types::*;
use crate::access::Viewer;
use crate::auth::{AdminUser, AuthUser};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};

fn admin_viewer(a: &AdminUser) -> Viewer {
    Viewer {
        user_id: a.id.clone(),
        admin: true,
    }
}

#[utoipa::path(tag = "enterprise", responses((status = 200, body = Vec<Client>)))]
#[get("/enterprise/clients")]
pub async fn list_clients(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<Vec<Client>>> {
    let v = Viewer::from(&user);
    Ok(web::Json(
        state.db.run(move |c| orgs::list_clients(c, &v)).await?,
    ))
}

#[utoipa::path(tag = "enterprise", request_body = ClientInput, responses((status = 201, body = Client), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/enterprise/clients")]
pub async fn create_client(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: web::Json<ClientInput>,
) -> ApiResult<HttpResponse> {
    let v = admin_viewer(&admin);
    let client = state
        .db
        .run(move |c| -> ApiResult<_> {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let id = orgs::save_client(&tx, None, &v.user_id, &body)?;
            crate::events::emit(
                &tx,
                "client.created",
                Some(&v.user_id),
                serde_json::json!({ "client_id": id, "name": body.name }),
            )?;
            tx.commit()?;
            Ok(orgs::get_client(c, &v, &id)?.expect("just created"))
        })
        .await?;
    state.jobs.notify();
    Ok(HttpResponse::Created().json(client))
}

#[utoipa::path(tag = "enterprise", responses((status = 200, body = Client), (status = 404, body = ErrorBody)))]
#[get("/enterprise/clients/{id}")]
pub async fn get_client(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Client>> {
    let v = Viewer::from(&user);
    state
        .db
        .run(move |c| orgs::get_client(c, &v, &id))
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("client"))
}

#[utoipa::path(tag = "enterprise", request_body = ClientInput, responses((status = 200, body = Client), (status = 404, body = ErrorBody)))]
#[put("/enterprise/clients/{id}")]
pub async fn update_client(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<String>,
    body: web::Json<ClientInput>,
) -> ApiResult<web::Json<Client>> {
    let v = admin_viewer(&admin);
    let client = state
        .db
        .run(move |c| -> ApiResult<_> {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            orgs::get_client(&tx, &v, &id)?.ok_or(ApiError::NotFound("client"))?;
            orgs::save_client(&tx, Some(&id), &v.user_id, &body)?;
            tx.commit()?;
            Ok(orgs::get_client(c, &v, &id)?.expect("exists"))
        })
        .await?;
    Ok(web::Json(client))
}

#[utoipa::path(tag = "enterprise", responses((status = 204), (status = 404, body = ErrorBody)))]
#[delete("/enterprise/clients/{id}")]
pub async fn delete_client(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let found = state
        .db
        .run(move |c| -> ApiResult<_> {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let found = orgs::delete_client(&tx, &id)?;
            tx.commit()?;
            Ok(found)
        })
        .await?;
    if !found {
        return Err(ApiError::NotFound("client"));
    }
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "enterprise", request_body = ProjectInput, responses((status = 201, body = Project), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/enterprise/clients/{client_id}/projects")]
pub async fn create_project(
    state: web::Data<AppState>,
    admin: AdminUser,
    client_id: web::Path<String>,
    body: web::Json<ProjectInput>,
) -> ApiResult<HttpResponse> {
    let v = admin_viewer(&admin);
    let p = state
        .db
        .run(move |c| -> ApiResult<_> {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            orgs::get_client(&tx, &v, &client_id)?.ok_or(ApiError::NotFound("client"))?;
            let id = orgs::save_project(&tx, None, &client_id, &v.user_id, &body)?;
            crate::events::emit(
                &tx,
                "project.created",
                Some(&v.user_id),
                serde_json::json!({ "project_id": id, "client_id": *client_id, "name": body.name }),
            )?;
            tx.commit()?;
            Ok(orgs::get_project(c, &v, &id)?.expect("just created"))
        })
        .await?;
    state.jobs.notify();
    Ok(HttpResponse::Created().json(p))
}

#[utoipa::path(tag = "enterprise", params(ProjectQuery), responses((status = 200, body = Vec<Project>)))]
#[get("/enterprise/projects")]
pub async fn list_projects(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<ProjectQuery>,
) -> ApiResult<web::Json<Vec<Project>>> {
    let v = Viewer::from(&user);
    let q = q.into_inner();
    Ok(web::Json(
        state
            .db
            .run(move |c| orgs::list_projects(c, &v, &q))
            .await?,
    ))
}

#[utoipa::path(tag = "enterprise", responses((status = 200, body = Vec<Project>), (status = 404, body = ErrorBody)))]
#[get("/enterprise/clients/{client_id}/projects")]
pub async fn client_projects(
    state: web::Data<AppState>,
    user: AuthUser,
    client_id: web::Path<String>,
) -> ApiResult<web::Json<Vec<Project>>> {
    let v = Viewer::from(&user);
    let list = state
        .db
        .run(move |c| -> ApiResult<_> {
            orgs::get_client(c, &v, &client_id)?.ok_or(ApiError::NotFound("client"))?;
            let q = ProjectQuery {
                client_id: Some(client_id.into_inner()),
                group_id: None,
                status: None,
                q: None,
            };
            Ok(orgs::list_projects(c, &v, &q)?)
        })
        .await?;
    Ok(web::Json(list))
}

#[utoipa::path(tag = "enterprise", responses((status = 200, body = Project), (status = 404, body = ErrorBody)))]
#[get("/enterprise/projects/{id}")]
pub async fn get_project(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Project>> {
    let v = Viewer::from(&user);
    state
        .db
        .run(move |c| orgs::get_project(c, &v, &id))
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("project"))
}

#[utoipa::path(tag = "enterprise", request_body = ProjectInput, responses((status = 200, body = Project), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/enterprise/projects/{id}")]
pub async fn update_project(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<String>,
    body: web::Json<ProjectInput>,
) -> ApiResult<web::Json<Project>> {
    let v = admin_viewer(&admin);
    let p = state
        .db
        .run(move |c| -> ApiResult<_> {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let p = orgs::get_project(&tx, &v, &id)?.ok_or(ApiError::NotFound("project"))?;
            orgs::save_project(&tx, Some(&id), &p.client_id, &v.user_id, &body)?;
            tx.commit()?;
            Ok(orgs::get_project(c, &v, &id)?.expect("exists"))
        })
        .await?;
    Ok(web::Json(p))
}

#[utoipa::path(tag = "enterprise", responses((status = 204), (status = 404, body = ErrorBody)))]
#[delete("/enterprise/projects/{id}")]
pub async fn delete_project(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let found = state
        .db
        .run(move |c| -> ApiResult<_> {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let f = orgs::delete_project(&tx, &id)?;
            tx.commit()?;
            Ok(f)
        })
        .await?;
    if !found {
        return Err(ApiError::NotFound("project"));
    }
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "enterprise", request_body = GroupInput, responses((status = 201, body = Group), (status = 404, body = ErrorBody)))]
#[post("/enterprise/clients/{client_id}/groups")]
pub async fn create_group(
    state: web::Data<AppState>,
    admin: AdminUser,
    client_id: web::Path<String>,
    body: web::Json<GroupInput>,
) -> ApiResult<HttpResponse> {
    let v = admin_viewer(&admin);
    orgs::check_name(body.name.as_deref(), true)?;
    let g = state
        .db
        .run(move |c| -> ApiResult<_> {
            orgs::get_client(c, &v, &client_id)?.ok_or(ApiError::NotFound("client"))?;
            let id = orgs::insert_group(
                c,
                &client_id,
                body.name.as_deref().unwrap_or("").trim(),
                body.description.as_deref().unwrap_or(""),
            )?;
            Ok(orgs::get_group(c, &id)?.expect("just created"))
        })
        .await?;
    Ok(HttpResponse::Created().json(g))
}

#[utoipa::path(tag = "enterprise", responses((status = 200, body = Vec<Group>), (status = 404, body = ErrorBody)))]
#[get("/enterprise/clients/{client_id}/groups")]
pub async fn list_groups(
    state: web::Data<AppState>,
    user: AuthUser,
    client_id: web::Path<String>,
) -> ApiResult<web::Json<Vec<Group>>> {
    let v = Viewer::from(&user);
    let list = state
        .db
        .run(move |c| -> ApiResult<_> {
            orgs::get_client(c, &v, &client_id)?.ok_or(ApiError::NotFound("client"))?;
            Ok(orgs::list_groups(c, &client_id)?)
        })
        .await?;
    Ok(web::Json(list))
}

#[utoipa::path(tag = "enterprise", request_body = GroupInput, responses((status = 200, body = Group), (status = 404, body = ErrorBody)))]
#[put("/enterprise/groups/{id}")]
pub async fn update_group(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
    body: web::Json<GroupInput>,
) -> ApiResult<web::Json<Group>> {
    orgs::check_name(body.name.as_deref(), false)?;
    let g = state
        .db
        .run(move |c| -> ApiResult<_> {
            orgs::get_group(c, &id)?.ok_or(ApiError::NotFound("group"))?;
            orgs::update_group(
                c,
                &id,
                body.name.as_deref().map(str::trim),
                body.description.as_deref(),
            )?;
            Ok(orgs::get_group(c, &id)?.expect("exists"))
        })
        .await?;
    Ok(web::Json(g))
}

#[utoipa::path(tag = "enterprise", responses((status = 204), (status = 404, body = ErrorBody)))]
#[delete("/enterprise/groups/{id}")]
pub async fn delete_group(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    if !state.db.run(move |c| orgs::delete_group(c, &id)).await? {
        return Err(ApiError::NotFound("group"));
    }
    Ok(HttpResponse::NoContent().finish())
}
