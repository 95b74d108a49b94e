//! /automations: trigger (a domain event) → conditions → action, executed as durable jobs, with
//! self-describing trigger and action catalogs and a run history.
pub mod actions;
pub mod catalog;
pub mod engine;
pub mod handlers;
pub mod origin;
pub mod store;
pub mod task_actions;
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
