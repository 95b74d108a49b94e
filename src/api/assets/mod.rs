//! The public capability routes — `/assets/{token}` (an asset's bytes) and
//! `/screenshots/{token}.png` (a content's preview card) — for reviewers outside the workspace,
//! and the one way asset bytes are answered (ETag, Cache-Control, Range, HEAD), shared with the
//! authenticated file routes of /multimodal.
pub mod handlers;

pub use handlers::serve;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::public_asset)
        .service(handlers::screenshot);
}
