//! /learnings: generation (SSE), list, edit, feedback, merge, bulk delete and custom rules.
//! The operations are `crate::domain::learnings`.
pub mod handlers;
pub mod types;

use actix_web::HttpResponse;
use serde_json::Value;
use tokio::sync::mpsc;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::generate)
        .service(handlers::generate_design_system)
        .service(handlers::generate_product_knowledge)
        .service(handlers::list_learnings)
        .service(handlers::bulk_delete)
        .service(handlers::merge_learnings)
        .service(handlers::get_rules)
        .service(handlers::put_rules)
        .service(handlers::get_learning)
        .service(handlers::update_learning)
        .service(handlers::delete_learning)
        .service(handlers::feedback);
}

/// An SSE response of `data: {json}\n\n` frames fed by a domain operation's channel (shared
/// by the voice areas' streaming routes).
pub fn sse(mut rx: mpsc::Receiver<Value>) -> HttpResponse {
    let body = futures_util::stream::poll_fn(move |cx| {
        rx.poll_recv(cx).map(|frame| {
            frame.map(|v| {
                Ok::<_, actix_web::Error>(actix_web::web::Bytes::from(format!("data: {v}\n\n")))
            })
        })
    });
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body)
}
