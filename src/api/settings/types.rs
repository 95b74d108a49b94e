//! DTOs of /settings.
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Every known setting: its value, `null` when unset; secrets masked (`sk-…1234`).
#[derive(Serialize, ToSchema)]
#[serde(transparent)]
pub struct SettingsView(pub BTreeMap<String, Value>);

/// One known setting: how the UI should render it and what it means.
#[derive(Serialize, ToSchema)]
pub struct SettingDef {
    pub key: String,
    /// `text`, `url`, `secret`, `bool`, `string_list` or `int` (a whole number from `min` to
    /// `max`, sent as a number or a numeric string, answered as a string).
    pub kind: String,
    /// Smallest accepted value of an `int` setting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Largest accepted value of an `int` setting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    pub description: String,
}
