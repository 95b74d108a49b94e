//! The SSE response of the streaming routes whose workers write serialized frames into a channel
//! (chat replies, content generation): batches already queued go out in one write.
use actix_web::HttpResponse;
use actix_web::web::Bytes;
use serde_json::Value;
use std::task::Poll;
use tokio::sync::mpsc;

/// One `data: {json}\n\n` frame.
pub fn frame(v: &Value) -> Bytes {
    Bytes::from(format!("data: {v}\n\n"))
}

/// A `text/event-stream` response fed by a channel of serialized frames.
pub fn response(mut rx: mpsc::Receiver<Bytes>) -> HttpResponse {
    let body = futures_util::stream::poll_fn(move |cx| {
        let mut buf: Vec<u8> = Vec::new();
        loop {
            match rx.poll_recv(cx) {
                Poll::Ready(Some(b)) => {
                    buf.extend_from_slice(&b);
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
