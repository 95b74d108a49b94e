//! /auth: login, identity, password change, Supabase exchange; the users table's SQL.
pub mod admin_cli;
pub mod handlers;
pub mod login;
pub mod store;
pub mod supabase;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::login)
        .service(handlers::me)
        .service(handlers::status)
        .service(handlers::change_password)
        .service(handlers::supabase_config)
        .service(handlers::supabase_exchange);
}
