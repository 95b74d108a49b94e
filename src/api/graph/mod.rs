//! /graph: the knowledge graph, the pipeline counts and the influence ranking. The operations
//! are `crate::domain::graph`.
pub mod handlers;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::knowledge)
        .service(handlers::stats)
        .service(handlers::influence);
}
