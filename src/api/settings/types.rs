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
    /// `text`, `url`, `secret`, `bool` or `string_list`.
    pub kind: String,
    pub description: String,
}
