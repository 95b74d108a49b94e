//! The productivity report: one grouped scan over the visible tasks, folded into totals and the
//! per-assignee / per-project / per-priority breakdowns in Rust (fast at 100k tasks).
use super::types::{Breakdown, ProductivityReport, ReportQuery};
use crate::access::{self, Viewer};
use rusqlite::{Connection, params};
use std::collections::BTreeMap;

#[derive(Default, Clone)]
struct Acc {
    name: String,
    total: i64,
    completed: i64,
    due_completed: i64,
    on_time: i64,
    est: i64,
    actual: i64,
}

impl Acc {
    fn add(&mut self, o: &Acc) {
        self.total += o.total;
        self.completed += o.completed;
        self.due_completed += o.due_completed;
        self.on_time += o.on_time;
        self.est += o.est;
        self.actual += o.actual;
    }
    fn out(&self, key: Option<String>) -> Breakdown {
        Breakdown {
            key,
            name: self.name.clone(),
            total: self.total,
            completed: self.completed,
            completion_rate: ratio(self.completed, self.total),
            on_time_rate: ratio(self.on_time, self.due_completed),
            estimated_minutes: self.est,
            actual_minutes: self.actual,
        }
    }
}

fn ratio(a: i64, b: i64) -> f64 {
    if b == 0 {
        0.0
    } else {
        ((a as f64 / b as f64) * 1000.0).round() / 1000.0
    }
}

pub fn productivity(
    c: &Connection,
    v: &Viewer,
    q: &ReportQuery,
) -> rusqlite::Result<ProductivityReport> {
    let since = q.days.map(|d| {
        (chrono::Utc::now() - chrono::Duration::days(d.clamp(1, 36_500)))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    });
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
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
    let mut stmt = c.prepare_cached(&sql)?;
    let rows = stmt.query_map(
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
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                Acc {
                    name: String::new(),
                    total: r.get(5)?,
                    completed: r.get(6)?,
                    due_completed: r.get(7)?,
                    on_time: r.get(8)?,
                    est: r.get(9)?,
                    actual: r.get(10)?,
                },
                r.get::<_, i64>(11)?,
            ))
        },
    )?;
    let mut all = Acc::default();
    let mut overdue = 0;
    let mut by_a: BTreeMap<Option<String>, Acc> = BTreeMap::new();
    let mut by_p: BTreeMap<Option<String>, Acc> = BTreeMap::new();
    let mut by_pr: BTreeMap<Option<String>, Acc> = BTreeMap::new();
    for r in rows {
        let (aid, aname, pid, pname, prio, acc, od) = r?;
        all.add(&acc);
        overdue += od;
        let e = by_a.entry(aid).or_default();
        e.add(&acc);
        e.name = aname.unwrap_or_else(|| "Unassigned".into());
        let e = by_p.entry(pid).or_default();
        e.add(&acc);
        e.name = pname.unwrap_or_else(|| "No project".into());
        let e = by_pr.entry(Some(prio.clone())).or_default();
        e.add(&acc);
        e.name = prio;
    }
    let variance = if all.est > 0 {
        (((all.actual - all.est) as f64 / all.est as f64) * 1000.0).round() / 10.0
    } else {
        0.0
    };
    let fold = |m: BTreeMap<Option<String>, Acc>| -> Vec<Breakdown> {
        let mut v: Vec<Breakdown> = m.into_iter().map(|(k, a)| a.out(k)).collect();
        v.sort_by_key(|b| std::cmp::Reverse(b.total));
        v
    };
    Ok(ProductivityReport {
        total: all.total,
        completed: all.completed,
        overdue,
        completion_rate: ratio(all.completed, all.total),
        on_time_rate: ratio(all.on_time, all.due_completed),
        variance_pct: variance,
        by_assignee: fold(by_a),
        by_project: fold(by_p),
        by_priority: fold(by_pr),
    })
}
