//! Live notifications over Server-Sent Events. EventSource cannot send headers, so this one GET
//! route also accepts the token as `?access_token=` (see `crate::auth`).
use super::types::Notification;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, web};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::broadcast;

const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// A pushed notification, tagged with its deployment (tests run several servers per process).
#[derive(Clone)]
struct Pushed {
    scope: Arc<str>,
    note: Notification,
}

fn channel() -> &'static broadcast::Sender<Pushed> {
    static TX: OnceLock<broadcast::Sender<Pushed>> = OnceLock::new();
    TX.get_or_init(|| broadcast::channel(1024).0)
}

fn scope(state: &AppState) -> Arc<str> {
    state.cfg.data_dir.display().to_string().into()
}

pub fn push(state: &AppState, note: Notification) {
    // No listener is fine: nobody is watching live.
    let _ = channel().send(Pushed {
        scope: scope(state),
        note,
    });
}

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
    let my_scope = scope(&state);
    let first = frame("ready", &serde_json::json!({ "unread": unread }));
    let rx = channel().subscribe();
    let body = futures_util::stream::unfold((rx, Some(first)), move |(mut rx, first)| {
        let uid = uid.clone();
        let my_scope = my_scope.clone();
        async move {
            if let Some(b) = first {
                return Some((Ok::<_, actix_web::Error>(b), (rx, None)));
            }
            loop {
                tokio::select! {
                    got = rx.recv() => match got {
                        Ok(p) if p.scope == my_scope
                            && p.note.user_id.as_deref().is_none_or(|u| u == uid) =>
                        {
                            let data = serde_json::to_value(&p.note).unwrap_or_default();
                            return Some((Ok(frame("notification", &data)), (rx, None)));
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
