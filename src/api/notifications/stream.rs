//! Live notifications over Server-Sent Events. EventSource cannot send headers, so this one GET
//! route also accepts the token as `?access_token=` (see `crate::auth`).
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, web};
use std::time::Duration;
use tokio::sync::broadcast;

const KEEP_ALIVE: Duration = Duration::from_secs(15);

fn frame(event: &str, data: &serde_json::Value) -> Bytes {
    Bytes::from(format!("event: {event}\ndata: {data}\n\n"))
}

#[utoipa::path(tag = "notifications",
    params(("access_token" = Option<String>, Query, description = "the bearer token, for EventSource (which cannot send headers)")),
    responses((status = 200, content_type = "text/event-stream",
        description = "`ready` {unread} first, then one `notification` event per new notification; `: keep-alive` comments every 15 s")))]
#[get("/notifications/stream")]
pub async fn stream(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let uid = user.id.clone();
    let u = uid.clone();
    let unread = state
        .db
        .run(move |c| super::store::unread_count(c, &u))
        .await?;
    let first = frame("ready", &serde_json::json!({ "unread": unread }));
    let rx = state.feed.subscribe();
    let body = futures_util::stream::unfold((rx, Some(first)), move |(mut rx, first)| {
        let uid = uid.clone();
        async move {
            if let Some(b) = first {
                return Some((Ok::<_, actix_web::Error>(b), (rx, None)));
            }
            loop {
                tokio::select! {
                    got = rx.recv() => match got {
                        Ok(p) if p.user_id.as_deref().is_none_or(|u| u == uid) => {
                            return Some((Ok(frame(p.event, &p.data)), (rx, None)));
                        }
                        Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(broadcast::error::RecvError::Closed) => return None,
                    },
                    _ = tokio::time::sleep(KEEP_ALIVE) => {
                        return Some((Ok(Bytes::from_static(b": keep-alive\n\n")), (rx, None)));
                    }
                }
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("cache-control", "no-cache"))
        .insert_header(("x-accel-buffering", "no"))
        .streaming(body))
}
