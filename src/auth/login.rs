//! The login flow: IP limiter → account lock → password (argon2, off the executor, bounded) →
//! second factor → the signed-in user. Failures never say which part was wrong. Also the
//! password change, which ends every earlier session.
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

async fn record_failure(state: &AppState, user_id: &str) -> ApiResult<()> {
    let id = user_id.to_string();
    state
        .db
        .write(move |tx| store::record_failure(tx, &id, crate::time::now_secs()))
        .await?;
    Ok(())
}

/// Check the credentials; the signed-in user, with the login recorded.
pub async fn login(state: &AppState, ip: IpAddr, creds: Credentials) -> ApiResult<UserRow> {
    state.limiters.login.check(&ip)?;
    if creds.email.len() > 254 || creds.password.len() > super::password::MAX_LEN {
        return Err(bad_credentials());
    }
    let email = creds.email.trim().to_lowercase();
    let user = state
        .db
        .read(move |c| store::get_by_email(c, &email))
        .await?;

    let now = crate::time::now_secs();
    if let Some(until) = user
        .as_ref()
        .and_then(|u| u.locked_until)
        .filter(|until| *until > now)
    {
        return Err(ApiError::too_many(
            "too many failed sign-ins for this account; try again later",
            (until - now) as u64,
        ));
    }
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let password_ok = verify_password(state, hash, creds.password).await?;
    let Some(user) = user else {
        return Err(bad_credentials());
    };
    if !password_ok || !user.active {
        record_failure(state, &user.id).await?;
        return Err(bad_credentials());
    }
    if user.mfa_enabled {
        let Some(code) = creds.totp_code.filter(|c| !c.trim().is_empty()) else {
            let id = user.id.clone();
            state
                .db
                .write(move |tx| store::clear_failures(tx, &id))
                .await?;
            return Err(ApiError::unauthorized("mfa_required"));
        };
        if !super::mfa::verify_second_factor(state, &user, &code).await? {
            record_failure(state, &user.id).await?;
            return Err(ApiError::unauthorized("invalid authentication code"));
        }
    }
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
