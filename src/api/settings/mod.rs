//! /settings: the flat key/value store of deployment settings; secrets sealed at rest, masked on
//! read. The keys are the registry's (`crate::settings::registry`), the operations `crate::settings`'.
pub mod handlers;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::get_settings)
        .service(handlers::update_settings)
        .service(handlers::settings_schema);
}
