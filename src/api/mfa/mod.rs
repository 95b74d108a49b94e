//! /mfa: TOTP enrollment, verification, disable; the second-factor check used by login.
pub mod handlers;
pub mod store;
pub mod types;

use crate::auth::totp;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::users::store::UserRow;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::status)
        .service(handlers::enroll)
        .service(handlers::verify_enrollment)
        .service(handlers::disable);
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
        let secret = crate::auth::totp::secret_from_base32(&secret).map_err(ApiError::Internal)?;
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
            .run(move |c| store::advance_step(c, &id, step))
            .await?;
        state.sessions.forget(&user.id);
        return Ok(accepted);
    }
    if totp::looks_like_backup_code(&code) {
        let hash = totp::hash_backup_code(&code);
        return state
            .db
            .run(move |c| store::use_backup_code(c, &id, &hash))
            .await;
    }
    Ok(false)
}
