//! /tasks: kanban boards (columns per project or personal), tasks and subtasks with dense ordering,
//! comments, timers, the productivity report and the overdue check (`domain::tasks`).
pub mod handlers;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    // Literal paths before `/tasks/{id}` so they are not taken for ids.
    cfg.service(handlers::list_columns)
        .service(handlers::create_column)
        .service(handlers::update_column)
        .service(handlers::delete_column)
        .service(handlers::productivity_report)
        .service(handlers::check_overdue)
        .service(handlers::current_timer)
        .service(handlers::delete_comment)
        .service(handlers::list_tasks)
        .service(handlers::create_task)
        .service(handlers::get_task)
        .service(handlers::update_task)
        .service(handlers::delete_task)
        .service(handlers::move_task)
        .service(handlers::timer)
        .service(handlers::list_comments)
        .service(handlers::add_comment);
}
