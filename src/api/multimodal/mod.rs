//! /multimodal: media providers, production plans (SSE) executed asset by asset (SSE over a
//! durable job), single generations, and the assets of a content with their files. The
//! operations are `crate::domain::multimodal`.
pub mod handlers;
pub mod providers;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(providers::known_providers)
        .service(providers::list_providers)
        .service(providers::create_provider)
        .service(providers::get_provider)
        .service(providers::update_provider)
        .service(providers::delete_provider)
        .service(providers::test_provider)
        .service(handlers::plan_visuals)
        .service(handlers::execute_plan)
        .service(handlers::generate_asset)
        .service(handlers::list_assets)
        .service(handlers::get_asset)
        .service(handlers::delete_asset)
        .service(handlers::regenerate_asset)
        .service(handlers::asset_file)
        .service(handlers::own_asset_file)
        .service(handlers::preview_link);
}
