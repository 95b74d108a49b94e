//! Thin handlers of /enterprise clients, projects and groups. Writes to the tenancy structure are
//! admin-only; reads follow the access rule.
use super::types::*;
use crate::access::Viewer;
use crate::auth::AdminUser;
use crate::domain::enterprise::orgs;
use crate::error::{ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};

fn admin_viewer(a: &AdminUser) -> Viewer {
    Viewer {
        user_id: a.id.clone(),
        admin: true,
    }
}

#[utoipa::path(tag = "enterprise", params(Page), responses((status = 200, body = Paged<Client>), (status = 422, body = ErrorBody)))]
#[get("/enterprise/clients")]
pub async fn list_clients(
    state: web::Data<AppState>,
    viewer: Viewer,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Client>>> {
    Ok(web::Json(
        orgs::list_clients(&state.db, viewer, page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "enterprise", request_body = ClientInput, responses((status = 201, body = Client), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/enterprise/clients")]
pub async fn create_client(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: web::Json<ClientInput>,
) -> ApiResult<HttpResponse> {
    let client = orgs::create_client(&state.db, admin_viewer(&admin), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(client))
}

#[utoipa::path(tag = "enterprise", responses((status = 200, body = Client), (status = 404, body = ErrorBody)))]
#[get("/enterprise/clients/{id}")]
pub async fn get_client(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<Client>> {
    Ok(web::Json(
        orgs::get_client(&state.db, viewer, id.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "enterprise", request_body = ClientInput, responses((status = 200, body = Client), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/enterprise/clients/{id}")]
pub async fn update_client(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<String>,
    body: web::Json<ClientInput>,
) -> ApiResult<web::Json<Client>> {
    let v = admin_viewer(&admin);
    Ok(web::Json(
        orgs::update_client(&state.db, v, id.into_inner(), body.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "enterprise", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/enterprise/clients/{id}")]
pub async fn delete_client(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    orgs::delete_client(&state.db, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "enterprise", request_body = ProjectInput, responses((status = 201, body = Project), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/enterprise/clients/{client_id}/projects")]
pub async fn create_project(
    state: web::Data<AppState>,
    admin: AdminUser,
    client_id: web::Path<String>,
    body: web::Json<ProjectInput>,
) -> ApiResult<HttpResponse> {
    let v = admin_viewer(&admin);
    let p = orgs::create_project(&state.db, v, client_id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(p))
}

#[utoipa::path(tag = "enterprise", params(ProjectQuery, Page), responses((status = 200, body = Paged<Project>), (status = 422, body = ErrorBody)))]
#[get("/enterprise/projects")]
pub async fn list_projects(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<ProjectQuery>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Project>>> {
    Ok(web::Json(
        orgs::list_projects(&state.db, viewer, q.into_inner(), page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "enterprise", params(Page), responses((status = 200, body = Paged<Project>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/enterprise/clients/{client_id}/projects")]
pub async fn client_projects(
    state: web::Data<AppState>,
    viewer: Viewer,
    client_id: web::Path<String>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Project>>> {
    Ok(web::Json(
        orgs::client_projects(&state.db, viewer, client_id.into_inner(), page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "enterprise", responses((status = 200, body = Project), (status = 404, body = ErrorBody)))]
#[get("/enterprise/projects/{id}")]
pub async fn get_project(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<Project>> {
    Ok(web::Json(
        orgs::get_project(&state.db, viewer, id.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "enterprise", request_body = ProjectInput, responses((status = 200, body = Project), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/enterprise/projects/{id}")]
pub async fn update_project(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<String>,
    body: web::Json<ProjectInput>,
) -> ApiResult<web::Json<Project>> {
    let v = admin_viewer(&admin);
    Ok(web::Json(
        orgs::update_project(&state.db, v, id.into_inner(), body.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "enterprise", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/enterprise/projects/{id}")]
pub async fn delete_project(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    orgs::delete_project(&state.db, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "enterprise", request_body = GroupInput, responses((status = 201, body = Group), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/enterprise/clients/{client_id}/groups")]
pub async fn create_group(
    state: web::Data<AppState>,
    admin: AdminUser,
    client_id: web::Path<String>,
    body: web::Json<GroupInput>,
) -> ApiResult<HttpResponse> {
    let v = admin_viewer(&admin);
    let g = orgs::create_group(&state.db, v, client_id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(g))
}

#[utoipa::path(tag = "enterprise", params(Page), responses((status = 200, body = Paged<Group>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/enterprise/clients/{client_id}/groups")]
pub async fn list_groups(
    state: web::Data<AppState>,
    viewer: Viewer,
    client_id: web::Path<String>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Group>>> {
    Ok(web::Json(
        orgs::list_groups(&state.db, viewer, client_id.into_inner(), page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "enterprise", request_body = GroupInput, responses((status = 200, body = Group), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/enterprise/groups/{id}")]
pub async fn update_group(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
    body: web::Json<GroupInput>,
) -> ApiResult<web::Json<Group>> {
    Ok(web::Json(
        orgs::update_group(&state.db, id.into_inner(), body.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "enterprise", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/enterprise/groups/{id}")]
pub async fn delete_group(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    orgs::delete_group(&state.db, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
