//! Thin handlers of /skills.
use super::types::*;
use crate::access::Viewer;
use crate::domain::skills::{self as domain, types::*};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};

fn found<T>(x: Option<T>, what: &'static str) -> ApiResult<web::Json<T>> {
    x.map(web::Json).ok_or(ApiError::NotFound(what))
}

#[utoipa::path(tag = "skills", params(SkillQuery, Page), responses((status = 200, body = Paged<Skill>), (status = 422, body = ErrorBody)))]
#[get("/skills/")]
pub async fn list_skills(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<SkillQuery>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Skill>>> {
    Ok(web::Json(
        domain::list(
            &state.db,
            viewer,
            q.into_inner().skill_type,
            page.into_inner(),
        )
        .await?,
    ))
}

#[utoipa::path(tag = "skills", request_body = SkillInput, responses((status = 201, body = Skill), (status = 422, body = ErrorBody)))]
#[post("/skills/")]
pub async fn create_skill(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<SkillInput>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(domain::create(&state.db, viewer, body.into_inner()).await?))
}

#[utoipa::path(tag = "skills", request_body = GenerateSkillRequest,
    responses((status = 201, body = Skill), (status = 409, body = ErrorBody, description = "the provider is not configured (or has no model installed)"),
        (status = 422, body = ErrorBody), (status = 502, body = ErrorBody, description = "the model's answer did not fit")))]
#[post("/skills/generate")]
pub async fn generate_skill(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<GenerateSkillRequest>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(domain::generate(&state, viewer, body.into_inner().description).await?))
}

#[utoipa::path(tag = "skills", responses((status = 200, body = ActiveInstructions)))]
#[get("/skills/active-instructions")]
pub async fn active_instructions(
    state: web::Data<AppState>,
    viewer: Viewer,
) -> ApiResult<web::Json<ActiveInstructions>> {
    Ok(web::Json(
        domain::active_instructions(&state.db, viewer).await?,
    ))
}

#[utoipa::path(tag = "skills", params(Page), responses((status = 200, body = Paged<Folder>), (status = 422, body = ErrorBody)))]
#[get("/skills/folders")]
pub async fn list_folders(
    state: web::Data<AppState>,
    viewer: Viewer,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Folder>>> {
    Ok(web::Json(
        domain::folders(&state.db, viewer, page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "skills", request_body = FolderInput, responses((status = 201, body = Folder), (status = 422, body = ErrorBody)))]
#[post("/skills/folders")]
pub async fn create_folder(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<FolderInput>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(domain::create_folder(&state.db, viewer, body.into_inner()).await?))
}

#[utoipa::path(tag = "skills", request_body = FolderInput,
    responses((status = 200, body = Folder), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/skills/folders/{id}")]
pub async fn update_folder(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<FolderInput>,
) -> ApiResult<web::Json<Folder>> {
    found(
        domain::update_folder(&state.db, viewer, id.into_inner(), body.into_inner()).await?,
        "folder",
    )
}

#[utoipa::path(tag = "skills", responses((status = 204), (status = 404, body = ErrorBody)))]
#[delete("/skills/folders/{id}")]
pub async fn delete_folder(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    domain::delete_folder(&state.db, viewer, id.into_inner())
        .await?
        .ok_or(ApiError::NotFound("folder"))?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "skills", responses((status = 200, body = Skill), (status = 404, body = ErrorBody)))]
#[get("/skills/{id}")]
pub async fn get_skill(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<Skill>> {
    found(
        domain::get(&state.db, viewer, id.into_inner()).await?,
        "skill",
    )
}

#[utoipa::path(tag = "skills", request_body = SkillInput,
    responses((status = 200, body = Skill), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/skills/{id}")]
pub async fn update_skill(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<SkillInput>,
) -> ApiResult<web::Json<Skill>> {
    found(
        domain::update(&state.db, viewer, id.into_inner(), body.into_inner()).await?,
        "skill",
    )
}

#[utoipa::path(tag = "skills", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/skills/{id}")]
pub async fn delete_skill(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    domain::delete(&state.db, viewer, id.into_inner())
        .await?
        .ok_or(ApiError::NotFound("skill"))?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "skills", request_body(content = Option<ToggleRequest>, description = "no body flips the skill"),
    responses((status = 200, body = Skill), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[put("/skills/{id}/toggle")]
pub async fn toggle_skill(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: crate::api::optional_json::OptionalJson<ToggleRequest>,
) -> ApiResult<web::Json<Skill>> {
    let active = body.into_inner().and_then(|b| b.active);
    found(
        domain::toggle(&state.db, viewer, id.into_inner(), active).await?,
        "skill",
    )
}

#[utoipa::path(tag = "skills", request_body = MoveRequest,
    responses((status = 200, body = Skill), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody, description = "folder not found")))]
#[put("/skills/{id}/move")]
pub async fn move_skill(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<MoveRequest>,
) -> ApiResult<web::Json<Skill>> {
    found(
        domain::move_to(
            &state.db,
            viewer,
            id.into_inner(),
            body.into_inner().folder_id,
        )
        .await?,
        "skill",
    )
}
