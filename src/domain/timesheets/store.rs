//! SQL of timesheet entries (rows are inserted by `domain::tasks::activity::log_time_in`). Entries carry the task's client/project, so `access::visible`
//! decides who sees them (own entries, plus entries in projects one works on; admins all).
use super::types::{EntryQuery, TimeEntry};
use crate::access::{self, Viewer};
use crate::page::Page;
use rusqlite::{Connection, OptionalExtension, params};

/// Every query using it binds the viewer at ?1 (user id) and ?2 (is admin): a colleague's
/// hourly rate is admin-only, so it reads as null to members.
const SELECT: &str =
    "SELECT e.id, e.owner_id, u.name, e.task_id, t.title, e.client_id, e.project_id, e.minutes,
    e.billable, e.description, e.date, e.source,
    CASE WHEN ?2 = 1 OR e.owner_id = ?1 THEN e.hourly_rate END, e.created_at
  FROM timesheets e LEFT JOIN users u ON u.id = e.owner_id LEFT JOIN tasks t ON t.id = e.task_id";

fn row(r: &rusqlite::Row) -> rusqlite::Result<TimeEntry> {
    Ok(TimeEntry {
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

pub fn get(c: &Connection, v: &Viewer, id: &str) -> rusqlite::Result<Option<TimeEntry>> {
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
) -> rusqlite::Result<(Vec<TimeEntry>, u64)> {
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

/// Minutes of one (user, client, project, day, billable) group, with names for the report.
pub struct ReportRow {
    pub user_id: String,
    pub user_name: Option<String>,
    pub client_id: Option<String>,
    pub client_name: Option<String>,
    pub project_id: Option<String>,
    pub project_name: Option<String>,
    pub date: String,
    pub billable: bool,
    pub minutes: i64,
    /// Σ minutes × hourly rate (the entry's snapshot, else the user's current rate).
    pub rate_minutes: f64,
}

/// The visible entries from `from` to `to` (`YYYY-MM-DD`, inclusive), grouped.
pub fn report_rows(
    c: &Connection,
    v: &Viewer,
    (from, to): (&str, &str),
    user: Option<&str>,
    client: Option<&str>,
    project: Option<&str>,
) -> rusqlite::Result<Vec<ReportRow>> {
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
    c.prepare_cached(&sql)?
        .query_map(
            params![v.user_id, v.admin, from, to, user, client, project],
            |r| {
                Ok(ReportRow {
                    user_id: r.get(0)?,
                    user_name: r.get(1)?,
                    client_id: r.get(2)?,
                    client_name: r.get(3)?,
                    project_id: r.get(4)?,
                    project_name: r.get(5)?,
                    date: r.get(6)?,
                    billable: r.get(7)?,
                    minutes: r.get(8)?,
                    rate_minutes: r.get(9)?,
                })
            },
        )?
        .collect()
}
