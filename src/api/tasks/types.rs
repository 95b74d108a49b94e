//! Request/response shapes of /tasks: the domain's types, and the query and body shapes only
//! the HTTP routes use.
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

pub use crate::domain::tasks::types::{
    Breakdown, Column, Comment, CreateColumn, CreateTask, MoveTask, ProductivityReport,
    ReportQuery, Task, TaskQuery, TimerState, UpdateColumn, UpdateTask,
};

#[derive(Deserialize, IntoParams)]
pub struct ColumnQuery {
    pub project_id: Option<String>,
    /// `project` or `personal` (default: the caller's personal board).
    #[param(pattern = "^(project|personal)$")]
    pub scope_type: Option<String>,
    pub scope_id: Option<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct DeleteColumnQuery {
    /// Where the column's tasks go; required when it is not empty.
    pub target_column_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimerAction {
    /// `start` or `stop`.
    #[schema(pattern = "^(start|stop)$")]
    pub action: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateComment {
    #[schema(min_length = 1, max_length = 20000, pattern = "\\S")]
    pub content: String,
}

pub use crate::page::Count;
