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
    /// `text`, `url`, `secret`, `bool`, `string_list`, `int` (a whole number from `min` to `max`),
    /// `number` (from `min` to `max`), `choice` (one of `options`), `format` (text matching
    /// `pattern`, e.g. `example`) or `json` (a JSON object). Numbers may be sent as numbers or
    /// numeric strings and are answered as strings.
    pub kind: String,
    /// Smallest accepted value of an `int` or `number` setting.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<f64>)]
    pub min: Option<serde_json::Value>,
    /// Largest accepted value of an `int` or `number` setting.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<f64>)]
    pub max: Option<serde_json::Value>,
    /// The values a `choice` setting takes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
    /// The shape of a `format` setting (ECMA-262 regular expression).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    pub description: String,
}
