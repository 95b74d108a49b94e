//! /ai-logs: every provider call with tokens, latency and cost; usage aggregates; leaderboard.
pub mod handlers;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_logs)
        .service(handlers::log_stats)
        .service(handlers::token_usage)
        .service(handlers::leaderboard);
}
