//! Thin handlers of /ai-logs: the record of every provider call. Admins see everyone's; members their own.
use super::types::*;
use crate::access::Viewer;
use crate::domain::ai_logs;
use crate::error::{ApiResult, ErrorBody};
use crate::page::{Page, Paged};
use crate::state::AppState;
use actix_web::{get, web};

#[utoipa::path(tag = "ai-logs", params(LogFilter, Page),
    responses((status = 200, body = Paged<LogEntryResponse>), (status = 422, body = ErrorBody, description = "limit or offset out of range")))]
#[get("/ai-logs")]
pub async fn list_logs(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<LogFilter>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<LogEntryResponse>>> {
    Ok(web::Json(
        ai_logs::list(&state, viewer, q.into_inner(), page.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "ai-logs", params(LogFilter), responses((status = 200, body = StatsResponse)))]
#[get("/ai-logs/stats")]
pub async fn log_stats(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<LogFilter>,
) -> ApiResult<web::Json<StatsResponse>> {
    Ok(web::Json(
        ai_logs::stats(&state, viewer, q.into_inner()).await?,
    ))
}

#[utoipa::path(tag = "ai-logs", params(UsageQuery), responses((status = 200, body = TokenUsageResponse)))]
#[get("/ai-logs/token-usage")]
pub async fn token_usage(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<UsageQuery>,
) -> ApiResult<web::Json<TokenUsageResponse>> {
    Ok(web::Json(
        ai_logs::token_usage(&state, viewer, q.days.unwrap_or(30)).await?,
    ))
}

#[utoipa::path(tag = "ai-logs", params(LeaderboardQuery, Page),
    responses((status = 200, body = Paged<LeaderboardEntry>), (status = 422, body = ErrorBody, description = "limit or offset out of range")))]
#[get("/ai-logs/leaderboard")]
pub async fn leaderboard(
    state: web::Data<AppState>,
    viewer: Viewer,
    q: web::Query<LeaderboardQuery>,
    page: web::Query<Page>,
) -> ApiResult<web::Json<Paged<LeaderboardEntry>>> {
    Ok(web::Json(
        ai_logs::leaderboard(&state, viewer, q.period.as_deref(), page.into_inner()).await?,
    ))
}
