//! Thin admin handlers of the provider and integration checks.
use super::types::*;
use crate::auth::{AdminUser, AuthUser};
use crate::domain::ai_settings as checks;
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{get, post, web};

#[utoipa::path(tag = "settings", request_body = TestProviderRequest,
    responses((status = 200, body = TestResult), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/settings/test-provider")]
pub async fn test_provider(
    state: web::Data<AppState>,
    _admin: AdminUser,
    body: web::Json<TestProviderRequest>,
) -> ApiResult<web::Json<TestResult>> {
    Ok(web::Json(
        checks::test_provider(state.into_inner(), body.into_inner().provider).await?,
    ))
}

/// Models per provider, live where the provider lists them. Ollama is listed when it answers.
#[utoipa::path(tag = "settings", responses((status = 200, body = AvailableModels)))]
#[get("/settings/available-models")]
pub async fn available_models(
    state: web::Data<AppState>,
    _user: AuthUser,
) -> ApiResult<web::Json<AvailableModels>> {
    Ok(web::Json(
        checks::available_models(state.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "settings", request_body = TestGithubRequest, responses((status = 200, body = TestResult), (status = 403, body = ErrorBody)))]
#[post("/settings/test-github")]
pub async fn test_github(
    state: web::Data<AppState>,
    _admin: AdminUser,
    body: web::Json<TestGithubRequest>,
) -> ApiResult<web::Json<TestResult>> {
    Ok(web::Json(
        checks::test_github(state.into_inner(), body.into_inner().token).await?,
    ))
}

#[utoipa::path(tag = "settings", responses((status = 200, body = ClaudeCodeStatus), (status = 403, body = ErrorBody)))]
#[get("/settings/claude-code/auth-status")]
pub async fn claude_code_status(
    state: web::Data<AppState>,
    _admin: AdminUser,
) -> ApiResult<web::Json<ClaudeCodeStatus>> {
    Ok(web::Json(checks::claude_code_status(&state).await?))
}

#[utoipa::path(tag = "settings", request_body = SaveTokenRequest, responses((status = 200, body = TestResult), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[post("/settings/claude-code/save-token")]
pub async fn claude_code_save_token(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: web::Json<SaveTokenRequest>,
) -> ApiResult<web::Json<TestResult>> {
    Ok(web::Json(
        checks::save_claude_token(&state, &admin.id, &body.token).await?,
    ))
}
