//! /models: the local models in the data dir (list, download with progress, upload, remove).
pub mod handlers;
pub mod types;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_models)
        .service(handlers::pull_model)
        .service(handlers::upload_model)
        .service(handlers::delete_model);
}
