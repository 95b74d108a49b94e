//! Thin handlers of /auth.
use super::types::*;
use crate::auth::{AuthUser, login as flow, supabase};
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use crate::users::UserRow;
use actix_web::{HttpRequest, get, post, put, web};

/// Mint our token for a signed-in user.
fn token_response(state: &AppState, user: &UserRow) -> ApiResult<TokenResponse> {
    Ok(TokenResponse {
        access_token: state.jwt.issue(&user.id, user.token_version)?,
        token_type: "bearer".into(),
        expires_in: state.jwt.ttl_secs,
        user: UserResponse::from(user),
    })
}

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
    let body = body.into_inner();
    let creds = flow::Credentials {
        email: body.email,
        password: body.password,
        totp_code: body.totp_code,
    };
    let user = flow::login(&state, ip, creds).await?;
    Ok(web::Json(token_response(&state, &user)?))
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
              (status = 400, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 429, body = ErrorBody, description = "5 attempts per minute per user")))]
#[put("/auth/change-password")]
pub async fn change_password(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<ChangePasswordRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let body = body.into_inner();
    let updated =
        flow::change_password(&state, &user, body.current_password, body.new_password).await?;
    Ok(web::Json(token_response(&state, &updated)?))
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
    responses((status = 200, body = TokenResponse),
              (status = 409, body = ErrorBody, description = "Supabase is not configured"),
              (status = 401, body = ErrorBody, description = "invalid token, disabled account, `mfa_required` or a wrong code"),
              (status = 403, body = ErrorBody, description = "nobody has this email and sign-up through Supabase is off"),
              (status = 409, body = ErrorBody, description = "the email belongs to an account not linked to this identity: sign in with the password and link Supabase from the Account page"),
              (status = 429, body = ErrorBody, description = "too many attempts from this IP or on this account"),
              (status = 502, body = ErrorBody, description = "the project's JWKS could not be fetched")))]
#[post("/auth/supabase-exchange")]
pub async fn supabase_exchange(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<SupabaseExchangeRequest>,
) -> ApiResult<web::Json<TokenResponse>> {
    let ip = crate::auth::client_ip(&req, state.cfg.trust_proxy);
    state.limiters.login.check(&ip)?;
    let body = body.into_inner();
    let user = supabase::exchange(&state, ip, body.access_token, body.totp_code).await?;
    Ok(web::Json(token_response(&state, &user)?))
}

#[utoipa::path(tag = "auth", request_body = SupabaseLinkRequest,
    responses((status = 200, body = SupabaseLinkResponse),
              (status = 409, body = ErrorBody, description = "Supabase is not configured"),
              (status = 401, body = ErrorBody, description = "not signed in, or an invalid Supabase token"),
              (status = 409, body = ErrorBody, description = "this Supabase identity is linked to another account"),
              (status = 429, body = ErrorBody, description = "5 attempts per minute per user"),
              (status = 502, body = ErrorBody, description = "the project's JWKS could not be fetched")))]
#[post("/auth/supabase-link")]
pub async fn supabase_link(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<SupabaseLinkRequest>,
) -> ApiResult<web::Json<SupabaseLinkResponse>> {
    state.limiters.mfa.check(&user.id)?;
    supabase::link(&state, &user, body.into_inner().access_token).await?;
    Ok(web::Json(SupabaseLinkResponse { linked: true }))
}
