//! Thin handlers of /personas.
use super::types::*;
use crate::access::Viewer;
use crate::domain::personas::{self as domain, types::*};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};

#[utoipa::path(tag = "personas", params(Page), responses((status = 200, body = Paged<Persona>), (status = 422, body = ErrorBody)))]
#[get("/personas/")]
pub async fn list_personas(
    state: web::Data<AppState>,
    viewer: Viewer,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Persona>>> {
    Ok(web::Json(
        domain::list(&state.db, viewer, page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "personas", request_body = PersonaInput, responses((status = 201, body = Persona), (status = 422, body = ErrorBody)))]
#[post("/personas/")]
pub async fn create_persona(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<PersonaInput>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created().json(domain::create(&state.db, viewer, body.into_inner()).await?))
}

#[utoipa::path(tag = "personas", request_body = GeneratePersonaRequest,
    responses((status = 201, body = Persona), (status = 409, body = ErrorBody, description = "the provider is not configured (or has no model installed)"),
        (status = 422, body = ErrorBody), (status = 502, body = ErrorBody, description = "the model's answer did not fit")))]
#[post("/personas/generate")]
pub async fn generate_persona(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<GeneratePersonaRequest>,
) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Created()
        .json(domain::generate(&state, viewer, body.into_inner().description).await?))
}

#[utoipa::path(tag = "personas", responses((status = 200, body = Persona), (status = 404, body = ErrorBody)))]
#[get("/personas/{id}")]
pub async fn get_persona(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<Persona>> {
    domain::get(&state.db, viewer, id.into_inner())
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("persona"))
}

#[utoipa::path(tag = "personas", request_body = PersonaInput,
    responses((status = 200, body = Persona), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/personas/{id}")]
pub async fn update_persona(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<PersonaInput>,
) -> ApiResult<web::Json<Persona>> {
    domain::update(&state.db, viewer, id.into_inner(), body.into_inner())
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("persona"))
}

#[utoipa::path(tag = "personas", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/personas/{id}")]
pub async fn delete_persona(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    if !domain::delete(&state.db, viewer, id.into_inner()).await? {
        return Err(ApiError::NotFound("persona"));
    }
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "personas", request_body = SimulateRequest,
    responses((status = 200, body = Simulation), (status = 409, body = ErrorBody, description = "the chosen provider or the embedding provider is not usable as configured (no key, or no model installed)"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 502, body = ErrorBody, description = "the model's answer did not fit")))]
#[post("/personas/{id}/simulate")]
pub async fn simulate_persona(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<SimulateRequest>,
) -> ApiResult<web::Json<Simulation>> {
    let b = body.into_inner();
    domain::simulate(&state, viewer, id.into_inner(), b.content, b.content_id)
        .await?
        .map(web::Json)
        .ok_or(ApiError::NotFound("persona"))
}
