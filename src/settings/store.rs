//! SQL of the settings table (values are JSON; secret values are sealed JSON).
use crate::crypto::SecretBox;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

pub struct Stored {
    pub key: String,
    pub value: String,
    pub encrypted: bool,
}

pub fn all(c: &Connection) -> rusqlite::Result<Vec<Stored>> {
    let mut stmt = c.prepare_cached("SELECT key, value, encrypted FROM settings ORDER BY key")?;
    let rows = stmt.query_map([], |r| {
        Ok(Stored {
            key: r.get(0)?,
            value: r.get(1)?,
            encrypted: r.get(2)?,
        })
    })?;
    rows.collect()
}

pub fn get_raw(c: &Connection, key: &str) -> rusqlite::Result<Option<Stored>> {
    c.prepare_cached("SELECT key, value, encrypted FROM settings WHERE key = ?1")?
        .query_row([key], |r| {
            Ok(Stored {
                key: r.get(0)?,
                value: r.get(1)?,
                encrypted: r.get(2)?,
            })
        })
        .optional()
}

/// The decrypted JSON value of a setting, if set.
pub fn get_value(c: &Connection, secrets: &SecretBox, key: &str) -> anyhow::Result<Option<Value>> {
    let Some(stored) = get_raw(c, key)? else {
        return Ok(None);
    };
    decode(secrets, &stored).map(Some)
}

pub fn decode(secrets: &SecretBox, stored: &Stored) -> anyhow::Result<Value> {
    let json = if stored.encrypted {
        secrets.open(&stored.value)?
    } else {
        stored.value.clone()
    };
    Ok(serde_json::from_str(&json)?)
}

pub fn get_string(
    c: &Connection,
    secrets: &SecretBox,
    key: &str,
) -> anyhow::Result<Option<String>> {
    Ok(get_value(c, secrets, key)?
        .and_then(|v| v.as_str().map(str::to_string))
        .filter(|s| !s.is_empty()))
}

pub fn get_bool(c: &Connection, secrets: &SecretBox, key: &str) -> anyhow::Result<Option<bool>> {
    Ok(get_value(c, secrets, key)?.and_then(|v| v.as_bool()))
}

/// The admin's choice to let user-supplied URLs reach private networks (default: no).
pub fn allow_private_network(c: &Connection, secrets: &SecretBox) -> anyhow::Result<bool> {
    Ok(get_bool(c, secrets, "allow_private_network")?.unwrap_or(false))
}

/// When any setting last changed (caches built from settings compare it).
pub fn last_change(c: &Connection) -> rusqlite::Result<Option<String>> {
    c.prepare_cached("SELECT MAX(updated_at) FROM settings")?
        .query_row([], |r| r.get(0))
}

pub fn put(
    c: &Connection,
    key: &str,
    stored_value: &str,
    encrypted: bool,
    by: Option<&str>,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO settings (key, value, encrypted, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value, encrypted = excluded.encrypted,
            updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )?
    .execute(params![key, stored_value, encrypted, crate::time::now_rfc3339(), by])?;
    Ok(())
}

pub fn delete(c: &Connection, key: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM settings WHERE key = ?1")?
        .execute([key])?;
    Ok(())
}
