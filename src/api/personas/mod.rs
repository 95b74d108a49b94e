//! /personas: the list (seeded on first call), CRUD, generate and simulate. The operations are
//! `crate::domain::personas`.
pub mod handlers;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_personas)
        .service(handlers::create_persona)
        .service(handlers::generate_persona)
        .service(handlers::get_persona)
        .service(handlers::update_persona)
        .service(handlers::delete_persona)
        .service(handlers::simulate_persona);
}
