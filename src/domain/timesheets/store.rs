//! SQL of timesheet entries (rows are inserted by `domain::tasks::activity::log_time_in`). Entries carry the task's client/project, so `access::visible`
//! decides who sees them (own entries, plus entries in projects one works on; admins all).
use super::types::{Bucket, Day, Entry, EntryQuery, TimesheetReport};
use crate::access::{self, Viewer};
use crate::page::Page;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeMap;

type Buckets = BTreeMap<Option<String>, Bucket>;

const SELECT: &str =
    "SELECT e.id, e.owner_id, u.name, e.task_id, t.title, e.client_id, e.project_id, e.minutes,
    e.billable, e.description, e.date, e.source, e.hourly_rate, e.created_at
  FROM timesheets e LEFT JOIN users u ON u.id = e.owner_id LEFT JOIN tasks t ON t.id = e.task_id";

fn row(r: &rusqlite::Row) -> rusqlite::Result<Entry> {
    Ok(Entry {
        id: r.get(0)?,
        user_id: r.get(1)?,
        user_name: r.get(2)?,
        task_id: r.get(3)?,
        task_title: r.get(4)?,
        client_id: r.get(5)?,
        project_id: r.get(6)?,
        minutes: r.get(7)?,
        billable: r.get(8)?,
        description: r.get(9)?,
        date: r.get(10)?,
        source: r.get(11)?,
        hourly_rate: r.get(12)?,
        created_at: r.get(13)?,
    })
}

pub fn get(c: &Connection, v: &Viewer, id: &str) -> rusqlite::Result<Option<Entry>> {
    c.prepare_cached(&format!(
        "{SELECT} WHERE e.id = ?3 AND {}",
        access::visible("e", "timesheet", 1)
    ))?
    .query_row(params![v.user_id, v.admin, id], row)
    .optional()
}

/// One page of the visible entries matching `q`, newest first, and how many match in all.
pub fn list(
    c: &Connection,
    v: &Viewer,
    q: &EntryQuery,
    page: Page,
) -> rusqlite::Result<(Vec<Entry>, u64)> {
    let filter = format!(
        "WHERE {} AND (?3 IS NULL OR e.owner_id = ?3) AND (?4 IS NULL OR e.project_id = ?4)
           AND (?5 IS NULL OR e.task_id = ?5) AND (?6 IS NULL OR e.date >= ?6) AND (?7 IS NULL OR e.date <= ?7)
           AND (?8 IS NULL OR e.billable = ?8)",
        access::visible("e", "timesheet", 1)
    );
    let total = c
        .prepare_cached(&format!("SELECT COUNT(*) FROM timesheets e {filter}"))?
        .query_row(
            params![
                v.user_id,
                v.admin,
                q.user_id,
                q.project_id,
                q.task_id,
                q.date_from,
                q.date_to,
                q.billable
            ],
            |r| r.get::<_, i64>(0).map(|n| n as u64),
        )?;
    let (limit, offset) = page.sql();
    let items = c
        .prepare_cached(&format!(
            "{SELECT} {filter} ORDER BY e.date DESC, e.created_at DESC, e.id DESC LIMIT ?9 OFFSET ?10"
        ))?
        .query_map(
            params![
                v.user_id,
                v.admin,
                q.user_id,
                q.project_id,
                q.task_id,
                q.date_from,
                q.date_to,
                q.billable,
                limit,
                offset
            ],
            row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok((items, total))
}

pub fn update(
    c: &Connection,
    id: &str,
    minutes: Option<i64>,
    billable: Option<bool>,
    description: Option<&str>,
    date: Option<&str>,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE timesheets SET minutes = COALESCE(?2, minutes), billable = COALESCE(?3, billable),
            description = COALESCE(?4, description), date = COALESCE(?5, date), updated_at = ?6 WHERE id = ?1",
    )?
    .execute(params![id, minutes, billable, description, date, crate::time::now_rfc3339()])?;
    Ok(())
}

pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM timesheets WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Aggregate the visible entries of the last `days` days (one grouped scan, folded in Rust).
pub fn report(
    c: &Connection,
    v: &Viewer,
    days: i64,
    user: Option<&str>,
    client: Option<&str>,
    project: Option<&str>,
) -> rusqlite::Result<TimesheetReport> {
    let days = days.clamp(1, 366);
    let today = chrono::Utc::now().date_naive();
    let from = today - chrono::Duration::days(days - 1);
    let (from_s, to_s) = (
        from.format("%Y-%m-%d").to_string(),
        today.format("%Y-%m-%d").to_string(),
    );
    let sql = format!(
        "SELECT e.owner_id, u.name, e.client_id, cl.name, e.project_id, p.name, e.date, e.billable,
            SUM(e.minutes), SUM(e.minutes * COALESCE(e.hourly_rate, u.hourly_rate, 0))
         FROM timesheets e LEFT JOIN users u ON u.id = e.owner_id LEFT JOIN clients cl ON cl.id = e.client_id
              LEFT JOIN projects p ON p.id = e.project_id
         WHERE {} AND e.date >= ?3 AND e.date <= ?4 AND (?5 IS NULL OR e.owner_id = ?5)
           AND (?6 IS NULL OR e.client_id = ?6) AND (?7 IS NULL OR e.project_id = ?7)
         GROUP BY e.owner_id, e.client_id, e.project_id, e.date, e.billable",
        access::visible("e", "timesheet", 1)
    );
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![v.user_id, v.admin, from_s, to_s, user, client, project],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, bool>(7)?,
                r.get::<_, i64>(8)?,
                r.get::<_, f64>(9)?,
            ))
        },
    )?;
    let mut out = TimesheetReport {
        days,
        date_from: from_s.clone(),
        date_to: to_s,
        total_minutes: 0,
        billable_minutes: 0,
        non_billable_minutes: 0,
        billable_amount: 0.0,
        non_billable_amount: 0.0,
        by_user: vec![],
        by_client: vec![],
        by_project: vec![],
        daily: vec![],
    };
    let mut bu: Buckets = BTreeMap::new();
    let mut bc: Buckets = BTreeMap::new();
    let mut bp: Buckets = BTreeMap::new();
    let mut daily: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for r in rows {
        let (uid, uname, cid, cname, pid, pname, date, billable, minutes, rate_minutes) = r?;
        let amt = rate_minutes / 60.0;
        out.total_minutes += minutes;
        if billable {
            out.billable_minutes += minutes;
            out.billable_amount += amt;
        } else {
            out.non_billable_minutes += minutes;
            out.non_billable_amount += amt;
        }
        for (map, key, name, fallback) in [
            (&mut bu, Some(uid.clone()), uname, "Unknown user"),
            (&mut bc, cid, cname, "No client"),
            (&mut bp, pid, pname, "No project"),
        ] {
            let b = map.entry(key.clone()).or_default();
            b.key = key;
            b.name = name.unwrap_or_else(|| fallback.to_string());
            b.minutes += minutes;
            if billable {
                b.billable_minutes += minutes;
                b.amount += amt;
            }
        }
        let d = daily.entry(date).or_default();
        d.0 += minutes;
        if billable {
            d.1 += minutes;
        }
    }
    let round = |x: f64| (x * 100.0).round() / 100.0;
    out.billable_amount = round(out.billable_amount);
    out.non_billable_amount = round(out.non_billable_amount);
    let fold = |m: BTreeMap<Option<String>, Bucket>| {
        let mut v: Vec<Bucket> = m
            .into_values()
            .map(|mut b| {
                b.amount = round(b.amount);
                b
            })
            .collect();
        v.sort_by_key(|b| std::cmp::Reverse(b.minutes));
        v
    };
    out.by_user = fold(bu);
    out.by_client = fold(bc);
    out.by_project = fold(bp);
    out.daily = (0..days)
        .map(|i| {
            let d = (from + chrono::Duration::days(i))
                .format("%Y-%m-%d")
                .to_string();
            let (m, b) = daily.get(&d).copied().unwrap_or_default();
            Day {
                date: d,
                minutes: m,
                billable_minutes: b,
            }
        })
        .collect();
    Ok(out)
}
