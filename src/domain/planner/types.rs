//! Plans, their items, and what callers send to create and change them.
use crate::domain::content::types::PlatformName;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A cadence: `daily`, `weekdays`, `weekly` or `<n>_per_week` (n 1–7); empty for none.
#[derive(ToSchema)]
#[schema(value_type = String, pattern = "^(daily|weekdays|weekly|[1-7]_per_week)?$")]
pub struct CadenceName(pub String);

/// A plan status.
#[derive(ToSchema)]
#[schema(value_type = String, pattern = "^(draft|active|completed|archived)$")]
pub struct PlanStatus(pub String);

/// A plan item status.
#[derive(ToSchema)]
#[schema(value_type = String, pattern = "^(idea|planned|drafted|scheduled|published|skipped)$")]
pub struct ItemStatus(pub String);

pub const PLAN_STATUSES: &[&str] = &["draft", "active", "completed", "archived"];
pub const ITEM_STATUSES: &[&str] = &[
    "idea",
    "planned",
    "drafted",
    "scheduled",
    "published",
    "skipped",
];

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Plan {
    pub id: String,
    pub title: String,
    pub description: String,
    /// YYYY-MM-DD.
    pub start_date: String,
    /// YYYY-MM-DD, on or after `start_date`.
    pub end_date: String,
    pub platforms: Vec<String>,
    /// `daily | weekdays | weekly | <n>_per_week`.
    pub cadence: Option<String>,
    pub goals: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    /// draft | active | completed | archived.
    pub status: String,
    pub items_count: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A plan with its items, by date.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanDetail {
    #[serde(flatten)]
    pub plan: Plan,
    pub items: Vec<PlanItem>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanItem {
    pub id: String,
    pub plan_id: String,
    /// YYYY-MM-DD.
    pub date: String,
    pub platform: String,
    pub title: String,
    pub brief: String,
    /// idea | planned | drafted | scheduled | published | skipped.
    pub status: String,
    pub content_id: Option<String>,
    pub task_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlanRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    /// YYYY-MM-DD.
    #[schema(format = Date)]
    pub start_date: String,
    /// YYYY-MM-DD, on or after start_date, at most 366 days in all.
    #[schema(format = Date)]
    pub end_date: String,
    /// Known platform names (see GET /content/platforms), 1–10.
    #[schema(value_type = Vec<PlatformName>, min_items = 1, max_items = 10)]
    pub platforms: Vec<String>,
    /// `daily | weekdays | weekly | <n>_per_week` (n 1–7).
    #[serde(default)]
    #[schema(value_type = Option<CadenceName>)]
    pub cadence: Option<String>,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub goals: Option<String>,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub project_id: Option<String>,
}

/// Every field optional; an empty `cadence` or `goals` clears it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePlanRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    #[schema(format = Date)]
    pub start_date: Option<String>,
    #[schema(format = Date)]
    pub end_date: Option<String>,
    #[schema(value_type = Option<Vec<PlatformName>>, min_items = 1, max_items = 10)]
    pub platforms: Option<Vec<String>>,
    #[schema(value_type = Option<CadenceName>)]
    pub cadence: Option<String>,
    #[schema(max_length = 4000)]
    pub goals: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    /// draft | active | completed | archived.
    #[schema(value_type = Option<PlanStatus>)]
    pub status: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlanItemRequest {
    /// YYYY-MM-DD inside the plan's range.
    #[schema(format = Date)]
    pub date: String,
    #[schema(value_type = PlatformName)]
    pub platform: String,
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub brief: Option<String>,
    /// idea | planned (default) | drafted | scheduled | published | skipped.
    #[serde(default)]
    #[schema(value_type = Option<ItemStatus>)]
    pub status: Option<String>,
}

/// Every field optional. Moving `date` is the calendar's drag and drop. An empty `content_id`
/// or `task_id` unlinks it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePlanItemRequest {
    #[schema(format = Date)]
    pub date: Option<String>,
    #[schema(value_type = Option<PlatformName>)]
    pub platform: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 4000)]
    pub brief: Option<String>,
    #[schema(value_type = Option<ItemStatus>)]
    pub status: Option<String>,
    pub content_id: Option<String>,
    pub task_id: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GeneratePlanItemsRequest {
    /// How many items at most (1–400); default: one on every cadence date without an item.
    #[schema(minimum = 1, maximum = 400)]
    pub count: Option<u32>,
    #[schema(max_length = 4000)]
    pub instructions: Option<String>,
    pub provider: Option<String>,
    pub model: Option<String>,
    /// Allow two items on the same platform on the same day.
    #[serde(default)]
    pub allow_same_day: bool,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AutonomousPlanRequest {
    /// What the plan is about (becomes its goals and description).
    #[schema(min_length = 3, max_length = 4000)]
    pub brief: String,
    #[schema(max_length = 200)]
    pub title: Option<String>,
    /// YYYY-MM-DD; default today.
    #[schema(format = Date)]
    pub start_date: Option<String>,
    /// 1–366, default 14.
    #[schema(minimum = 1, maximum = 366)]
    pub days: Option<u32>,
    /// Default: linkedin.
    #[schema(value_type = Option<Vec<PlatformName>>, min_items = 1, max_items = 10)]
    pub platforms: Option<Vec<String>>,
    /// Default: 3_per_week.
    #[schema(value_type = Option<CadenceName>)]
    pub cadence: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub provider: Option<String>,
    pub model: Option<String>,
}

/// Filters of the plan list.
#[derive(Debug, Clone, Default)]
pub struct PlanFilter {
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub status: Option<String>,
}

/// Filters of the calendar (items across visible plans).
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    pub from: Option<String>,
    pub to: Option<String>,
    pub plan_id: Option<String>,
    pub client_id: Option<String>,
    pub status: Option<String>,
    pub platform: Option<String>,
}

/// A validated plan row to insert or write back.
#[derive(Debug, Clone)]
pub struct PlanRow {
    pub title: String,
    pub description: String,
    pub start_date: String,
    pub end_date: String,
    pub platforms: Vec<String>,
    pub cadence: Option<String>,
    pub goals: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub status: String,
}

/// A validated item row to insert.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub date: String,
    pub platform: String,
    pub title: String,
    pub brief: String,
    pub status: String,
}
