//! Thin handlers of /auth.
use super::login as flow;
use super::supabase;
use super::types::*;
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use crate::users::store;
use actix_web::{HttpRequest, get, post, put, web};

#[utoipa::path(tag = "auth", request_body = LoginRequest, security(()),
    responses((status = 200, body = TokenResponse), (status = 401, body = ErrorBody, description = "bad credentials, or `mfa_required`"),
              (status = 429, body = ErrorBody, description = "5 attempts per minute per IP")))]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let ip = crate::auth::client_ip(&req, state.cfg.trust_proxy);
    Ok(web::Json(flow::login(&state, ip, body.into_inner()).await?))
}

#[utoipa::path(tag = "auth", responses((status = 200, body = UserResponse), (status = 401, body = ErrorBody)))]
#[get("/auth/me")]
pub async fn me(user: AuthUser) -> web::Json<UserResponse> {
    web::Json(UserResponse::from(&*user))
}

#[utoipa::path(tag = "auth", security(()), responses((status = 200, body = AuthStatus)))]
#[get("/auth/status")]
pub async fn status() -> web::Json<AuthStatus> {
    web::Json(AuthStatus { auth_enabled: true })
}

#[utoipa::path(tag = "auth", request_body = ChangePasswordRequest,
    responses((status = 200, body = TokenResponse, description = "a fresh token; earlier tokens stop working"),
              (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[put("/auth/change-password")]
pub async fn change_password(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<ChangePasswordRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let body = body.into_inner();
    state.limiters.mfa.check(&user.id)?;
    if !flow::verify_password(&state, user.password_hash.clone(), body.current_password).await? {
        return Err(ApiError::bad_request("current password is incorrect"));
    }
    crate::auth::password::check_policy(&body.new_password, &user.email)
        .map_err(ApiError::Unprocessable)?;
    let hash = flow::hash_password(&state, body.new_password).await?;
    let id = user.id.clone();
    let updated = state
        .db
        .run(move |c| -> rusqlite::Result<_> {
            let tx = c.transaction()?;
            store::set_password(&tx, &id, &hash)?;
            crate::events::emit(
                &tx,
                "user.password_changed",
                Some(&id),
                serde_json::json!({ "user_id": id }),
            )?;
            let user = store::get(&tx, &id)?;
            tx.commit()?;
            Ok(user)
        })
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    state.sessions.forget(&updated.id);
    state.jobs.notify();
    Ok(web::Json(flow::token_response(&state, &updated)?))
}

#[utoipa::path(tag = "auth", security(()), responses((status = 200, body = SupabaseConfig)))]
#[get("/auth/supabase-config")]
pub async fn supabase_config(state: web::Data<AppState>) -> ApiResult<web::Json<SupabaseConfig>> {
    let cfg = supabase::load_settings(&state).await?;
    Ok(web::Json(SupabaseConfig {
        url: cfg.url,
        anon_key: cfg.anon_key,
    }))
}

#[utoipa::path(tag = "auth", security(()), request_body = SupabaseExchangeRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = ErrorBody), (status = 400, body = ErrorBody, description = "Supabase is not configured")))]
#[post("/auth/supabase-exchange")]
pub async fn supabase_exchange(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<SupabaseExchangeRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let ip = crate::auth::client_ip(&req, state.cfg.trust_proxy);
    state.limiters.login.check(&ip)?;
    let user = supabase::exchange(&state, body.into_inner().access_token).await?;
    Ok(web::Json(flow::token_response(&state, &user)?))
}
