//! /publishing: connected accounts, the LinkedIn and Meta OAuth round trips, publish now, and
//! the schedule. The operations are `crate::domain::publishing`.
pub mod handlers;
pub mod posts;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_accounts)
        .service(handlers::get_account)
        .service(handlers::update_account)
        .service(handlers::delete_account)
        .service(handlers::linkedin_auth_url)
        .service(handlers::linkedin_callback)
        .service(handlers::linkedin_status)
        .service(handlers::meta_auth_url)
        .service(handlers::meta_callback)
        .service(handlers::meta_status)
        .service(posts::publish_linkedin)
        .service(posts::publish_facebook)
        .service(posts::publish_instagram)
        .service(posts::list_scheduled)
        .service(posts::create_scheduled)
        .service(posts::get_scheduled)
        .service(posts::update_scheduled)
        .service(posts::delete_scheduled)
        .service(posts::cancel_scheduled)
        .service(posts::confirm_scheduled);
}
