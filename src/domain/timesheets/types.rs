//! Time entries, their inputs and filters, and the report — as the API shows them.
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema, Clone)]
pub struct TimeEntry {
    pub id: String,
    pub user_id: String,
    pub user_name: Option<String>,
    pub task_id: Option<String>,
    pub task_title: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub minutes: i64,
    pub billable: bool,
    pub description: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `manual` or `timer`.
    pub source: String,
    pub hourly_rate: Option<f64>,
    pub created_at: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEntry {
    pub task_id: String,
    #[schema(minimum = 1, maximum = 1440)]
    pub minutes: i64,
    #[serde(default = "yes")]
    pub billable: bool,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    /// `YYYY-MM-DD`; today when absent.
    #[schema(format = Date)]
    pub date: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateEntry {
    #[schema(minimum = 1, maximum = 1440)]
    pub minutes: Option<i64>,
    pub billable: Option<bool>,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    #[schema(format = Date)]
    pub date: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct EntryQuery {
    pub user_id: Option<String>,
    pub project_id: Option<String>,
    pub task_id: Option<String>,
    #[param(format = Date)]
    pub date_from: Option<String>,
    #[param(format = Date)]
    pub date_to: Option<String>,
    pub billable: Option<bool>,
}

#[derive(Deserialize, IntoParams)]
pub struct ReportQuery {
    /// The last N days including today (1–366, default 30).
    #[param(minimum = 1, maximum = 366)]
    pub days: Option<i64>,
    pub user_id: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
}

#[derive(Serialize, ToSchema, Default)]
pub struct Bucket {
    pub key: Option<String>,
    pub name: String,
    pub minutes: i64,
    pub billable_minutes: i64,
    pub amount: f64,
}

#[derive(Serialize, ToSchema)]
pub struct Day {
    pub date: String,
    pub minutes: i64,
    pub billable_minutes: i64,
}

#[derive(Serialize, ToSchema)]
pub struct TimesheetReport {
    pub days: i64,
    pub date_from: String,
    pub date_to: String,
    pub total_minutes: i64,
    pub billable_minutes: i64,
    pub non_billable_minutes: i64,
    /// Minutes × the hourly rate recorded on each entry.
    pub billable_amount: f64,
    pub non_billable_amount: f64,
    pub by_user: Vec<Bucket>,
    pub by_client: Vec<Bucket>,
    pub by_project: Vec<Bucket>,
    /// One row per day of the period, zeros included.
    pub daily: Vec<Day>,
}
