//! /automations: trigger (a domain event) → conditions → action, with self-describing trigger
//! and action catalogs and a run history. The work is in `domain::automations`.
pub mod handlers;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::triggers)
        .service(handlers::action_catalog)
        .service(handlers::list)
        .service(handlers::create)
        .service(handlers::get_one)
        .service(handlers::update)
        .service(handlers::remove)
        .service(handlers::runs)
        .service(handlers::test);
}
