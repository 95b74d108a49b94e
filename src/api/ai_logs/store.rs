//! SQL of ai_logs: insert, filtered listing and the aggregates behind stats, usage and leaderboard.
use super::types::*;
use crate::access::Viewer;
use crate::ai::logs::Entry;
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

/// `YYYY-MM-DD` as an inclusive upper bound.
fn upper(date_to: &Option<String>) -> Option<String> {
    date_to.as_ref().map(|d| {
        if d.len() == 10 {
            format!("{d}T23:59:59.999Z")
        } else {
            d.clone()
        }
    })
}

/// Members see their own calls only; `user_id` filters for admins.
const WHERE: &str = "(?1 = 1 OR l.user_id = ?2) AND (?3 IS NULL OR l.provider = ?3) AND (?4 IS NULL OR l.model = ?4)
    AND (?5 IS NULL OR l.function = ?5) AND (?6 IS NULL OR l.status = ?6) AND (?7 IS NULL OR l.user_id = ?7)
    AND (?8 IS NULL OR l.created_at >= ?8) AND (?9 IS NULL OR l.created_at <= ?9)";

macro_rules! filter_params {
    ($v:expr, $f:expr) => {
        params![
            $v.admin,
            $v.user_id,
            $f.provider,
            $f.model,
            $f.function,
            $f.status,
            $f.user_id,
            $f.date_from,
            upper(&$f.date_to)
        ]
    };
}

pub fn list(
    c: &Connection,
    v: &Viewer,
    f: &LogFilter,
    limit: u32,
    offset: u32,
) -> rusqlite::Result<(Vec<LogEntryResponse>, i64)> {
    let total: i64 = c
        .prepare_cached(&format!("SELECT COUNT(*) FROM ai_logs l WHERE {WHERE}"))?
        .query_row(filter_params!(v, f), |r| r.get(0))?;
    let mut stmt = c.prepare_cached(&format!(
        "SELECT l.id, l.provider, l.model, l.function, l.user_id, u.email, l.status, l.error, l.latency_ms, l.ttft_ms,
                l.input_tokens, l.output_tokens, l.total_tokens, l.cost_usd, l.conversation_id, l.created_at
           FROM ai_logs l LEFT JOIN users u ON u.id = l.user_id WHERE {WHERE}
          ORDER BY l.created_at DESC, l.id DESC LIMIT ?10 OFFSET ?11"
    ))?;
    let rows = stmt.query_map(
        params![
            v.admin,
            v.user_id,
            f.provider,
            f.model,
            f.function,
            f.status,
            f.user_id,
            f.date_from,
            upper(&f.date_to),
            limit,
            offset
        ],
        |r| {
            Ok(LogEntryResponse {
                id: r.get(0)?,
                provider: r.get(1)?,
                model: r.get(2)?,
                function: r.get(3)?,
                user_id: r.get(4)?,
                user_email: r.get(5)?,
                status: r.get(6)?,
                error: r.get(7)?,
                latency_ms: r.get(8)?,
                ttft_ms: r.get(9)?,
                input_tokens: r.get(10)?,
                output_tokens: r.get(11)?,
                total_tokens: r.get(12)?,
                cost_usd: r.get(13)?,
                conversation_id: r.get(14)?,
                created_at: r.get(15)?,
            })
        },
    )?;
    Ok((rows.collect::<rusqlite::Result<_>>()?, total))
}

/// Totals: (calls, errors, input, output, total, cost, avg latency, avg ttft).
pub fn totals(
    c: &Connection,
    v: &Viewer,
    f: &LogFilter,
) -> rusqlite::Result<(i64, i64, i64, i64, i64, f64, f64, Option<f64>)> {
    c.prepare_cached(&format!(
        "SELECT COUNT(*), COALESCE(SUM(l.status = 'error'), 0), COALESCE(SUM(l.input_tokens), 0), COALESCE(SUM(l.output_tokens), 0),
                COALESCE(SUM(l.total_tokens), 0), COALESCE(SUM(l.cost_usd), 0), COALESCE(AVG(l.latency_ms), 0), AVG(l.ttft_ms)
           FROM ai_logs l WHERE {WHERE}"
    ))?
    .query_row(filter_params!(v, f), |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
    })
}

/// Grouped totals; `group` is one of the literal expressions below (never user input).
pub fn grouped(
    c: &Connection,
    v: &Viewer,
    f: &LogFilter,
    group: Group,
) -> rusqlite::Result<Vec<UsageRow>> {
    let (key, label, order) = match group {
        Group::Day => ("substr(l.created_at, 1, 10)", "NULL", "1"),
        Group::Model => ("l.model", "NULL", "6 DESC"),
        Group::User => ("COALESCE(l.user_id, '')", "u.email", "6 DESC"),
        Group::Function => ("l.function", "NULL", "6 DESC"),
        Group::Provider => ("l.provider", "NULL", "6 DESC"),
    };
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {key}, {label}, COUNT(*), COALESCE(SUM(l.status = 'error'), 0), COALESCE(SUM(l.input_tokens), 0),
                COALESCE(SUM(l.total_tokens), 0), COALESCE(SUM(l.output_tokens), 0), COALESCE(SUM(l.cost_usd), 0)
           FROM ai_logs l LEFT JOIN users u ON u.id = l.user_id WHERE {WHERE}
          GROUP BY 1 ORDER BY {order} LIMIT 400"
    ))?;
    let rows = stmt.query_map(filter_params!(v, f), |r| {
        Ok(UsageRow {
            key: r.get(0)?,
            label: r.get(1)?,
            calls: r.get(2)?,
            errors: r.get(3)?,
            input_tokens: r.get(4)?,
            total_tokens: r.get(5)?,
            output_tokens: r.get(6)?,
            cost_usd: r.get(7)?,
        })
    })?;
    rows.collect()
}

#[derive(Clone, Copy)]
pub enum Group {
    Day,
    Model,
    User,
    Function,
    Provider,
}

/// Per-user totals since `since`, best first: (user_id, email, name, calls, tokens, cost).
pub fn leaderboard(
    c: &Connection,
    since: Option<&str>,
) -> rusqlite::Result<Vec<(String, String, String, i64, i64, f64)>> {
    let mut stmt = c.prepare_cached(
        "SELECT u.id, u.email, u.name, COUNT(*), COALESCE(SUM(l.total_tokens), 0), COALESCE(SUM(l.cost_usd), 0)
           FROM ai_logs l JOIN users u ON u.id = l.user_id
          WHERE (?1 IS NULL OR l.created_at >= ?1)
          GROUP BY u.id ORDER BY COUNT(*) * 10 + SUM(l.total_tokens) / 1000 DESC, u.email LIMIT 100",
    )?;
    let rows = stmt.query_map(params![since], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
        ))
    })?;
    rows.collect()
}
