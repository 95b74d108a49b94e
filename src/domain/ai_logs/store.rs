//! SQL of the ai_logs reports: filtered listing and the aggregates behind stats, usage and
//! leaderboard (calls are recorded by `ai::logs`).
use super::types::*;
use crate::access::Viewer;
use crate::page::Page;
use rusqlite::{Connection, params};

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
    page: Page,
) -> rusqlite::Result<(Vec<LogEntryResponse>, u64)> {
    let (limit, offset) = page.sql();
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
    Ok((rows.collect::<rusqlite::Result<_>>()?, total as u64))
}

pub fn totals(c: &Connection, v: &Viewer, f: &LogFilter) -> rusqlite::Result<Totals> {
    c.prepare_cached(&format!(
        "SELECT COUNT(*), COALESCE(SUM(l.status = 'error'), 0), COALESCE(SUM(l.input_tokens), 0), COALESCE(SUM(l.output_tokens), 0),
                COALESCE(SUM(l.total_tokens), 0), COALESCE(SUM(l.cost_usd), 0), COALESCE(AVG(l.latency_ms), 0), AVG(l.ttft_ms)
           FROM ai_logs l WHERE {WHERE}"
    ))?
    .query_row(filter_params!(v, f), |r| {
        Ok(Totals {
            calls: r.get(0)?,
            errors: r.get(1)?,
            input_tokens: r.get(2)?,
            output_tokens: r.get(3)?,
            total_tokens: r.get(4)?,
            cost_usd: r.get(5)?,
            avg_latency_ms: r.get(6)?,
            avg_ttft_ms: r.get(7)?,
        })
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

/// How many users called a provider since `since` (the leaderboard's length).
pub fn leaderboard_count(
    c: &Connection,
    v: &crate::access::Viewer,
    since: Option<&str>,
) -> rusqlite::Result<u64> {
    c.prepare_cached(&format!(
        "SELECT COUNT(DISTINCT l.user_id) FROM ai_logs l JOIN users u ON u.id = l.user_id
          WHERE (?1 IS NULL OR l.created_at >= ?1) AND {}",
        crate::access::colleague("u", "id", 2)
    ))?
    .query_row(params![since, v.user_id, v.admin], |r| r.get::<_, i64>(0))
    .map(|n| n as u64)
}

/// One page of per-user totals since `since`, best first: the viewer's colleagues (everyone for
/// an admin).
pub fn leaderboard(
    c: &Connection,
    v: &crate::access::Viewer,
    since: Option<&str>,
    page: Page,
) -> rusqlite::Result<Vec<UserTotals>> {
    let (limit, offset) = page.sql();
    let mut stmt = c.prepare_cached(&format!(
        "SELECT u.id, u.email, u.name, COUNT(*), COALESCE(SUM(l.total_tokens), 0), COALESCE(SUM(l.cost_usd), 0)
           FROM ai_logs l JOIN users u ON u.id = l.user_id
          WHERE (?1 IS NULL OR l.created_at >= ?1) AND {}
          GROUP BY u.id ORDER BY COUNT(*) * 10 + SUM(l.total_tokens) / 1000 DESC, u.email LIMIT ?2 OFFSET ?3",
        crate::access::colleague("u", "id", 4)
    ))?;
    let rows = stmt.query_map(params![since, limit, offset, v.user_id, v.admin], |r| {
        Ok(UserTotals {
            user_id: r.get(0)?,
            email: r.get(1)?,
            name: r.get(2)?,
            calls: r.get(3)?,
            total_tokens: r.get(4)?,
            cost_usd: r.get(5)?,
        })
    })?;
    rows.collect()
}
