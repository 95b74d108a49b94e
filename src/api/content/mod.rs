//! /content: generate and refine (SSE), list, get, edit, delete, versions and restore,
//! feedback, platforms and templates. The operations are `crate::domain::content`.
pub mod handlers;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_platforms)
        .service(handlers::list_templates)
        .service(handlers::create_template)
        .service(handlers::delete_template)
        .service(handlers::generate_content)
        .service(handlers::refine_content)
        .service(handlers::list_contents)
        .service(handlers::get_content)
        .service(handlers::update_content)
        .service(handlers::delete_content)
        .service(handlers::list_versions)
        .service(handlers::restore_version)
        .service(handlers::add_feedback);
}
