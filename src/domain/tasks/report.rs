//! The productivity report: one grouped scan over the visible tasks (`report_store`), folded
//! into totals and the per-assignee / per-project / per-priority breakdowns in Rust (fast at
//! 100k tasks).
use super::types::{Breakdown, ProductivityReport, ReportQuery};
use crate::access::Viewer;
use crate::db::Db;
use crate::error::ApiResult;
use rusqlite::Connection;
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

pub async fn productivity(db: &Db, v: Viewer, q: ReportQuery) -> ApiResult<ProductivityReport> {
    if q.days.is_some_and(|d| !(1..=36_500).contains(&d)) {
        return Err(crate::error::ApiError::unprocessable(
            "days must be between 1 and 36500",
        ));
    }
    Ok(db.read(move |c| build(c, &v, &q)).await?)
}

fn build(c: &Connection, v: &Viewer, q: &ReportQuery) -> rusqlite::Result<ProductivityReport> {
    let since = q.days.map(|d| {
        (chrono::Utc::now() - chrono::Duration::days(d.clamp(1, 36_500)))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    });
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let rows = super::report_store::productivity_rows(c, v, q, since.as_deref(), &today)?;
    let mut all = Acc::default();
    let mut overdue = 0;
    let mut by_a: BTreeMap<Option<String>, Acc> = BTreeMap::new();
    let mut by_p: BTreeMap<Option<String>, Acc> = BTreeMap::new();
    let mut by_pr: BTreeMap<Option<String>, Acc> = BTreeMap::new();
    for r in rows {
        let acc = Acc {
            name: String::new(),
            total: r.total,
            completed: r.completed,
            due_completed: r.due_completed,
            on_time: r.on_time,
            est: r.estimated,
            actual: r.actual,
        };
        let (aid, aname, pid, pname, prio) = (
            r.assignee_id,
            r.assignee_name,
            r.project_id,
            r.project_name,
            r.priority,
        );
        all.add(&acc);
        overdue += r.overdue;
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
