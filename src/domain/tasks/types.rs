//! Tasks, columns, comments, timers and the productivity report, as the API shows them
//! (serde + OpenAPI schemas), and the inputs of their operations.
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Absent, explicitly null, or a value — PUT bodies distinguish "leave" from "clear".
pub fn some_or_null<'de, T: Deserialize<'de>, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A task label: 1–50 characters, not only spaces.
#[derive(ToSchema)]
#[schema(value_type = String, min_length = 1, max_length = 50, pattern = "\\S")]
pub struct Label(pub String);

#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct Column {
    pub id: String,
    /// `project` or `personal`.
    pub scope_type: String,
    pub scope_id: String,
    pub name: String,
    pub position: i64,
    pub is_done: bool,
    pub color: String,
    pub wip_limit: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateColumn {
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    pub name: String,
    pub project_id: Option<String>,
    #[schema(pattern = "^(project|personal)$")]
    pub scope_type: Option<String>,
    pub scope_id: Option<String>,
    /// 0-based; past the end puts it last.
    #[schema(minimum = 0, maximum = 100000)]
    pub position: Option<i64>,
    #[serde(default)]
    pub is_done: bool,
    pub color: Option<String>,
    /// Cards the column should hold at most (shown, not enforced).
    #[schema(minimum = 1, maximum = 10000)]
    pub wip_limit: Option<i64>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateColumn {
    #[schema(min_length = 1, max_length = 100, pattern = "\\S")]
    pub name: Option<String>,
    /// 0-based; past the end puts it last.
    #[schema(minimum = 0, maximum = 100000)]
    pub position: Option<i64>,
    pub is_done: Option<bool>,
    pub color: Option<String>,
    /// Cards the column should hold at most; null removes the limit.
    #[serde(default, deserialize_with = "some_or_null")]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 10000)]
    pub wip_limit: Option<Option<i64>>,
}

#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct Task {
    pub id: String,
    pub title: String,
    pub description: String,
    pub column_id: String,
    /// Name of the column.
    pub column: String,
    pub position: i64,
    pub priority: String,
    pub owner_id: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub parent_task_id: Option<String>,
    pub assignee_id: Option<String>,
    pub assignee_name: Option<String>,
    pub due_date: Option<String>,
    pub estimated_minutes: Option<i64>,
    pub labels: Vec<String>,
    pub completed_at: Option<String>,
    pub subtask_count: i64,
    pub subtask_done_count: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Deserialize, IntoParams, Default)]
pub struct TaskQuery {
    pub project_id: Option<String>,
    pub client_id: Option<String>,
    pub assignee_id: Option<String>,
    pub column_id: Option<String>,
    pub priority: Option<String>,
    pub parent_task_id: Option<String>,
    pub include_subtasks: Option<bool>,
}

#[derive(Deserialize, ToSchema, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct CreateTask {
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub column_id: Option<String>,
    /// 0-based; past the end puts it last.
    #[schema(minimum = 0, maximum = 100000)]
    pub position: Option<i64>,
    #[schema(pattern = "^(low|medium|high|urgent)$")]
    pub priority: Option<String>,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
    pub parent_task_id: Option<String>,
    pub assignee_id: Option<String>,
    /// `YYYY-MM-DD` (or an RFC 3339 timestamp).
    #[schema(pattern = "^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])")]
    pub due_date: Option<String>,
    #[schema(minimum = 0, maximum = 100000)]
    pub estimated_minutes: Option<i64>,
    /// Labels of 1–50 characters each; at most 30.
    #[serde(default)]
    #[schema(max_items = 30, inline, value_type = Vec<Label>)]
    pub labels: Vec<String>,
}

#[derive(Deserialize, ToSchema, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct UpdateTask {
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    pub title: Option<String>,
    pub description: Option<String>,
    #[schema(pattern = "^(low|medium|high|urgent)$")]
    pub priority: Option<String>,
    #[serde(default, deserialize_with = "some_or_null")]
    #[schema(value_type = Option<String>)]
    pub assignee_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "some_or_null")]
    #[schema(value_type = Option<String>, pattern = "^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])")]
    pub due_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "some_or_null")]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 100000)]
    pub estimated_minutes: Option<Option<i64>>,
    #[schema(max_items = 30, value_type = Option<Vec<Label>>)]
    pub labels: Option<Vec<String>>,
    #[serde(default, deserialize_with = "some_or_null")]
    #[schema(value_type = Option<String>)]
    pub parent_task_id: Option<Option<String>>,
    /// Moving via PUT is allowed too (same rules as /move).
    pub column_id: Option<String>,
}

#[derive(Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct MoveTask {
    pub column_id: String,
    /// 0-based; past the end of the column puts it last.
    #[schema(minimum = 0, maximum = 100000)]
    pub position: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct TimerState {
    pub running: bool,
    pub task_id: Option<String>,
    pub task_title: Option<String>,
    pub started_at: Option<String>,
    pub elapsed_seconds: i64,
    /// The timesheet entry recorded by a stop.
    pub entry_id: Option<String>,
    pub minutes: Option<i64>,
}

#[derive(Serialize, ToSchema, Clone)]
pub struct Comment {
    pub id: String,
    pub task_id: String,
    pub author_id: Option<String>,
    pub author_name: Option<String>,
    pub content: String,
    pub created_at: String,
}

#[derive(Deserialize, IntoParams)]
pub struct ReportQuery {
    /// Tasks created in the last N days (all when absent).
    #[param(minimum = 1, maximum = 36500)]
    pub days: Option<i64>,
    pub project_id: Option<String>,
    pub client_id: Option<String>,
    pub assignee_id: Option<String>,
}

#[derive(Serialize, ToSchema, Default, Clone)]
pub struct Breakdown {
    pub key: Option<String>,
    pub name: String,
    pub total: i64,
    pub completed: i64,
    pub completion_rate: f64,
    pub on_time_rate: f64,
    pub estimated_minutes: i64,
    pub actual_minutes: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ProductivityReport {
    pub total: i64,
    pub completed: i64,
    pub overdue: i64,
    /// completed / total, 0..1.
    pub completion_rate: f64,
    /// Completed by the due date / completed with a due date, 0..1.
    pub on_time_rate: f64,
    /// (actual − estimated) / estimated × 100 over completed tasks with an estimate.
    pub variance_pct: f64,
    pub by_assignee: Vec<Breakdown>,
    pub by_project: Vec<Breakdown>,
    pub by_priority: Vec<Breakdown>,
}
