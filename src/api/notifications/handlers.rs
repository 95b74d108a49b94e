//! Thin handlers of /notifications (each user sees their own and broadcasts), and the live
//! stream over Server-Sent Events.
use super::types::{Count, ListFilter, Notification, StreamTicket};
use crate::auth::tickets::TicketSession;
use crate::auth::{AuthUser, SessionEnd};
use crate::domain::notifications;
use crate::error::{ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, delete, get, post, put, web};
use std::time::Duration;
use tokio::sync::broadcast;

const KEEP_ALIVE: Duration = Duration::from_secs(15);

#[utoipa::path(tag = "notifications", params(ListFilter, Page),
    responses((status = 200, body = Paged<Notification>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
#[get("/notifications/")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    filter: web::Query<ListFilter>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Notification>>> {
    let unread_only = filter.unread.unwrap_or(false);
    Ok(web::Json(
        notifications::list(&state, &user.id, unread_only, page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "notifications", responses((status = 200, body = Count), (status = 401, body = ErrorBody)))]
#[get("/notifications/unread-count")]
pub async fn unread_count(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<Count>> {
    let count = notifications::unread_count(&state, &user.id).await?;
    Ok(web::Json(Count { count }))
}

#[utoipa::path(tag = "notifications", responses((status = 200, body = Count, description = "unread count afterwards (0)"), (status = 401, body = ErrorBody)))]
#[put("/notifications/read-all")]
pub async fn read_all(state: web::Data<AppState>, user: AuthUser) -> ApiResult<web::Json<Count>> {
    let count = notifications::read_all(&state, &user.id).await?;
    Ok(web::Json(Count { count }))
}

#[utoipa::path(tag = "notifications", responses((status = 200, body = Count, description = "unread count afterwards"), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[put("/notifications/{id}/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Count>> {
    let count = notifications::mark_read(&state, &user.id, id.into_inner()).await?;
    Ok(web::Json(Count { count }))
}

#[utoipa::path(tag = "notifications", responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
#[delete("/notifications/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    notifications::delete(&state, &user.id, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// EventSource cannot send an `Authorization` header, and a login token in a URL ends up in
/// logs: the SPA mints a ticket here and opens the stream with it.
#[utoipa::path(tag = "notifications",
    responses((status = 201, body = StreamTicket, description = "a ticket for `GET /notifications/stream?ticket=…`: works once, within `expires_in` seconds"),
        (status = 401, body = ErrorBody)))]
#[post("/notifications/stream-ticket")]
pub async fn stream_ticket(
    state: web::Data<AppState>,
    user: AuthUser,
    end: SessionEnd,
) -> HttpResponse {
    let session = TicketSession {
        user_id: user.id.clone(),
        token_version: user.token_version,
        ends_at: end.0,
    };
    HttpResponse::Created().json(StreamTicket {
        ticket: state.tickets.issue(session),
        expires_in: crate::auth::tickets::TTL.as_secs(),
    })
}

fn frame(event: &str, data: &serde_json::Value) -> Bytes {
    Bytes::from(format!("event: {event}\ndata: {data}\n\n"))
}

#[utoipa::path(tag = "notifications",
    params(("ticket" = Option<String>, Query, description = "a single-use ticket from `POST /notifications/stream-ticket`, for EventSource (which cannot send headers); a bearer header works too")),
    responses((status = 200, content_type = "text/event-stream",
        description = "`ready` {unread} first, then one `notification` event per new notification; `: keep-alive` comments every 15 s; ends within seconds of the session ending (expiry, password or MFA change, deactivation)"),
        (status = 401, body = ErrorBody, description = "no bearer token and no ticket, or the ticket is unknown, spent or expired"),
        (status = 429, body = ErrorBody, description = "too many event streams open for this user (or in all); `Retry-After`")))]
#[get("/notifications/stream")]
pub async fn stream(
    state: web::Data<AppState>,
    user: AuthUser,
    end: SessionEnd,
) -> ApiResult<HttpResponse> {
    let uid = user.id.clone();
    // Held by the stream: released when it ends or the client goes away.
    let slot = state.streams.acquire(&uid)?;
    let unread = notifications::unread_count(&state, &uid).await?;
    let first = frame("ready", &serde_json::json!({ "unread": unread }));
    let rx = state.feed.subscribe();
    let check = tokio::time::interval(crate::auth::SESSION_CHECK);
    let keepalive = tokio::time::interval_at(tokio::time::Instant::now() + KEEP_ALIVE, KEEP_ALIVE);
    let st = state.get_ref().clone();
    let user = user.0;
    let body = futures_util::stream::unfold(
        (rx, (check, keepalive, slot), Some(first)),
        move |(mut rx, (mut check, mut keepalive, slot), first)| {
            let (uid, st, user) = (uid.clone(), st.clone(), user.clone());
            async move {
                if let Some(b) = first {
                    return Some((
                        Ok::<_, actix_web::Error>(b),
                        (rx, (check, keepalive, slot), None),
                    ));
                }
                loop {
                    tokio::select! {
                        got = rx.recv() => match got {
                            Ok(p) if p.user_id.as_deref().is_none_or(|u| u == uid) => {
                                return Some((Ok(frame(p.event, &p.data)), (rx, (check, keepalive, slot), None)));
                            }
                            Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                            Err(broadcast::error::RecvError::Closed) => return None,
                        },
                        // The session ended (expired, password or MFA changed, deactivated).
                        _ = check.tick() => {
                            if !crate::auth::session_alive(&st, &user, end).await {
                                return None;
                            }
                        }
                        _ = keepalive.tick() => {
                            let ping = Bytes::from_static(b": keep-alive\n\n");
                            return Some((Ok(ping), (rx, (check, keepalive, slot), None)));
                        }
                    }
                }
            }
        },
    );
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("cache-control", "no-cache"))
        .insert_header(("x-accel-buffering", "no"))
        .streaming(body))
}
