//! What the AI-log reports are made of: the filter, one logged call, grouped totals, the
//! leaderboard. They are also the /ai-logs wire shapes (the API re-exports them).
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams, Default, Clone)]
pub struct LogFilter {
    pub provider: Option<String>,
    pub model: Option<String>,
    pub function: Option<String>,
    /// `ok` or `error`.
    pub status: Option<String>,
    /// Admins only; members always see their own calls.
    pub user_id: Option<String>,
    /// RFC 3339 or YYYY-MM-DD (inclusive).
    pub date_from: Option<String>,
    pub date_to: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LogEntryResponse {
    pub id: String,
    pub provider: String,
    pub model: String,
    pub function: String,
    pub user_id: Option<String>,
    pub user_email: Option<String>,
    pub status: String,
    pub error: Option<String>,
    pub latency_ms: i64,
    pub ttft_ms: Option<i64>,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub total_tokens: i64,
    pub cost_usd: f64,
    pub conversation_id: Option<String>,
    pub created_at: String,
}

/// Totals of one group (a day, a model, a user, a function, a provider).
#[derive(Serialize, ToSchema, Clone)]
pub struct UsageRow {
    pub key: String,
    /// For by-user rows: the user's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub calls: i64,
    pub errors: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub total_tokens: i64,
    pub cost_usd: f64,
}

/// Totals of the filtered calls: (calls, errors, input, output, total, cost, avg latency, avg ttft).
pub struct Totals {
    pub calls: i64,
    pub errors: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub total_tokens: i64,
    pub cost_usd: f64,
    pub avg_latency_ms: f64,
    pub avg_ttft_ms: Option<f64>,
}

/// One user's totals over a period, before ranking.
pub struct UserTotals {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub calls: i64,
    pub total_tokens: i64,
    pub cost_usd: f64,
}

#[derive(Clone, Copy)]
pub enum Group {
    Day,
    Model,
    User,
    Function,
    Provider,
}

#[derive(Serialize, ToSchema)]
pub struct StatsResponse {
    pub total_calls: i64,
    pub error_calls: i64,
    pub error_rate: f64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub total_tokens: i64,
    pub total_cost_usd: f64,
    pub avg_latency_ms: f64,
    pub avg_ttft_ms: Option<f64>,
    pub by_provider: Vec<UsageRow>,
    /// The caller's tokens this month and the monthly budget (null when unlimited).
    pub month_tokens: i64,
    pub monthly_budget: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenUsageResponse {
    /// One row per day, oldest first, zero-filled; `key` is YYYY-MM-DD.
    pub daily: Vec<UsageRow>,
    pub by_model: Vec<UsageRow>,
    pub by_user: Vec<UsageRow>,
    pub by_function: Vec<UsageRow>,
}

#[derive(Serialize, ToSchema)]
pub struct LeaderboardEntry {
    pub rank: u32,
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub calls: i64,
    pub total_tokens: i64,
    pub cost_usd: f64,
    /// calls × 10 + tokens / 1000.
    pub score: i64,
    /// `champion` (first), `top3`, `power_user` (≥ 50 calls in the period).
    pub badges: Vec<String>,
}
