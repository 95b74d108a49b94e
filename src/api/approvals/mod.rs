//! /approvals: approval links of a content (create, list, revoke) and the public page a
//! reviewer opens without a login. The operations are `crate::domain::approvals`.
pub mod handlers;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_approvals)
        .service(handlers::create_approval)
        .service(handlers::list_content_approvals)
        .service(handlers::revoke_approval)
        .service(handlers::view_public)
        .service(handlers::decide_public);
}
