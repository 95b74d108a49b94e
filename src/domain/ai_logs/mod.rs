//! AI call logs, token usage, cost, leaderboard: reports over the calls `ai::logs` records.
//! Admins see everyone's calls; members their own.
pub mod store;
pub mod types;

use crate::access::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use crate::state::AppState;
use chrono::{Duration, Utc};
use types::*;

/// One page of the calls the viewer may see, newest first.
pub async fn list(
    state: &AppState,
    v: Viewer,
    f: LogFilter,
    page: Page,
) -> ApiResult<Paged<LogEntryResponse>> {
    let (items, total) = state.db.read(move |c| store::list(c, &v, &f, page)).await?;
    Ok(Paged::new(items, total, page))
}

/// Totals of the filtered calls, by provider, and the viewer's month against the budget.
pub async fn stats(state: &AppState, v: Viewer, f: LogFilter) -> ApiResult<StatsResponse> {
    let secrets = state.secrets.clone();
    state
        .db
        .read(move |c| -> ApiResult<StatsResponse> {
            let t = store::totals(c, &v, &f)?;
            Ok(StatsResponse {
                total_calls: t.calls,
                error_calls: t.errors,
                error_rate: if t.calls > 0 {
                    t.errors as f64 / t.calls as f64
                } else {
                    0.0
                },
                input_tokens: t.input_tokens,
                output_tokens: t.output_tokens,
                total_tokens: t.total_tokens,
                total_cost_usd: t.cost_usd,
                avg_latency_ms: t.avg_latency_ms,
                avg_ttft_ms: t.avg_ttft_ms,
                by_provider: store::grouped(c, &v, &f, Group::Provider)?,
                month_tokens: crate::ai::logs::month_tokens(c, &v.user_id)?,
                monthly_budget: crate::ai::logs::budget(c, &secrets)?,
            })
        })
        .await
}

/// Usage of the last `days` days (1–366): per day (zero-filled, oldest first), model, user, function.
pub async fn token_usage(state: &AppState, v: Viewer, days: u32) -> ApiResult<TokenUsageResponse> {
    if !(1..=366).contains(&days) {
        return Err(ApiError::unprocessable("days must be between 1 and 366"));
    }
    let days = days as i64;
    let first = Utc::now().date_naive() - Duration::days(days - 1);
    let f = LogFilter {
        date_from: Some(first.format("%Y-%m-%d").to_string()),
        ..Default::default()
    };
    let (daily, by_model, by_user, by_function) = state
        .db
        .read(move |c| -> rusqlite::Result<_> {
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
    Ok(TokenUsageResponse {
        daily: filled,
        by_model,
        by_user,
        by_function,
    })
}

/// One page of the ranking over `period` (`week`, `month` — the default — or `all`).
/// Ranks count from the top of the whole ranking, not of the page.
pub async fn leaderboard(
    state: &AppState,
    v: crate::access::Viewer,
    period: Option<&str>,
    page: Page,
) -> ApiResult<Paged<LeaderboardEntry>> {
    let since = match period.unwrap_or("month") {
        "week" => Some(
            (Utc::now() - Duration::days(7))
                .format("%Y-%m-%dT%H:%M:%S")
                .to_string(),
        ),
        "all" => None,
        _ => Some(crate::ai::logs::month_start()),
    };
    let (rows, total) = state
        .db
        .read(move |c| -> rusqlite::Result<_> {
            Ok((
                store::leaderboard(c, &v, since.as_deref(), page)?,
                store::leaderboard_count(c, &v, since.as_deref())?,
            ))
        })
        .await?;
    let entries = rows
        .into_iter()
        .enumerate()
        .map(|(i, u)| {
            let rank = page.offset + i as u32 + 1;
            let mut badges = Vec::new();
            if rank == 1 {
                badges.push("champion".to_string());
            }
            if rank <= 3 {
                badges.push("top3".to_string());
            }
            if u.calls >= 50 {
                badges.push("power_user".to_string());
            }
            LeaderboardEntry {
                rank,
                score: u.calls * 10 + u.total_tokens / 1000,
                user_id: u.user_id,
                email: u.email,
                name: u.name,
                calls: u.calls,
                total_tokens: u.total_tokens,
                cost_usd: u.cost_usd,
                badges,
            }
        })
        .collect();
    Ok(Paged::new(entries, total, page))
}
