//! Thin handlers of /enterprise users (admin only), teams, the org chart and allocation.
use super::types::*;
use crate::access::Viewer;
use crate::auth::AdminUser;
use crate::domain::enterprise::people;
use crate::error::{ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};

#[utoipa::path(tag = "enterprise", params(Page), responses((status = 200, body = Paged<User>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/enterprise/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    _admin: AdminUser,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<User>>> {
    Ok(web::Json(
        people::list_users(&state.db, page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "enterprise", responses((status = 200, body = User), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[get("/enterprise/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<User>> {
    Ok(web::Json(
        people::get_user(&state.db, id.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "enterprise", request_body = UserInput, responses((status = 201, body = User), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
#[post("/enterprise/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: web::Json<UserInput>,
) -> ApiResult<HttpResponse> {
    let user = people::create_user(&state, admin.id.clone(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(user))
}

#[utoipa::path(tag = "enterprise", request_body = UserInput, responses((status = 200, body = User), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)))]
#[put("/enterprise/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<String>,
    body: web::Json<UserInput>,
) -> ApiResult<web::Json<User>> {
    Ok(web::Json(
        people::update_user(&state, admin.id.clone(), id.into_inner(), body.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "enterprise", responses((status = 204), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/enterprise/users/{id}")]
pub async fn delete_user(
    state: web::Data<AppState>,
    admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    people::delete_user(&state, &admin.id, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "enterprise", params(Page), responses((status = 200, body = Paged<Team>), (status = 422, body = ErrorBody)))]
#[get("/enterprise/teams")]
pub async fn list_teams(
    state: web::Data<AppState>,
    viewer: Viewer,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Team>>> {
    Ok(web::Json(
        people::list_teams(&state.db, viewer, page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "enterprise", responses((status = 200, body = Team), (status = 404, body = ErrorBody)))]
#[get("/enterprise/teams/{id}")]
pub async fn get_team(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<Team>> {
    Ok(web::Json(
        people::get_team(&state.db, viewer, id.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "enterprise", request_body = TeamInput, responses((status = 201, body = Team), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/enterprise/teams")]
pub async fn create_team(
    state: web::Data<AppState>,
    _admin: AdminUser,
    body: web::Json<TeamInput>,
) -> ApiResult<HttpResponse> {
    let t = people::create_team(&state.db, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(t))
}

#[utoipa::path(tag = "enterprise", request_body = TeamInput, responses((status = 200, body = Team), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/enterprise/teams/{id}")]
pub async fn update_team(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
    body: web::Json<TeamInput>,
) -> ApiResult<web::Json<Team>> {
    Ok(web::Json(
        people::update_team(&state.db, id.into_inner(), body.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "enterprise", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/enterprise/teams/{id}")]
pub async fn delete_team(
    state: web::Data<AppState>,
    _admin: AdminUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    people::delete_team(&state.db, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "enterprise", params(Page), responses((status = 200, body = Paged<Allocation>), (status = 422, body = ErrorBody)))]
#[get("/enterprise/allocation")]
pub async fn allocation(
    state: web::Data<AppState>,
    viewer: Viewer,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Allocation>>> {
    Ok(web::Json(
        people::allocation(&state.db, viewer, page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "enterprise", responses((status = 200, body = Vec<OrgNode>)))]
#[get("/enterprise/orgchart")]
pub async fn orgchart(
    state: web::Data<AppState>,
    viewer: Viewer,
) -> ApiResult<web::Json<Vec<OrgNode>>> {
    Ok(web::Json(people::orgchart(&state.db, viewer).await?))
}
