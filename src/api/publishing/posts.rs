//! Thin handlers of publishing posts: publish now (LinkedIn, Facebook, Instagram: queued in
//! the outbox and sent at once; 200 with the result when it settles within `wait_seconds`,
//! else 202 with the post to poll) and the schedule.
use super::types::*;
use crate::access::Viewer;
use crate::domain::publishing::now;
use crate::domain::publishing::posts::{self, PostRequest};
use crate::domain::publishing::types::{Outcome, Post, PostFilter};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use std::time::Duration;

/// 200 published; 202 not settled yet (still being sent after the wait, throttled and queued
/// again, or its answer was lost and it is being looked up): the post goes on, the caller
/// polls `GET /publishing/scheduled/{id}`; the refusals a user can act on as errors.
fn answer((post, outcome): (Post, Option<Outcome>)) -> ApiResult<HttpResponse> {
    let body = |p: Post| PublishResponse {
        external_id: p.external_id.clone(),
        url: p.url.clone(),
        status: p.status.clone(),
        post: p,
    };
    match outcome {
        Some(Outcome::Published { .. }) => Ok(HttpResponse::Ok().json(body(post))),
        Some(Outcome::Retry { .. } | Outcome::Uncertain(_)) => {
            Ok(HttpResponse::Accepted().json(body(post)))
        }
        Some(Outcome::Duplicate(why)) => Err(ApiError::Conflict(why)),
        Some(Outcome::Expired(why) | Outcome::Failed(why)) => Err(ApiError::Unprocessable(why)),
        // A dispatcher sent it, or it is still going: as the post stands.
        None => match post.status.as_str() {
            "published" => Ok(HttpResponse::Ok().json(body(post))),
            "failed" | "missed" => Err(ApiError::Unprocessable(
                post.last_error
                    .unwrap_or_else(|| "the post could not be published".into()),
            )),
            _ => Ok(HttpResponse::Accepted().json(body(post))),
        },
    }
}

/// The wait a caller asked for (default 20 s, at most 60).
fn wait(seconds: Option<u64>) -> ApiResult<Duration> {
    match seconds.unwrap_or(now::PUBLISH_WAIT_SECS) {
        s if s <= 60 => Ok(Duration::from_secs(s)),
        _ => Err(ApiError::unprocessable(
            "wait_seconds must be between 0 and 60",
        )),
    }
}

#[utoipa::path(tag = "publishing", request_body = LinkedInPublishRequest,
    responses((status = 200, body = PublishResponse, description = "published"),
        (status = 202, body = PublishResponse, description = "not settled within wait_seconds, throttled (retried later with backoff) or its answer was lost (being looked up): poll the post"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "already published to this account, a duplicate, or no account connected"),
        (status = 422, body = ErrorBody, description = "token expired (reconnect), LinkedIn-Version retired, unknown account or asset")))]
#[post("/publishing/linkedin/publish")]
pub async fn publish_linkedin(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<LinkedInPublishRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let wait = wait(b.wait_seconds)?;
    let r = PostRequest {
        content_id: b.content_id,
        account_id: b.account_id,
        platform: Some("linkedin"),
        asset_ids: b.asset_ids,
        ..Default::default()
    };
    answer(now::publish_now(&state, viewer, r, wait).await?)
}

#[utoipa::path(tag = "publishing", request_body = FacebookPublishRequest,
    responses((status = 200, body = PublishResponse, description = "published"),
        (status = 202, body = PublishResponse, description = "not settled within wait_seconds, throttled (retried later with backoff) or its answer was lost (being looked up): poll the post"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "already published to this page, or no page connected"),
        (status = 422, body = ErrorBody, description = "token expired (reconnect), missing permission, unknown account or asset")))]
#[post("/publishing/meta/publish/facebook")]
pub async fn publish_facebook(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<FacebookPublishRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let wait = wait(b.wait_seconds)?;
    let r = PostRequest {
        content_id: b.content_id,
        account_id: Some(b.account_id),
        platform: Some("facebook"),
        asset_ids: b.asset_ids,
        link: b.link,
        ..Default::default()
    };
    answer(now::publish_now(&state, viewer, r, wait).await?)
}

#[utoipa::path(tag = "publishing", request_body = InstagramPublishRequest,
    responses((status = 200, body = PublishResponse, description = "published"),
        (status = 202, body = PublishResponse, description = "not settled within wait_seconds, throttled or quota spent (retried later), or its answer was lost (being looked up): poll the post"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "already published to this account, or none connected"),
        (status = 422, body = ErrorBody, description = "no image, token expired (reconnect), unknown account or asset")))]
#[post("/publishing/meta/publish/instagram")]
pub async fn publish_instagram(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<InstagramPublishRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let wait = wait(b.wait_seconds)?;
    let r = PostRequest {
        content_id: b.content_id,
        account_id: Some(b.account_id),
        platform: Some("instagram"),
        asset_ids: b.asset_ids,
        ..Default::default()
    };
    answer(now::publish_now(&state, viewer, r, wait).await?)
}

#[utoipa::path(tag = "publishing", params(PostFilter, Page),
    responses((status = 200, body = Paged<Post>), (status = 422, body = ErrorBody)))]
#[get("/publishing/scheduled")]
pub async fn list_scheduled(
    state: web::Data<AppState>,
    viewer: Viewer,
    filter: web::Query<PostFilter>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<Post>>> {
    Ok(web::Json(
        posts::list(&state.db, viewer, filter.into_inner(), page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "publishing", request_body = ScheduleRequest,
    responses((status = 201, body = Post), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "already published or scheduled on this account"),
        (status = 422, body = ErrorBody)))]
#[post("/publishing/scheduled")]
pub async fn create_scheduled(
    state: web::Data<AppState>,
    viewer: Viewer,
    body: web::Json<ScheduleRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let r = PostRequest {
        content_id: b.content_id,
        account_id: Some(b.account_id),
        asset_ids: b.asset_ids,
        link: b.link,
        scheduled_at: Some(b.scheduled_at),
        requires_approval: b.requires_approval,
        ..Default::default()
    };
    Ok(HttpResponse::Created().json(posts::schedule(&state.db, viewer, r).await?))
}

#[utoipa::path(tag = "publishing", responses((status = 200, body = PostDetail), (status = 404, body = ErrorBody)))]
#[get("/publishing/scheduled/{id}")]
pub async fn get_scheduled(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<PostDetail>> {
    let (post, history) = posts::get(&state.db, viewer, id.into_inner())
        .await?
        .ok_or(ApiError::NotFound("post"))?;
    Ok(web::Json(PostDetail { post, history }))
}

#[utoipa::path(tag = "publishing", request_body = RescheduleRequest,
    responses((status = 200, body = Post), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the post is being sent or already out"), (status = 422, body = ErrorBody)))]
#[put("/publishing/scheduled/{id}")]
pub async fn update_scheduled(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<RescheduleRequest>,
) -> ApiResult<web::Json<Post>> {
    let b = body.into_inner();
    Ok(web::Json(
        posts::reschedule(
            &state.db,
            viewer,
            id.into_inner(),
            b.scheduled_at,
            b.asset_ids,
            b.link,
        )
        .await?,
    ))
}

#[utoipa::path(tag = "publishing", responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "published posts stay in the history")))]
#[delete("/publishing/scheduled/{id}")]
pub async fn delete_scheduled(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    posts::delete(&state.db, viewer, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(tag = "publishing", responses((status = 200, body = Post), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody, description = "not waiting to go out")))]
#[post("/publishing/scheduled/{id}/cancel")]
pub async fn cancel_scheduled(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
) -> ApiResult<web::Json<Post>> {
    Ok(web::Json(
        posts::cancel(&state.db, viewer, id.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "publishing", request_body = ConfirmRequest,
    responses((status = 200, body = Post), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the post's result is not unknown")))]
#[post("/publishing/scheduled/{id}/confirm")]
pub async fn confirm_scheduled(
    state: web::Data<AppState>,
    viewer: Viewer,
    id: web::Path<String>,
    body: web::Json<ConfirmRequest>,
) -> ApiResult<web::Json<Post>> {
    let b = body.into_inner();
    Ok(web::Json(
        posts::confirm(&state.db, viewer, id.into_inner(), b.published, b.url).await?,
    ))
}
