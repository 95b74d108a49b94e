//! Thin handlers of /settings (admin only).
use super::types::*;
use crate::auth::AdminUser;
use crate::error::{ApiResult, ErrorBody};
use crate::settings::registry::{self, Kind};
use crate::state::AppState;
use actix_web::{get, put, web};
use serde_json::{Map, Value};

#[utoipa::path(tag = "settings", responses((status = 200, body = Vec<SettingDef>), (status = 403, body = ErrorBody)))]
#[get("/settings/schema")]
pub async fn settings_schema(_admin: AdminUser) -> web::Json<Vec<SettingDef>> {
    let kind = |k: Kind| match k {
        Kind::Text => "text",
        Kind::Url => "url",
        Kind::Secret => "secret",
        Kind::Bool => "bool",
        Kind::StringList => "string_list",
        Kind::Int { .. } => "int",
        Kind::Number { .. } => "number",
        Kind::Choice(_) => "choice",
        Kind::Format { .. } => "format",
        Kind::PriceTable => "json",
    };
    let range = |k: Kind| match k {
        Kind::Int { min, max } => (Some(Value::from(min)), Some(Value::from(max))),
        Kind::Number { min, max } => (Some(Value::from(min)), Some(Value::from(max))),
        _ => (None, None),
    };
    web::Json(
        registry::DEFS
            .iter()
            .map(|d| SettingDef {
                key: d.key.to_string(),
                kind: kind(d.kind).to_string(),
                min: range(d.kind).0,
                max: range(d.kind).1,
                options: match d.kind {
                    Kind::Choice(o) => Some(o.iter().map(|s| s.to_string()).collect()),
                    _ => None,
                },
                pattern: match d.kind {
                    Kind::Format { pattern, .. } => Some(pattern.to_string()),
                    _ => None,
                },
                example: match d.kind {
                    Kind::Format { example, .. } => Some(example.to_string()),
                    _ => None,
                },
                description: d.description.to_string(),
            })
            .collect(),
    )
}

#[utoipa::path(tag = "settings", responses((status = 200, body = SettingsView), (status = 403, body = ErrorBody)))]
#[get("/settings/")]
pub async fn get_settings(
    state: web::Data<AppState>,
    _admin: AdminUser,
) -> ApiResult<web::Json<SettingsView>> {
    Ok(web::Json(SettingsView(
        crate::settings::read_view(&state).await?,
    )))
}

#[utoipa::path(tag = "settings", request_body(content = Object, description = "partial update: key → value (null unsets)"),
    responses((status = 200, body = SettingsView), (status = 403, body = ErrorBody),
              (status = 422, body = ErrorBody, description = "unknown key or invalid value (an `int` setting outside its min..max range from /settings/schema, or not a whole number; the detail names the setting and its range)")))]
#[put("/settings/")]
pub async fn update_settings(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: web::Json<Map<String, Value>>,
) -> ApiResult<web::Json<SettingsView>> {
    Ok(web::Json(SettingsView(
        crate::settings::update(&state, &admin.id, body.into_inner()).await?,
    )))
}
