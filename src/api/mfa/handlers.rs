//! Thin handlers of /mfa.
use super::store;
use super::types::*;
use crate::api::auth::login::verify_password;
use crate::auth::{AuthUser, totp};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{get, post, web};

#[utoipa::path(tag = "mfa", responses((status = 200, body = MfaStatus)))]
#[get("/mfa/status")]
pub async fn status(state: web::Data<AppState>, user: AuthUser) -> ApiResult<web::Json<MfaStatus>> {
    let id = user.id.clone();
    let remaining = state
        .db
        .run(move |c| store::backup_codes_remaining(c, &id))
        .await?;
    Ok(web::Json(MfaStatus {
        enabled: user.mfa_enabled,
        backup_codes_remaining: remaining,
    }))
}

#[utoipa::path(tag = "mfa", responses((status = 200, body = EnrollResponse), (status = 409, body = ErrorBody, description = "already enabled")))]
#[post("/mfa/enroll")]
pub async fn enroll(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<EnrollResponse>> {
    if user.mfa_enabled {
        return Err(ApiError::conflict(
            "two-factor authentication is already enabled; disable it first",
        ));
    }
    let secret = totp::new_secret();
    let secret_b32 = totp::secret_base32(&secret);
    let otpauth_url = totp::otpauth_url(&secret, &user.email)?;
    let qr_svg = totp::qr_svg(&otpauth_url)?;
    let backup_codes = totp::new_backup_codes();
    let hashes: Vec<String> = backup_codes
        .iter()
        .map(|c| totp::hash_backup_code(c))
        .collect();
    let sealed = state.secrets.seal(&secret_b32);
    let id = user.id.clone();
    state
        .db
        .run(move |c| -> rusqlite::Result<()> {
            let tx = c.transaction()?;
            store::begin_enrollment(&tx, &id, &sealed, &hashes)?;
            tx.commit()
        })
        .await?;
    Ok(web::Json(EnrollResponse {
        secret: secret_b32,
        otpauth_url,
        qr_svg,
        backup_codes,
    }))
}

#[utoipa::path(tag = "mfa", request_body = VerifyRequest,
    responses((status = 200, body = MfaStatus), (status = 400, body = ErrorBody, description = "wrong code or no enrollment in progress")))]
#[post("/mfa/verify-enrollment")]
pub async fn verify_enrollment(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<VerifyRequest>,
) -> ApiResult<web::Json<MfaStatus>> {
    state.limiters.mfa.check(&user.id)?;
    let id = user.id.clone();
    let sealed = state
        .db
        .run(move |c| store::pending_secret(c, &id))
        .await?
        .ok_or_else(|| {
            ApiError::bad_request("no enrollment in progress; call /mfa/enroll first")
        })?;
    let secret = totp::secret_from_base32(&state.secrets.open(&sealed)?)?;
    let step = totp::verify(
        &secret,
        &body.code,
        user.mfa_last_step,
        crate::time::now_secs() as u64,
    )
    .ok_or_else(|| {
        ApiError::bad_request(
            "invalid code; check the authenticator's clock and try the current code",
        )
    })?;
    let id = user.id.clone();
    let remaining = state
        .db
        .run(move |c| -> rusqlite::Result<i64> {
            let tx = c.transaction()?;
            store::enable(&tx, &id, step)?;
            crate::events::emit(
                &tx,
                "user.mfa_enabled",
                Some(&id),
                serde_json::json!({ "user_id": id }),
            )?;
            let n = store::backup_codes_remaining(&tx, &id)?;
            tx.commit()?;
            Ok(n)
        })
        .await?;
    state.sessions.forget(&user.id);
    state.jobs.notify();
    Ok(web::Json(MfaStatus {
        enabled: true,
        backup_codes_remaining: remaining,
    }))
}

#[utoipa::path(tag = "mfa", request_body = DisableRequest,
    responses((status = 200, body = MfaStatus), (status = 400, body = ErrorBody), (status = 429, body = ErrorBody)))]
#[post("/mfa/disable")]
pub async fn disable(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<DisableRequest>,
) -> ApiResult<web::Json<MfaStatus>> {
    state.limiters.mfa.check(&user.id)?;
    if !user.mfa_enabled {
        return Err(ApiError::bad_request(
            "two-factor authentication is not enabled",
        ));
    }
    let body = body.into_inner();
    let password_ok = verify_password(&state, user.password_hash.clone(), body.password).await?;
    let code_ok = password_ok && super::verify_second_factor(&state, &user, &body.code).await?;
    if !code_ok {
        return Err(ApiError::bad_request("invalid password or code"));
    }
    let id = user.id.clone();
    state
        .db
        .run(move |c| -> rusqlite::Result<()> {
            let tx = c.transaction()?;
            store::disable(&tx, &id)?;
            crate::events::emit(
                &tx,
                "user.mfa_disabled",
                Some(&id),
                serde_json::json!({ "user_id": id }),
            )?;
            tx.commit()
        })
        .await?;
    state.sessions.forget(&user.id);
    state.jobs.notify();
    Ok(web::Json(MfaStatus {
        enabled: false,
        backup_codes_remaining: 0,
    }))
}
