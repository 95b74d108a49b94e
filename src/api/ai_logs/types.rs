//! DTOs of /ai-logs: the query shapes here; the report shapes are the domain's own.
use serde::Deserialize;
use utoipa::IntoParams;

pub use crate::domain::ai_logs::types::{
    LeaderboardEntry, LogEntryResponse, LogFilter, StatsResponse, TokenUsageResponse, UsageRow,
};

#[derive(Deserialize, IntoParams)]
pub struct UsageQuery {
    /// Days back from today (1–366, default 30).
    #[param(minimum = 1, maximum = 366)]
    pub days: Option<u32>,
}

#[derive(Deserialize, IntoParams)]
pub struct LeaderboardQuery {
    /// `week`, `month` (default) or `all`.
    pub period: Option<String>,
}
