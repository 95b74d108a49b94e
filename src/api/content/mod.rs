//! /content: generate and refine (SSE), list, get, edit, delete, versions and restore,
//! feedback, platforms and templates. The operations are `crate::domain::content`.
pub mod handlers;
pub mod types;

use actix_web::HttpResponse;
use actix_web::web::Bytes;
use serde_json::Value;
use std::task::Poll;
use tokio::sync::mpsc;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list_platforms)
        .service(handlers::list_templates)
        .service(handlers::create_template)
        .service(handlers::delete_template)
        .service(handlers::generate_content)
        .service(handlers::refine_content)
        .service(handlers::list_contents)
        .service(handlers::get_content)
        .service(handlers::update_content)
        .service(handlers::delete_content)
        .service(handlers::list_versions)
        .service(handlers::restore_version)
        .service(handlers::add_feedback);
}

/// An SSE response of `data: {json}\n\n` frames from a generation's channel of batches (one per
/// upstream read); every batch already queued goes out in one write.
pub fn sse(mut rx: mpsc::Receiver<Vec<Value>>) -> HttpResponse {
    let body = futures_util::stream::poll_fn(move |cx| {
        let mut buf: Vec<u8> = Vec::new();
        loop {
            match rx.poll_recv(cx) {
                Poll::Ready(Some(batch)) => {
                    for v in batch {
                        buf.extend_from_slice(b"data: ");
                        // Writing JSON to a Vec cannot fail.
                        let _ = serde_json::to_writer(&mut buf, &v);
                        buf.extend_from_slice(b"\n\n");
                    }
                    if buf.len() >= 64 * 1024 {
                        break;
                    }
                }
                Poll::Ready(None) if buf.is_empty() => return Poll::Ready(None),
                Poll::Pending if buf.is_empty() => return Poll::Pending,
                _ => break,
            }
        }
        Poll::Ready(Some(Ok::<_, actix_web::Error>(Bytes::from(buf))))
    });
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body)
}
