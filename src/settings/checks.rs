//! How a setting's value is checked and stored, by its kind (`registry::Kind`).
use super::registry::{Def, Kind};
use serde_json::Value;

pub fn yyyymm(s: &str) -> bool {
    s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit())
}

/// `v21.0`: a `v`, digits, a dot, digits.
pub fn graph_version(s: &str) -> bool {
    let Some((major, minor)) = s.strip_prefix('v').and_then(|r| r.split_once('.')) else {
        return false;
    };
    [major, minor]
        .iter()
        .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Check a value against its kind; `null` means "unset".
pub fn validate(def: &Def, value: &Value) -> Result<(), String> {
    if value.is_null() {
        return Ok(());
    }
    let key = def.key;
    match def.kind {
        Kind::Text | Kind::Secret => match value.as_str() {
            Some(s) if s.chars().count() <= 8192 => Ok(()),
            Some(_) => Err(format!("{key} is longer than 8192 characters")),
            None => Err(format!("{key} must be a string")),
        },
        Kind::Url => {
            let s = value
                .as_str()
                .ok_or_else(|| format!("{key} must be a string URL"))?;
            let ok = (s.starts_with("http://") || s.starts_with("https://"))
                && s.len() <= 2048
                && s.parse::<ureq::http::Uri>()
                    .map(|u| u.host().is_some_and(|h| !h.is_empty()))
                    .unwrap_or(false);
            if ok {
                Ok(())
            } else {
                Err(format!("{key} must be an http(s) URL"))
            }
        }
        Kind::Bool => value
            .as_bool()
            .map(|_| ())
            .ok_or_else(|| format!("{key} must be true or false")),
        Kind::StringList => match value.as_array() {
            Some(items) if items.iter().all(Value::is_string) => Ok(()),
            _ => Err(format!("{key} must be a list of strings")),
        },
        Kind::Int { min, max } => int_in(key, value, min, max).map(|_| ()),
        Kind::Number { min, max } => number_in(key, value, min, max).map(|_| ()),
        Kind::Choice(options) => match value.as_str() {
            Some(s) if options.contains(&s) => Ok(()),
            _ => Err(format!("{key} must be one of {}", options.join(", "))),
        },
        Kind::Format { check, example, .. } => match value.as_str() {
            Some(s) if check(s) => Ok(()),
            _ => Err(format!("{key} must look like {example}")),
        },
        Kind::PriceTable => price_table(key, value).map(|_| ()),
    }
}

fn number_in(key: &str, value: &Value, min: f64, max: f64) -> Result<f64, String> {
    let n = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    match n {
        Some(n) if n.is_finite() && n >= min && n <= max => Ok(n),
        _ => Err(format!("{key} must be a number from {min} to {max}")),
    }
}

/// The table as an object (given as one, or as a string holding one), every price two
/// non-negative numbers.
fn price_table(key: &str, value: &Value) -> Result<serde_json::Map<String, Value>, String> {
    let bad = || {
        format!(
            "{key} must be a JSON object {{\"model-prefix\": [input, output]}} of non-negative prices"
        )
    };
    let table = match value {
        Value::Object(m) => m.clone(),
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(m)) => m,
            _ => return Err(bad()),
        },
        _ => return Err(bad()),
    };
    let price_ok = |v: &Value| v.as_f64().is_some_and(|n| n >= 0.0 && n.is_finite());
    if table.values().all(|v| {
        v.as_array()
            .is_some_and(|a| a.len() == 2 && a.iter().all(price_ok))
    }) {
        Ok(table)
    } else {
        Err(bad())
    }
}

/// The value as stored: an `Int` as its decimal string, anything else unchanged (after
/// [`validate`]).
pub fn canonical(def: &Def, value: Value) -> Result<Value, String> {
    validate(def, &value)?;
    Ok(match def.kind {
        Kind::Int { min, max } if !value.is_null() => {
            Value::String(int_in(def.key, &value, min, max)?.to_string())
        }
        Kind::Number { min, max } if !value.is_null() => {
            Value::String(number_in(def.key, &value, min, max)?.to_string())
        }
        Kind::PriceTable if !value.is_null() => {
            Value::String(Value::Object(price_table(def.key, &value)?).to_string())
        }
        _ => value,
    })
}

fn int_in(key: &str, value: &Value, min: i64, max: i64) -> Result<i64, String> {
    let n = match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    match n {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("{key} must be a whole number from {min} to {max}")),
    }
}
