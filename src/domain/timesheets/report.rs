//! The timesheet report: the visible entries of a period grouped in SQL (`store`), folded into
//! totals, per-user / per-client / per-project buckets and one row per day in Rust.
use super::store::{self, ReportRow};
use super::types::{Bucket, Day, TimesheetReport};
use crate::access::Viewer;
use rusqlite::Connection;
use std::collections::BTreeMap;

type Buckets = BTreeMap<Option<String>, Bucket>;

/// Aggregate the visible entries of the last `days` days (1–366, today included).
pub(super) fn build(
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
    let rows = store::report_rows(c, v, (&from_s, &to_s), user, client, project)?;
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
        let ReportRow {
            user_id: uid,
            user_name: uname,
            client_id: cid,
            client_name: cname,
            project_id: pid,
            project_name: pname,
            date,
            billable,
            minutes,
            rate_minutes,
        } = r;
        // Rates are admin-only: a member's report values only their own hours.
        let amt = if v.admin || uid == v.user_id {
            rate_minutes / 60.0
        } else {
            0.0
        };
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
