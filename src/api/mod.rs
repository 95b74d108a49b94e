//! THE list of API areas. Each contributes `configure(cfg)`; utoipa-actix-web collects every
//! `.service()` into the OpenAPI document, so the spec cannot drift from the routes.
pub mod auth;
pub mod knowledge;
pub mod mfa;
pub mod settings;
pub mod system;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    system::configure(cfg);
    auth::configure(cfg);
    mfa::configure(cfg);
    settings::configure(cfg);
    knowledge::configure(cfg);
}
