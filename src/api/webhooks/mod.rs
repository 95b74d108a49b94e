//! /webhooks: Standard Webhooks 1.0 endpoints (admin-managed: events span every tenant), their
//! durable, signed, retried deliveries and the delivery log. The work is in `domain::webhooks`.
pub mod handlers;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::event_catalog)
        .service(handlers::list)
        .service(handlers::create)
        .service(handlers::get_one)
        .service(handlers::update)
        .service(handlers::remove)
        .service(handlers::test)
        .service(handlers::deliveries)
        .service(handlers::redeliver);
}
