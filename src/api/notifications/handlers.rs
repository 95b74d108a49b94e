//! Thin handlers of /notifications (each user sees their own and broadcasts).
use super::store;
use super::types::{Count, ListQuery, NotificationPage};
use crate::auth::AuthUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, put, web};

#[utoipa::path(tag = "notifications", params(ListQuery), responses((status = 200, body = NotificationPage)))]
#[get("/notifications/")]
pub async fn list(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<ListQuery>,
) -> ApiResult<web::Json<NotificationPage>> {
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let offset = q.offset.unwrap_or(0).max(0);
    let unread_only = q.unread.unwrap_or(false);
    let uid = user.id.clone();
    let page = state
        .db
        .run(move |c| -> rusqlite::Result<_> {
            let (items, total) = store::list(c, &uid, unread_only, limit, offset)?;
            let unread = store::unread_count(c, &uid)?;
            Ok(NotificationPage {
                items,
                total,
                unread,
            })
        })
        .await?;
    Ok(web::Json(page))
}

#[utoipa::path(tag = "notifications", responses((status = 200, body = Count)))]
#[get("/notifications/unread-count")]
pub async fn unread_count(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<web::Json<Count>> {
    let uid = user.id.clone();
    let count = state.db.run(move |c| store::unread_count(c, &uid)).await?;
    Ok(web::Json(Count { count }))
}

#[utoipa::path(tag = "notifications", responses((status = 200, body = Count, description = "unread count afterwards (0)")))]
#[put("/notifications/read-all")]
pub async fn read_all(state: web::Data<AppState>, user: AuthUser) -> ApiResult<web::Json<Count>> {
    let uid = user.id.clone();
    let count = state
        .db
        .run(move |c| -> rusqlite::Result<i64> {
            store::mark_all_read(c, &uid)?;
            store::unread_count(c, &uid)
        })
        .await?;
    Ok(web::Json(Count { count }))
}

#[utoipa::path(tag = "notifications", responses((status = 200, body = Count, description = "unread count afterwards"), (status = 404, body = ErrorBody)))]
#[put("/notifications/{id}/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<web::Json<Count>> {
    let uid = user.id.clone();
    let id = id.into_inner();
    let count = state
        .db
        .run(move |c| -> rusqlite::Result<Option<i64>> {
            if !store::mark_read(c, &uid, &id)? {
                return Ok(None);
            }
            store::unread_count(c, &uid).map(Some)
        })
        .await?
        .ok_or(ApiError::NotFound("notification"))?;
    Ok(web::Json(Count { count }))
}

#[utoipa::path(tag = "notifications", responses((status = 204), (status = 404, body = ErrorBody)))]
#[delete("/notifications/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let uid = user.id.clone();
    let id = id.into_inner();
    if !state.db.run(move |c| store::delete(c, &uid, &id)).await? {
        return Err(ApiError::NotFound("notification"));
    }
    Ok(HttpResponse::NoContent().finish())
}
