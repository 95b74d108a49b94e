//! SQL of the ai_logs writes and the budget's one read: record a call, tokens used since a date.
use super::logs::Entry;
use rusqlite::{Connection, params};

pub fn insert(c: &Connection, e: &Entry, cost: f64) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO ai_logs (id, provider, model, function, user_id, status, error, latency_ms, ttft_ms,
             input_tokens, output_tokens, total_tokens, cost_usd, conversation_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        uuid::Uuid::now_v7().to_string(),
        e.provider,
        e.model,
        e.function,
        e.user_id,
        if e.error.is_some() { "error" } else { "ok" },
        e.error,
        e.latency_ms,
        e.ttft_ms,
        e.usage.input_tokens as i64,
        e.usage.output_tokens as i64,
        e.usage.total_tokens as i64,
        cost,
        e.conversation_id,
        crate::time::now_rfc3339()
    ])?;
    Ok(())
}

pub fn tokens_since(c: &Connection, user_id: &str, since: &str) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT COALESCE(SUM(total_tokens), 0) FROM ai_logs WHERE user_id = ?1 AND created_at >= ?2")?
        .query_row(params![user_id, since], |r| r.get(0))
}
