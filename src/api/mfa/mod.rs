//! /mfa: TOTP enrollment, verification, disable. The second-factor logic lives in `crate::auth::mfa`.
pub mod handlers;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::status)
        .service(handlers::enroll)
        .service(handlers::verify_enrollment)
        .service(handlers::disable);
}
