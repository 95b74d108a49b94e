//! /timesheets: manual and timer-recorded time entries on tasks, and the aggregated report.
pub mod handlers;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::report)
        .service(handlers::create)
        .service(handlers::list)
        .service(handlers::update)
        .service(handlers::delete);
}
