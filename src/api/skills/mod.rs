//! /skills: the list (seeded on first call), CRUD, toggle, move, folders, generate and the
//! active instructions. The operations are `crate::domain::skills`.
pub mod handlers;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_skills)
        .service(handlers::create_skill)
        .service(handlers::generate_skill)
        .service(handlers::active_instructions)
        .service(handlers::list_folders)
        .service(handlers::create_folder)
        .service(handlers::update_folder)
        .service(handlers::delete_folder)
        .service(handlers::get_skill)
        .service(handlers::update_skill)
        .service(handlers::delete_skill)
        .service(handlers::toggle_skill)
        .service(handlers::move_skill);
}
