//! /planner: plans and their items (CRUD, the calendar across plans, "Make a task") and the
//! streaming generators. The operations are `crate::domain::planner`.
pub mod handlers;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_plans)
        .service(handlers::create_plan)
        .service(handlers::generate_plan)
        .service(handlers::get_plan)
        .service(handlers::update_plan)
        .service(handlers::delete_plan)
        .service(handlers::create_item)
        .service(handlers::generate_items)
        .service(handlers::list_items)
        .service(handlers::update_item)
        .service(handlers::delete_item)
        .service(handlers::make_task);
}
