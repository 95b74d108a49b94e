//! /notifications: the user's notifications and broadcasts, their read state, and the live
//! stream (`/notifications/stream`, opened with a single-use ticket). The work is in
//! `domain::notifications`.
pub mod handlers;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list)
        .service(handlers::unread_count)
        .service(handlers::read_all)
        .service(handlers::mark_read)
        .service(handlers::remove)
        .service(handlers::stream_ticket)
        .service(handlers::stream);
}
