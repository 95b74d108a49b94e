//! The login flow: IP limiter → lockout (per email and IP, see `lockout`) → password (argon2, off
//! the executor, bounded) → second factor → the signed-in user. Failures never say which part was
//! wrong. Also the password change, which ends every earlier session.
use super::password::{hash_password, verify_password};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::users::store::{self, UserRow};
use std::net::IpAddr;

fn bad_credentials() -> ApiError {
    ApiError::unauthorized("invalid email or password")
}

/// What a sign-in form sends.
pub struct Credentials {
    pub email: String,
    pub password: String,
    /// Current authenticator code, or an unused backup code, when MFA is on.
    pub totp_code: Option<String>,
}

/// Check the credentials; the signed-in user, with the login recorded. Unknown and known emails
/// take the same path (a dummy hash for the unknown, the same lockout keyed by the email typed).
pub async fn login(state: &AppState, ip: IpAddr, creds: Credentials) -> ApiResult<UserRow> {
    state.limiters.login.check(&ip)?;
    if creds.email.len() > 254 || creds.password.len() > super::password::MAX_LEN {
        return Err(bad_credentials());
    }
    let email = super::lockout::key(&creds.email);
    state.lockout.check(&email, ip)?;
    let lookup = email.clone();
    let user = state
        .db
        .read(move |c| store::get_by_email(c, &lookup))
        .await?;
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let password_ok = verify_password(state, hash, creds.password).await?;
    let user = match user {
        Some(u) if password_ok && u.active => u,
        _ => {
            state.lockout.fail(&email, ip);
            return Err(bad_credentials());
        }
    };
    second_factor(state, &user, ip, creds.totp_code).await?;
    signed_in(state, user, ip).await
}

/// The second factor of an account with MFA on (a no-op otherwise). No code: `mfa_required`, and
/// the failure count stays as it is; a wrong code counts as a failed sign-in.
pub async fn second_factor(
    state: &AppState,
    user: &UserRow,
    ip: IpAddr,
    code: Option<String>,
) -> ApiResult<()> {
    if !user.mfa_enabled {
        return Ok(());
    }
    let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
        return Err(ApiError::unauthorized("mfa_required"));
    };
    if !super::mfa::verify_second_factor(state, user, &code).await? {
        state.lockout.fail(&user.email, ip);
        return Err(ApiError::unauthorized("invalid authentication code"));
    }
    Ok(())
}

/// Every factor passed: clear the lockout and record the login.
pub async fn signed_in(state: &AppState, user: UserRow, ip: IpAddr) -> ApiResult<UserRow> {
    state.lockout.succeed(&user.email, ip);
    let id = user.id.clone();
    state
        .db
        .write(move |tx| store::record_success(tx, &id))
        .await?;
    Ok(UserRow {
        last_login_at: Some(crate::time::now_rfc3339()),
        ..user
    })
}

/// Replace the caller's password (the current one is required); the updated user, whose token
/// version moved on so earlier tokens stop working.
pub async fn change_password(
    state: &AppState,
    user: &UserRow,
    current: String,
    new: String,
) -> ApiResult<UserRow> {
    state.limiters.mfa.check(&user.id)?;
    if !verify_password(state, user.password_hash.clone(), current).await? {
        return Err(ApiError::bad_request("current password is incorrect"));
    }
    super::password::check_policy(&new, &user.email).map_err(ApiError::Unprocessable)?;
    let hash = hash_password(state, new).await?;
    let id = user.id.clone();
    let updated = state
        .db
        .write(move |tx| -> rusqlite::Result<_> {
            store::set_password(tx, &id, &hash)?;
            crate::events::emit(
                tx,
                "user.password_changed",
                Some(&id),
                serde_json::json!({ "user_id": id }),
            )?;
            store::get(tx, &id)
        })
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    state.sessions.forget(&updated.id);
    Ok(updated)
}
