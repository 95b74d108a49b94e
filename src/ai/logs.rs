//! Recording every provider call (tokens, latency, time to first token, estimated cost) and the
//! optional per-user monthly token budget. Prices: assets/ai_prices.json, overridden per model by
//! the `ai_price_table` setting (JSON `{"model-prefix": [input, output]}`, USD per 1M tokens).
use super::Usage;
use super::logs_store as store;
use crate::crypto::SecretBox;
use crate::settings::store::get_string;
use rusqlite::Connection;
use serde_json::Value;

const DEFAULT_PRICES: &str = include_str!("../../assets/ai_prices.json");

pub struct Entry<'a> {
    pub provider: &'a str,
    pub model: &'a str,
    pub function: &'a str,
    pub user_id: Option<&'a str>,
    pub error: Option<&'a str>,
    pub latency_ms: i64,
    pub ttft_ms: Option<i64>,
    pub usage: Usage,
    pub conversation_id: Option<&'a str>,
}

/// Record one call; run it inside `Db::write` (it reads the price table, then inserts).
pub fn record(c: &Connection, secrets: &SecretBox, e: &Entry) -> anyhow::Result<()> {
    let cost = cost_usd(c, secrets, e.model, e.usage)?;
    store::insert(c, e, cost)?;
    Ok(())
}

/// Estimated cost of a call from the price table (0 for unknown models).
pub fn cost_usd(c: &Connection, secrets: &SecretBox, model: &str, u: Usage) -> anyhow::Result<f64> {
    let mut table: serde_json::Map<String, Value> = serde_json::from_str(DEFAULT_PRICES)?;
    if let Some(custom) = get_string(c, secrets, "ai_price_table")?
        && let Ok(Value::Object(m)) = serde_json::from_str::<Value>(&custom)
    {
        table.extend(m);
    }
    let model = model.rsplit('/').next().unwrap_or(model);
    let best = table
        .iter()
        .filter(|(k, v)| model.starts_with(k.as_str()) && v.is_array())
        .max_by_key(|(k, _)| k.len());
    let Some((_, price)) = best else {
        return Ok(0.0);
    };
    let input = price[0].as_f64().unwrap_or(0.0);
    let output = price[1].as_f64().unwrap_or(0.0);
    Ok((u.input_tokens as f64 * input + u.output_tokens as f64 * output) / 1_000_000.0)
}

/// The monthly per-user token budget, if the admin set one (`monthly_token_budget`).
pub fn budget(c: &Connection, secrets: &SecretBox) -> anyhow::Result<Option<u64>> {
    Ok(get_string(c, secrets, "monthly_token_budget")?
        .and_then(|s| s.trim().replace('_', "").parse::<u64>().ok())
        .filter(|b| *b > 0))
}

/// The first instant of the current month, as stored timestamps compare.
pub fn month_start() -> String {
    chrono::Utc::now().format("%Y-%m-01T00:00:00").to_string()
}

/// Tokens the user spent since the start of this month.
pub fn month_tokens(c: &Connection, user_id: &str) -> rusqlite::Result<i64> {
    store::tokens_since(c, user_id, &month_start())
}

/// `Some(detail)` when the user has used up this month's budget.
pub fn over_budget(
    c: &Connection,
    secrets: &SecretBox,
    user_id: &str,
) -> anyhow::Result<Option<String>> {
    let Some(limit) = budget(c, secrets)? else {
        return Ok(None);
    };
    let used = month_tokens(c, user_id)?;
    Ok((used >= limit as i64).then(|| {
        format!("monthly token budget exhausted: {used} of {limit} tokens used this month; ask an admin to raise monthly_token_budget")
    }))
}
