//! The login flow: IP limiter → account lock → password (argon2, off the executor, bounded) →
//! second factor → token. Failures never say which part was wrong.
use super::types::{LoginRequest, TokenResponse};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::users::store;
use std::net::IpAddr;

fn bad_credentials() -> ApiError {
    ApiError::unauthorized("invalid email or password")
}

fn busy() -> ApiError {
    ApiError::Unavailable("sign-in is busy; retry in a moment".into())
}

/// Verify a password on the hashing pool (bounded threads and memory).
pub async fn verify_password(
    state: &AppState,
    hash: Option<String>,
    password: String,
) -> ApiResult<bool> {
    state
        .hasher
        .run(move || match hash {
            Some(h) => crate::auth::password::verify(&h, &password),
            None => {
                crate::auth::password::verify_dummy(&password);
                false
            }
        })
        .await
        .ok_or_else(busy)
}

pub async fn hash_password(state: &AppState, password: String) -> ApiResult<String> {
    state
        .hasher
        .run(move || crate::auth::password::hash(&password))
        .await
        .ok_or_else(busy)?
        .map_err(ApiError::Internal)
}

pub fn token_response(state: &AppState, user: &store::UserRow) -> ApiResult<TokenResponse> {
    Ok(TokenResponse {
        access_token: state.jwt.issue(&user.id, user.token_version)?,
        token_type: "bearer".into(),
        expires_in: state.jwt.ttl_secs,
        user: super::types::UserResponse::from(user),
    })
}

pub async fn login(state: &AppState, ip: IpAddr, req: LoginRequest) -> ApiResult<TokenResponse> {
    state.limiters.login.check(&ip)?;
    if req.email.len() > 254 || req.password.len() > crate::auth::password::MAX_LEN {
        return Err(bad_credentials());
    }
    let email = req.email.trim().to_lowercase();
    let user = state
        .db
        .run(move |c| store::get_by_email(c, &email))
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
    let password_ok = verify_password(state, hash, req.password).await?;
    let Some(user) = user else {
        return Err(bad_credentials());
    };
    if !password_ok || !user.active {
        let id = user.id.clone();
        state
            .db
            .run(move |c| store::record_failure(c, &id, crate::time::now_secs()))
            .await?;
        return Err(bad_credentials());
    }
    if user.mfa_enabled {
        let Some(code) = req.totp_code.filter(|c| !c.trim().is_empty()) else {
            let id = user.id.clone();
            state.db.run(move |c| store::clear_failures(c, &id)).await?;
            return Err(ApiError::unauthorized("mfa_required"));
        };
        if !crate::api::mfa::verify_second_factor(state, &user, &code).await? {
            let id = user.id.clone();
            state
                .db
                .run(move |c| store::record_failure(c, &id, crate::time::now_secs()))
                .await?;
            return Err(ApiError::unauthorized("invalid authentication code"));
        }
    }
    let id = user.id.clone();
    state.db.run(move |c| store::record_success(c, &id)).await?;
    let user = store::UserRow {
        last_login_at: Some(crate::time::now_rfc3339()),
        ..user
    };
    token_response(state, &user)
}
