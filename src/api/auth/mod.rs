//! /auth: login, identity, password change, Supabase exchange. The flows live in `crate::auth`.
pub mod handlers;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::login)
        .service(handlers::me)
        .service(handlers::status)
        .service(handlers::change_password)
        .service(handlers::supabase_config)
        .service(handlers::supabase_exchange)
        .service(handlers::supabase_link);
}
