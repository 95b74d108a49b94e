//! Thin handlers of /settings (admin only).
use crate::auth::AdminUser;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::settings::registry::{self, Kind};
use crate::settings::store;
use crate::state::AppState;
use actix_web::{get, put, web};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Every known setting: its value, `null` when unset; secrets masked (`sk-…1234`).
#[derive(Serialize, ToSchema)]
#[serde(transparent)]
pub struct SettingsView(pub BTreeMap<String, Value>);

fn view(state: &AppState, c: &rusqlite::Connection) -> anyhow::Result<SettingsView> {
    let mut out: BTreeMap<String, Value> = registry::DEFS
        .iter()
        .map(|d| (d.key.to_string(), Value::Null))
        .collect();
    for stored in store::all(c)? {
        let Some(def) = registry::find(&stored.key) else {
            continue;
        };
        let value = store::decode(&state.secrets, &stored)?;
        let shown = match (def.kind, value.as_str()) {
            (Kind::Secret, Some(s)) => Value::String(registry::mask(s)),
            _ => value,
        };
        out.insert(stored.key, shown);
    }
    Ok(SettingsView(out))
}

/// One known setting: how the UI should render it and what it means.
#[derive(Serialize, ToSchema)]
pub struct SettingDef {
    pub key: String,
    /// `text`, `url`, `secret`, `bool` or `string_list`.
    pub kind: String,
    pub description: String,
}

#[utoipa::path(tag = "settings", responses((status = 200, body = Vec<SettingDef>), (status = 403, body = ErrorBody)))]
#[get("/settings/schema")]
pub async fn settings_schema(_admin: AdminUser) -> web::Json<Vec<SettingDef>> {
    let kind = |k: Kind| match k {
        Kind::Text => "text",
        Kind::Url => "url",
        Kind::Secret => "secret",
        Kind::Bool => "bool",
        Kind::StringList => "string_list",
    };
    web::Json(
        registry::DEFS
            .iter()
            .map(|d| SettingDef {
                key: d.key.to_string(),
                kind: kind(d.kind).to_string(),
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
    let st = state.clone();
    Ok(web::Json(state.db.run(move |c| view(&st, c)).await?))
}

#[utoipa::path(tag = "settings", request_body(content = Object, description = "partial update: key → value (null unsets)"),
    responses((status = 200, body = SettingsView), (status = 422, body = ErrorBody, description = "unknown key or invalid value")))]
#[put("/settings/")]
pub async fn update_settings(
    state: web::Data<AppState>,
    admin: AdminUser,
    body: web::Json<Map<String, Value>>,
) -> ApiResult<web::Json<SettingsView>> {
    let mut changes = Vec::new();
    for (key, value) in body.into_inner() {
        let def = registry::find(&key)
            .ok_or_else(|| ApiError::unprocessable(format!("unknown setting: {key}")))?;
        registry::validate(def, &value).map_err(ApiError::Unprocessable)?;
        let stored = match (&value, def.kind) {
            (Value::Null, _) => None,
            (_, Kind::Secret) => Some((state.secrets.seal(&value.to_string()), true)),
            _ => Some((value.to_string(), false)),
        };
        changes.push((key, stored));
    }
    let st = state.clone();
    let by = admin.id.clone();
    let view = state
        .db
        .run(move |c| -> anyhow::Result<SettingsView> {
            let tx = c.transaction()?;
            let keys: Vec<&String> = changes.iter().map(|(k, _)| k).collect();
            crate::events::emit(
                &tx,
                "settings.updated",
                Some(&by),
                serde_json::json!({ "keys": keys }),
            )?;
            for (key, stored) in &changes {
                match stored {
                    Some((v, enc)) => store::put(&tx, key, v, *enc, Some(&by))?,
                    None => store::delete(&tx, key)?,
                }
            }
            tx.commit()?;
            view(&st, c)
        })
        .await?;
    state.jobs.notify();
    Ok(web::Json(view))
}
