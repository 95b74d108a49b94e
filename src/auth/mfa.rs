//! Second factor: TOTP enrollment (pending until a code proves the authenticator works), the
//! check login and disable use (TOTP or a backup code), and turning it off.
use super::mfa_store as store;
use super::totp;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::users::store::UserRow;

/// A fresh enrollment: shown once, stored sealed and pending.
pub struct Enrollment {
    /// Base32 secret for manual entry.
    pub secret: String,
    pub otpauth_url: String,
    /// The otpauth URL as an SVG QR code.
    pub qr_svg: String,
    /// Ten single-use codes, shown only now.
    pub backup_codes: Vec<String>,
}

/// How many unused backup codes the user has left.
pub async fn backup_codes_remaining(state: &AppState, user_id: &str) -> ApiResult<i64> {
    let id = user_id.to_string();
    Ok(state
        .db
        .read(move |c| store::backup_codes_remaining(c, &id))
        .await?)
}

/// Start (or restart) enrollment; refused while MFA is on.
pub async fn enroll(state: &AppState, user: &UserRow) -> ApiResult<Enrollment> {
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
        .write(move |tx| store::begin_enrollment(tx, &id, &sealed, &hashes))
        .await?;
    Ok(Enrollment {
        secret: secret_b32,
        otpauth_url,
        qr_svg,
        backup_codes,
    })
}

/// Finish enrollment with a current code; the number of backup codes now usable and the user's
/// new token version (turning MFA on ends every other session).
pub async fn confirm_enrollment(
    state: &AppState,
    user: &UserRow,
    code: &str,
) -> ApiResult<(i64, i64)> {
    state.limiters.mfa.check(&user.id)?;
    let id = user.id.clone();
    let sealed = state
        .db
        .read(move |c| store::pending_secret(c, &id))
        .await?
        .ok_or_else(|| ApiError::conflict("no enrollment in progress; call /mfa/enroll first"))?;
    let secret = totp::secret_from_base32(&state.secrets.open(&sealed)?)?;
    let step = totp::verify(
        &secret,
        code,
        user.mfa_last_step,
        crate::time::now_secs() as u64,
    )
    .ok_or_else(|| {
        ApiError::forbidden(
            "invalid code; check the authenticator's clock and try the current code",
        )
    })?;
    let id = user.id.clone();
    let remaining = state
        .db
        .write(move |tx| -> ApiResult<(i64, i64)> {
            if !store::enable(tx, &id, &sealed, step)? {
                return Err(ApiError::conflict(
                    "the enrollment was restarted meanwhile; use the newest QR code",
                ));
            }
            crate::events::emit(
                tx,
                "user.mfa_enabled",
                Some(&id),
                serde_json::json!({ "user_id": id }),
            )?;
            let version = crate::users::store::get(tx, &id)?.map_or(0, |u| u.token_version);
            Ok((store::backup_codes_remaining(tx, &id)?, version))
        })
        .await?;
    state.sessions.forget(&user.id);
    Ok(remaining)
}

/// Turn MFA off; needs the password and a second factor. Ends every other session: the user's
/// new token version.
pub async fn disable(
    state: &AppState,
    user: &UserRow,
    password: String,
    code: &str,
) -> ApiResult<i64> {
    state.limiters.mfa.check(&user.id)?;
    if !user.mfa_enabled {
        return Err(ApiError::bad_request(
            "two-factor authentication is not enabled",
        ));
    }
    let password_ok =
        super::password::verify_password(state, user.password_hash.clone(), password).await?;
    let code_ok = password_ok && verify_second_factor(state, user, code).await?;
    if !code_ok {
        return Err(ApiError::bad_request("invalid password or code"));
    }
    let id = user.id.clone();
    let version = state
        .db
        .write(move |tx| -> rusqlite::Result<i64> {
            store::disable(tx, &id)?;
            crate::events::emit(
                tx,
                "user.mfa_disabled",
                Some(&id),
                serde_json::json!({ "user_id": id }),
            )?;
            Ok(crate::users::store::get(tx, &id)?.map_or(0, |u| u.token_version))
        })
        .await?;
    state.sessions.forget(&user.id);
    Ok(version)
}

/// A current TOTP code (each time step accepted once) or an unused backup code (consumed).
pub async fn verify_second_factor(state: &AppState, user: &UserRow, code: &str) -> ApiResult<bool> {
    let code = code.trim().to_string();
    let id = user.id.clone();
    if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
        let Some(sealed) = &user.mfa_secret else {
            return Ok(false);
        };
        let secret = state.secrets.open(sealed).map_err(ApiError::Internal)?;
        let secret = totp::secret_from_base32(&secret).map_err(ApiError::Internal)?;
        let Some(step) = totp::verify(
            &secret,
            &code,
            user.mfa_last_step,
            crate::time::now_secs() as u64,
        ) else {
            return Ok(false);
        };
        // Conditional update: two concurrent logins with the same code cannot both win.
        let accepted = state
            .db
            .write(move |tx| store::advance_step(tx, &id, step))
            .await?;
        state.sessions.forget(&user.id);
        return Ok(accepted);
    }
    if totp::looks_like_backup_code(&code) {
        let hash = totp::hash_backup_code(&code);
        return Ok(state
            .db
            .write(move |tx| store::use_backup_code(tx, &id, &hash))
            .await?);
    }
    Ok(false)
}
