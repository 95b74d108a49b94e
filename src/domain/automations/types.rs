//! Automations, their runs, and the self-describing action and trigger catalogs.
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A filter on the trigger's payload: `{field, op, value}`.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug)]
pub struct Condition {
    /// Dotted path in the payload, e.g. `task.priority` or `to_column_id`.
    #[schema(min_length = 1, pattern = "\\S")]
    pub field: String,
    /// eq, ne, in, not_in, contains, gt, lt, exists, not_exists.
    pub op: String,
    /// Any JSON value (a string, number, boolean, list or null).
    #[serde(default)]
    #[schema(value_type = serde_json::Value)]
    pub value: serde_json::Value,
}

#[derive(Deserialize, ToSchema)]
pub struct AutomationIn {
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: String,
    /// An event type from `GET /automations/triggers`.
    pub trigger: String,
    pub conditions: Option<Vec<Condition>>,
    /// An action from `GET /automations/actions`.
    pub action: String,
    #[schema(value_type = Object)]
    pub action_config: Option<serde_json::Value>,
    pub active: Option<bool>,
}

#[derive(Deserialize, ToSchema)]
pub struct AutomationPatch {
    #[schema(min_length = 1, max_length = 200, pattern = "\\S")]
    pub name: Option<String>,
    pub trigger: Option<String>,
    pub conditions: Option<Vec<Condition>>,
    pub action: Option<String>,
    #[schema(value_type = Object)]
    pub action_config: Option<serde_json::Value>,
    pub active: Option<bool>,
}

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct Automation {
    pub id: String,
    pub owner_id: String,
    pub name: String,
    pub trigger: String,
    pub conditions: Vec<Condition>,
    pub action: String,
    #[schema(value_type = Object)]
    pub action_config: serde_json::Value,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct Run {
    pub id: String,
    pub automation_id: String,
    pub event_id: Option<String>,
    pub trigger: String,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// How many automations deep this run is in a chain (loop protection).
    pub depth: i64,
    pub is_test: bool,
    /// queued, succeeded, failed or skipped.
    pub status: String,
    #[schema(value_type = Option<Object>)]
    pub output: Option<serde_json::Value>,
    pub error: Option<String>,
    pub duration_ms: Option<i64>,
    pub created_at: String,
    pub finished_at: Option<String>,
}

/// One field of an action's config form.
#[derive(Serialize, ToSchema, Clone)]
pub struct ConfigField {
    pub name: &'static str,
    /// text, textarea, url, select, user, json, secret (masked in answers; the masked value
    /// sent back keeps the stored one).
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub required: bool,
    pub description: &'static str,
    /// Allowed values of a `select`.
    pub options: Vec<&'static str>,
    /// Whether `{{field}}` templates are expanded in it.
    pub templated: bool,
}

#[derive(Serialize, ToSchema, Clone)]
pub struct ActionDef {
    pub name: &'static str,
    pub description: &'static str,
    pub config: Vec<ConfigField>,
    /// False while the area it needs has not landed: runs fail with a clear error.
    pub available: bool,
}

#[derive(Serialize, ToSchema)]
pub struct TriggerDef {
    pub name: &'static str,
    pub description: &'static str,
    pub fields: Vec<&'static str>,
    #[schema(value_type = Object)]
    pub example: serde_json::Value,
    pub admin_only: bool,
}
