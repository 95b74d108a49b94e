//! Thin handlers of /mfa.
use super::types::*;
use crate::auth::{AuthUser, mfa};
use crate::error::{ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{get, post, web};

#[utoipa::path(tag = "mfa", responses((status = 200, body = MfaStatus)))]
#[get("/mfa/status")]
pub async fn status(state: web::Data<AppState>, user: AuthUser) -> ApiResult<web::Json<MfaStatus>> {
    let remaining = mfa::backup_codes_remaining(&state, &user.id).await?;
    Ok(web::Json(MfaStatus {
        enabled: user.mfa_enabled,
        backup_codes_remaining: remaining,
        access_token: None,
    }))
}

#[utoipa::path(tag = "mfa", responses((status = 200, body = EnrollResponse), (status = 409, body = ErrorBody, description = "already enabled")))]
#[post("/mfa/enroll")]
pub async fn enroll(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<EnrollResponse>> {
    let e = mfa::enroll(&state, &user).await?;
    Ok(web::Json(EnrollResponse {
        secret: e.secret,
        otpauth_url: e.otpauth_url,
        qr_svg: e.qr_svg,
        backup_codes: e.backup_codes,
    }))
}

#[utoipa::path(tag = "mfa", request_body = VerifyRequest,
    responses((status = 200, body = MfaStatus, description = "MFA is on; other sessions ended (`access_token` continues this one)"), (status = 403, body = ErrorBody, description = "the code is wrong"), (status = 409, body = ErrorBody, description = "no enrollment in progress, or it was restarted meanwhile"),
              (status = 429, body = ErrorBody)))]
#[post("/mfa/verify-enrollment")]
pub async fn verify_enrollment(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<VerifyRequest>,
) -> ApiResult<web::Json<MfaStatus>> {
    let (remaining, version) = mfa::confirm_enrollment(&state, &user, &body.code).await?;
    Ok(web::Json(MfaStatus {
        enabled: true,
        backup_codes_remaining: remaining,
        access_token: Some(state.jwt.issue(&user.id, version)?),
    }))
}

#[utoipa::path(tag = "mfa", request_body = DisableRequest,
    responses((status = 200, body = MfaStatus, description = "MFA is off; other sessions ended (`access_token` continues this one)"), (status = 400, body = ErrorBody), (status = 429, body = ErrorBody)))]
#[post("/mfa/disable")]
pub async fn disable(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<DisableRequest>,
) -> ApiResult<web::Json<MfaStatus>> {
    let body = body.into_inner();
    let version = mfa::disable(&state, &user, body.password, &body.code).await?;
    Ok(web::Json(MfaStatus {
        enabled: false,
        backup_codes_remaining: 0,
        access_token: Some(state.jwt.issue(&user.id, version)?),
    }))
}
