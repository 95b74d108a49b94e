//! Clients, projects, groups, memberships, people, teams, shares — as the API shows them, and
//! the inputs of their operations.
use crate::domain::tasks::types::some_or_null;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct Client {
    pub id: String,
    pub name: String,
    pub description: String,
    pub contact_email: Option<String>,
    pub website: Option<String>,
    pub status: String,
    pub project_count: i64,
    /// Users who belong directly (teams listed in `team_ids`).
    pub member_ids: Vec<String>,
    pub team_ids: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientInput {
    /// Required on create.
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: Option<String>,
    pub description: Option<String>,
    pub contact_email: Option<String>,
    pub website: Option<String>,
    /// `active`, `paused` or `archived`.
    #[schema(pattern = "^(active|paused|archived)$")]
    pub status: Option<String>,
    /// Replace the direct user members.
    pub member_ids: Option<Vec<String>>,
    /// Replace the member teams.
    pub team_ids: Option<Vec<String>>,
}

#[derive(Serialize, ToSchema)]
pub struct Project {
    pub id: String,
    pub client_id: String,
    pub client_name: String,
    pub group_id: Option<String>,
    pub name: String,
    pub description: String,
    pub status: String,
    pub start_date: Option<String>,
    pub due_date: Option<String>,
    pub budget_hours: Option<f64>,
    pub task_count: i64,
    pub member_ids: Vec<String>,
    pub team_ids: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectInput {
    /// Required on create.
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: Option<String>,
    pub description: Option<String>,
    /// `planned`, `active`, `on_hold`, `done` or `archived`.
    #[schema(pattern = "^(planned|active|on_hold|done|archived)$")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "some_or_null")]
    #[schema(value_type = Option<String>)]
    pub group_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "some_or_null")]
    #[schema(value_type = Option<String>, format = Date)]
    pub start_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "some_or_null")]
    #[schema(value_type = Option<String>, format = Date)]
    pub due_date: Option<Option<String>>,
    #[serde(default, deserialize_with = "some_or_null")]
    #[schema(value_type = Option<f64>, minimum = 0, maximum = 10000000)]
    pub budget_hours: Option<Option<f64>>,
    pub member_ids: Option<Vec<String>>,
    pub team_ids: Option<Vec<String>>,
}

#[derive(Deserialize, IntoParams)]
pub struct ProjectQuery {
    pub client_id: Option<String>,
    pub group_id: Option<String>,
    pub status: Option<String>,
    /// Name contains (case-insensitive).
    pub q: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Group {
    pub id: String,
    pub client_id: String,
    pub name: String,
    pub description: String,
    pub created_at: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupInput {
    /// Required on create.
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: Option<String>,
    pub description: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    /// `client` or `project`.
    #[schema(pattern = "^(client|project)$")]
    pub scope_type: String,
    pub scope_id: String,
    /// `user` or `team`.
    #[schema(pattern = "^(user|team)$")]
    pub principal_type: String,
    pub principal_id: String,
}

#[derive(Serialize, ToSchema, Clone)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub title: String,
    pub reports_to: Option<String>,
    pub hourly_rate: Option<f64>,
    pub capacity_hours: f64,
    pub active: bool,
    pub has_password: bool,
    pub created_at: String,
    pub last_login_at: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    /// Required on create.
    #[schema(format = Email)]
    pub email: Option<String>,
    pub name: Option<String>,
    /// `admin` or `member`.
    #[schema(pattern = "^(admin|member)$")]
    pub role: Option<String>,
    /// Omit on create to invite (the account signs in via SSO or after an admin sets one).
    #[schema(min_length = 10)]
    pub password: Option<String>,
    pub title: Option<String>,
    #[serde(default, deserialize_with = "some_or_null")]
    #[schema(value_type = Option<String>)]
    pub reports_to: Option<Option<String>>,
    #[serde(default, deserialize_with = "some_or_null")]
    #[schema(value_type = Option<f64>, minimum = 0, maximum = 1000000)]
    pub hourly_rate: Option<Option<f64>>,
    #[schema(minimum = 0, maximum = 168)]
    pub capacity_hours: Option<f64>,
    /// false ends every session of the user.
    pub active: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct Team {
    pub id: String,
    pub name: String,
    pub description: String,
    pub member_ids: Vec<String>,
    pub created_at: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamInput {
    /// Required on create.
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: Option<String>,
    pub description: Option<String>,
    pub member_ids: Option<Vec<String>>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareInput {
    /// A registered shareable kind (e.g. source, collection, task, conversation).
    pub resource_type: String,
    pub resource_id: String,
    /// `client` or `project`.
    #[schema(pattern = "^(client|project)$")]
    pub target_type: String,
    pub target_id: String,
}

#[derive(Serialize, ToSchema)]
pub struct Share {
    pub id: String,
    pub resource_type: String,
    pub resource_id: String,
    pub target_type: String,
    pub target_id: String,
    pub created_by: Option<String>,
    pub created_at: String,
}

#[derive(Deserialize, IntoParams)]
pub struct ShareQuery {
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssociateInput {
    pub resource_type: String,
    pub resource_id: String,
    /// null with project_id null: back to personal.
    pub client_id: Option<String>,
    pub project_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Allocation {
    pub user_id: String,
    pub name: String,
    pub title: String,
    pub capacity_hours: f64,
    pub open_tasks: i64,
    /// Estimates of open assigned tasks, in hours.
    pub estimated_hours: f64,
    /// Logged since Monday (UTC).
    pub logged_hours_week: f64,
    /// estimated_hours / capacity_hours × 100.
    pub utilization_pct: f64,
}

#[derive(Serialize, ToSchema)]
pub struct OrgNode {
    pub id: String,
    pub name: String,
    pub email: String,
    pub title: String,
    pub role: String,
    #[schema(no_recursion)]
    pub reports: Vec<OrgNode>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegacySubtask {
    #[schema(min_length = 1, max_length = 500, pattern = "\\S")]
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub parent_task_id: Option<String>,
    pub assignee_id: Option<String>,
    #[schema(pattern = "^(low|medium|high|urgent)$")]
    pub priority: Option<String>,
    /// `YYYY-MM-DD` (or an RFC 3339 timestamp).
    #[schema(pattern = "^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])")]
    pub due_date: Option<String>,
    #[schema(minimum = 0, maximum = 100000)]
    pub estimated_minutes: Option<i64>,
}
