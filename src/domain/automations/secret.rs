//! The signing secret in an automation's `action_config` (`send_webhook`'s `secret`): sealed in
//! the stored config, masked in every answer (`whsec_…abcd`, like an endpoint's secret), opened
//! only to sign. An edit that sends the masked value back, or leaves `secret` out, keeps the
//! stored secret; `null` or `""` removes it; any other value replaces it.
use super::store;
use super::types::Automation;
use crate::crypto::SecretBox;
use crate::domain::webhooks::sealing::mask_secret;
use crate::error::{ApiError, ApiResult};
use anyhow::Context;
use serde_json::Value;

const KEY: &str = "secret";

/// Whether the action has a secret config field (a kept secret only survives for those).
fn has_secret(action: &str) -> bool {
    super::catalog::find(action)
        .is_some_and(|d| d.config.iter().any(|f| f.name == KEY && f.kind == "secret"))
}

fn remove(config: &mut Value) {
    if let Some(m) = config.as_object_mut() {
        m.remove(KEY);
    }
}

fn sealed_of(config: &Value) -> Option<&str> {
    config
        .get(KEY)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// A stored config as answers show it: the secret masked.
pub fn masked_config(secrets: &SecretBox, config: &Value) -> Value {
    let mut out = config.clone();
    if let Some(sealed) = sealed_of(config) {
        let shown = secrets
            .open(sealed)
            .map(|p| mask_secret(&p))
            .unwrap_or_else(|_| "••••".into());
        out[KEY] = Value::String(shown);
    }
    out
}

/// A stored automation as answers show it.
pub fn shown(secrets: &SecretBox, a: Automation) -> Automation {
    Automation {
        action_config: masked_config(secrets, &a.action_config),
        ..a
    }
}

/// The secret to sign with, if the automation has one.
pub fn open(secrets: &SecretBox, a: &Automation) -> anyhow::Result<Option<String>> {
    sealed_of(&a.action_config)
        .map(|s| {
            secrets
                .open(s)
                .context("opening the automation's webhook secret")
        })
        .transpose()
}

/// A config as sent, in the two forms it is needed in.
pub struct Received {
    /// A new secret in plain text (what validation checks); a kept one left out.
    pub check: Value,
    /// What is stored: a new secret sealed, a kept one as it was stored.
    pub store: Value,
}

/// Resolve the `secret` of a config sent for `action` against the stored config (`None` on
/// create).
pub fn receive(
    secrets: &SecretBox,
    action: &str,
    sent: Value,
    stored: Option<&Value>,
) -> ApiResult<Received> {
    if !sent.is_object() {
        // Validation rejects it.
        return Ok(Received {
            check: sent.clone(),
            store: sent,
        });
    }
    let kept = stored
        .and_then(sealed_of)
        .filter(|_| has_secret(action))
        .map(str::to_string);
    let mut check = sent;
    let mut store = check.clone();
    let keep = |check: &mut Value, store: &mut Value| {
        remove(check);
        match &kept {
            Some(k) => store[KEY] = Value::String(k.clone()),
            None => remove(store),
        }
    };
    match check.get(KEY).cloned() {
        None => keep(&mut check, &mut store),
        Some(Value::Null) => {
            remove(&mut check);
            remove(&mut store);
        }
        Some(Value::String(s)) if s.trim().is_empty() => {
            remove(&mut check);
            remove(&mut store);
        }
        Some(Value::String(s))
            if kept
                .as_deref()
                .and_then(|k| secrets.open(k).ok())
                .is_some_and(|p| mask_secret(&p) == s) =>
        {
            keep(&mut check, &mut store)
        }
        Some(Value::String(s)) => store[KEY] = Value::String(secrets.seal(s.trim())),
        Some(_) => {
            return Err(ApiError::unprocessable(
                "action_config.secret: a whsec_… string (or null to remove it)",
            ));
        }
    }
    Ok(Received { check, store })
}

/// Seal secrets a database from before sealing holds in plain text. Runs once per start,
/// before serving; returns how many automations changed.
pub fn seal_plain(c: &rusqlite::Connection, secrets: &SecretBox) -> rusqlite::Result<usize> {
    let mut changed = 0;
    for (id, mut config) in store::configs_with_secret(c)? {
        let Some(plain) = sealed_of(&config).filter(|s| !SecretBox::is_sealed(s)) else {
            continue;
        };
        config[KEY] = Value::String(secrets.seal(plain.trim()));
        store::set_action_config(c, &id, &config)?;
        changed += 1;
    }
    Ok(changed)
}
