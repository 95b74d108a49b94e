//! Deployment settings: the registry of known keys (validation, sealing, masking) and the
//! settings table. Below the domain: providers, importers and delivery read their settings here.
pub mod checks;
pub mod registry;
pub mod store;

use crate::crypto::SecretBox;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use registry::Kind;
use rusqlite::Connection;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Every known setting: its value, `null` when unset (`true` for [`registry::DEFAULT_ON`]);
/// secrets masked (`sk-…1234`).
pub fn view(c: &Connection, secrets: &SecretBox) -> anyhow::Result<BTreeMap<String, Value>> {
    let mut out: BTreeMap<String, Value> = registry::DEFS
        .iter()
        .map(|d| (d.key.to_string(), Value::Null))
        .collect();
    for key in registry::DEFAULT_ON {
        out.insert(key.to_string(), Value::Bool(true));
    }
    for stored in store::all(c)? {
        let Some(def) = registry::find(&stored.key) else {
            continue;
        };
        let value = store::decode(secrets, &stored)?;
        let shown = match (def.kind, value.as_str()) {
            (Kind::Secret, Some(s)) => Value::String(registry::mask(s)),
            _ => value,
        };
        out.insert(stored.key, shown);
    }
    Ok(out)
}

/// [`view`] on a pooled read connection.
pub async fn read_view(state: &AppState) -> ApiResult<BTreeMap<String, Value>> {
    let secrets = state.secrets.clone();
    state
        .db
        .read(move |c| -> ApiResult<_> { Ok(view(c, &secrets)?) })
        .await
}

/// Apply a partial update (key → value; `null` unsets) after validating every key against the
/// registry (422 for an unknown key or an invalid value); the new view.
pub async fn update(
    state: &AppState,
    by: &str,
    changes: Map<String, Value>,
) -> ApiResult<BTreeMap<String, Value>> {
    let mut rows = Vec::new();
    for (key, value) in changes {
        let def = registry::find(&key)
            .ok_or_else(|| ApiError::unprocessable(format!("unknown setting: {key}")))?;
        let value = registry::canonical(def, value).map_err(ApiError::Unprocessable)?;
        let stored = match (&value, def.kind) {
            (Value::Null, _) => None,
            (_, Kind::Secret) => Some((state.secrets.seal(&value.to_string()), true)),
            _ => Some((value.to_string(), false)),
        };
        rows.push((key, stored));
    }
    let secrets = state.secrets.clone();
    let by = by.to_string();
    state
        .db
        .write(move |tx| -> ApiResult<_> {
            let keys: Vec<&String> = rows.iter().map(|(k, _)| k).collect();
            crate::events::emit(
                tx,
                "settings.updated",
                Some(&by),
                serde_json::json!({ "keys": keys }),
            )?;
            for (key, stored) in &rows {
                match stored {
                    Some((v, enc)) => store::put(tx, key, v, *enc, Some(&by))?,
                    None => store::delete(tx, key)?,
                }
            }
            Ok(view(tx, &secrets)?)
        })
        .await
}

/// Store one secret setting (sealed) on behalf of `by`, outside the registry's partial update.
pub async fn put_secret(
    state: &AppState,
    by: &str,
    key: &'static str,
    value: &str,
) -> ApiResult<()> {
    let sealed = state
        .secrets
        .seal(&Value::String(value.to_string()).to_string());
    let by = by.to_string();
    state
        .db
        .write(move |tx| store::put(tx, key, &sealed, true, Some(&by)))
        .await?;
    Ok(())
}
