//! SQL of the productivity report: one grouped scan over the visible tasks.
use super::types::ReportQuery;
use crate::access::{self, Viewer};
use rusqlite::{Connection, params};

/// Totals of one (assignee, project, priority) group.
pub struct ReportRow {
    pub assignee_id: Option<String>,
    pub assignee_name: Option<String>,
    pub project_id: Option<String>,
    pub project_name: Option<String>,
    pub priority: String,
    pub total: i64,
    pub completed: i64,
    /// Completed tasks that had a due date.
    pub due_completed: i64,
    pub on_time: i64,
    /// Estimates of completed tasks that have one, and the minutes logged on them.
    pub estimated: i64,
    pub actual: i64,
    pub overdue: i64,
}

/// Visible tasks created since `since` (all when None), grouped; `today` decides overdue.
pub fn productivity_rows(
    c: &Connection,
    v: &Viewer,
    q: &ReportQuery,
    since: Option<&str>,
    today: &str,
) -> rusqlite::Result<Vec<ReportRow>> {
    // Variance only counts completed tasks with an estimate, against their logged minutes.
    let sql = format!(
        "SELECT g.assignee_id, u.name, g.project_id, p.name, g.priority, g.n, g.done, g.due_done, g.on_time, g.est, g.actual, g.overdue
         FROM (SELECT t.assignee_id, t.project_id, t.priority,
                  COUNT(*) AS n,
                  SUM(t.completed_at IS NOT NULL) AS done,
                  SUM(t.completed_at IS NOT NULL AND t.due_date IS NOT NULL) AS due_done,
                  SUM(t.completed_at IS NOT NULL AND t.due_date IS NOT NULL
                      AND substr(t.completed_at, 1, 10) <= substr(t.due_date, 1, 10)) AS on_time,
                  SUM(CASE WHEN t.completed_at IS NOT NULL AND t.estimated_minutes > 0 THEN t.estimated_minutes ELSE 0 END) AS est,
                  SUM(CASE WHEN t.completed_at IS NOT NULL AND t.estimated_minutes > 0
                      THEN (SELECT COALESCE(SUM(e.minutes), 0) FROM timesheets e WHERE e.task_id = t.id) ELSE 0 END) AS actual,
                  SUM(t.completed_at IS NULL AND t.due_date IS NOT NULL AND substr(t.due_date, 1, 10) < ?7) AS overdue
               FROM tasks t
               WHERE {} AND (?3 IS NULL OR t.created_at >= ?3) AND (?4 IS NULL OR t.project_id = ?4)
                 AND (?5 IS NULL OR t.client_id = ?5) AND (?6 IS NULL OR t.assignee_id = ?6)
               GROUP BY t.assignee_id, t.project_id, t.priority) g
         LEFT JOIN users u ON u.id = g.assignee_id LEFT JOIN projects p ON p.id = g.project_id",
        access::visible("t", "task", 1)
    );
    c.prepare_cached(&sql)?
        .query_map(
            params![
                v.user_id,
                v.admin,
                since,
                q.project_id,
                q.client_id,
                q.assignee_id,
                today
            ],
            |r| {
                Ok(ReportRow {
                    assignee_id: r.get(0)?,
                    assignee_name: r.get(1)?,
                    project_id: r.get(2)?,
                    project_name: r.get(3)?,
                    priority: r.get(4)?,
                    total: r.get(5)?,
                    completed: r.get(6)?,
                    due_completed: r.get(7)?,
                    on_time: r.get(8)?,
                    estimated: r.get(9)?,
                    actual: r.get(10)?,
                    overdue: r.get(11)?,
                })
            },
        )?
        .collect()
}
