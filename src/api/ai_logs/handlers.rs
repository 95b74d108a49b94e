//! /ai-logs: the record of every provider call. Admins see everyone's; members their own.
use super::store::{self, Group};
use super::types::*;
use crate::access::Viewer;
use crate::auth::AuthUser;
use crate::error::ApiResult;
use crate::state::AppState;
use actix_web::{get, web};
use chrono::{Duration, Utc};

#[utoipa::path(tag = "ai-logs", params(LogFilter), responses((status = 200, body = LogPage)))]
#[get("/ai-logs")]
pub async fn list_logs(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<LogFilter>,
) -> ApiResult<web::Json<LogPage>> {
    let f = q.into_inner();
    let limit = f.limit.unwrap_or(50).clamp(1, 500);
    let offset = f.offset.unwrap_or(0);
    let v = Viewer::from(&user);
    let (items, total) = state
        .db
        .run(move |c| store::list(c, &v, &f, limit, offset))
        .await?;
    Ok(web::Json(LogPage {
        items,
        total,
        limit,
        offset,
    }))
}

#[utoipa::path(tag = "ai-logs", params(LogFilter), responses((status = 200, body = StatsResponse)))]
#[get("/ai-logs/stats")]
pub async fn log_stats(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<LogFilter>,
) -> ApiResult<web::Json<StatsResponse>> {
    let f = q.into_inner();
    let v = Viewer::from(&user);
    let st = state.clone();
    let stats = state
        .db
        .run(move |c| -> anyhow::Result<StatsResponse> {
            let (calls, errors, input, output, total, cost, latency, ttft) =
                store::totals(c, &v, &f)?;
            let month_start = Utc::now().format("%Y-%m-01T00:00:00").to_string();
            Ok(StatsResponse {
                total_calls: calls,
                error_calls: errors,
                error_rate: if calls > 0 {
                    errors as f64 / calls as f64
                } else {
                    0.0
                },
                input_tokens: input,
                output_tokens: output,
                total_tokens: total,
                total_cost_usd: cost,
                avg_latency_ms: latency,
                avg_ttft_ms: ttft,
                by_provider: store::grouped(c, &v, &f, Group::Provider)?,
                month_tokens: store::tokens_since(c, &v.user_id, &month_start)?,
                monthly_budget: crate::ai::logs::budget(c, &st.secrets)?,
            })
        })
        .await?;
    Ok(web::Json(stats))
}

#[utoipa::path(tag = "ai-logs", params(UsageQuery), responses((status = 200, body = TokenUsageResponse)))]
#[get("/ai-logs/token-usage")]
pub async fn token_usage(
    state: web::Data<AppState>,
    user: AuthUser,
    q: web::Query<UsageQuery>,
) -> ApiResult<web::Json<TokenUsageResponse>> {
    let days = q.days.unwrap_or(30).clamp(1, 366) as i64;
    let first = Utc::now().date_naive() - Duration::days(days - 1);
    let f = LogFilter {
        date_from: Some(first.format("%Y-%m-%d").to_string()),
        ..Default::default()
    };
    let v = Viewer::from(&user);
    let (daily, by_model, by_user, by_function) = state
        .db
        .run(move |c| -> rusqlite::Result<_> {
            Ok((
                store::grouped(c, &v, &f, Group::Day)?,
                store::grouped(c, &v, &f, Group::Model)?,
                store::grouped(c, &v, &f, Group::User)?,
                store::grouped(c, &v, &f, Group::Function)?,
            ))
        })
        .await?;
    // Zero-fill so the chart has one bar per day.
    let filled = (0..days)
        .map(|i| {
            let key = (first + Duration::days(i)).format("%Y-%m-%d").to_string();
            daily
                .iter()
                .find(|r| r.key == key)
                .cloned()
                .unwrap_or(UsageRow {
                    key,
                    label: None,
                    calls: 0,
                    errors: 0,
                    input_tokens: 0,
                    output_tokens: 0,
                    total_tokens: 0,
                    cost_usd: 0.0,
                })
        })
        .collect();
    Ok(web::Json(TokenUsageResponse {
        daily: filled,
        by_model,
        by_user,
        by_function,
    }))
}

#[utoipa::path(tag = "ai-logs", params(LeaderboardQuery), responses((status = 200, body = Vec<LeaderboardEntry>)))]
#[get("/ai-logs/leaderboard")]
pub async fn leaderboard(
    state: web::Data<AppState>,
    _user: AuthUser,
    q: web::Query<LeaderboardQuery>,
) -> ApiResult<web::Json<Vec<LeaderboardEntry>>> {
    let since = match q.period.as_deref().unwrap_or("month") {
        "week" => Some(
            (Utc::now() - Duration::days(7))
                .format("%Y-%m-%dT%H:%M:%S")
                .to_string(),
        ),
        "all" => None,
        _ => Some(Utc::now().format("%Y-%m-01T00:00:00").to_string()),
    };
    let rows = state
        .db
        .run(move |c| store::leaderboard(c, since.as_deref()))
        .await?;
    let out = rows
        .into_iter()
        .enumerate()
        .map(
            |(i, (user_id, email, name, calls, total_tokens, cost_usd))| {
                let rank = i as u32 + 1;
                let mut badges = Vec::new();
                if rank == 1 {
                    badges.push("champion".to_string());
                }
                if rank <= 3 {
                    badges.push("top3".to_string());
                }
                if calls >= 50 {
                    badges.push("power_user".to_string());
                }
                LeaderboardEntry {
                    rank,
                    user_id,
                    email,
                    name,
                    calls,
                    total_tokens,
                    cost_usd,
                    score: calls * 10 + total_tokens / 1000,
                    badges,
                }
            },
        )
        .collect();
    Ok(web::Json(out))
}
