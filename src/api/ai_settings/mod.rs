//! /settings helpers around AI providers and integrations: test a provider, list the models each
//! configured provider offers, test a GitHub token, and the local Claude Code CLI status/token.
pub mod handlers;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::test_provider)
        .service(handlers::available_models)
        .service(handlers::test_github)
        .service(handlers::claude_code_status)
        .service(handlers::claude_code_save_token);
}
