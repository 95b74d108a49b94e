//! `tasks.check_overdue`: fire `task.overdue` once per open task whose due date has passed
//! (hourly as a recurring job, or on demand via `POST /tasks/check-overdue`).
use super::store::event_payload;
use crate::jobs::Job;
use crate::state::AppState;
use rusqlite::{Connection, params};

pub const KIND: &str = "tasks.check_overdue";

pub fn run(state: &AppState, _job: &Job) -> anyhow::Result<()> {
    let mut c = state.db.conn()?;
    let n = check(&mut c, None)?;
    if n > 0 {
        state.jobs.notify();
    }
    Ok(())
}

/// Mark and announce overdue tasks; `only_visible_to` limits to what one member may see.
/// Returns how many fired now (tasks that already fired are remembered and skipped).
pub fn check(
    c: &mut Connection,
    only_visible_to: Option<&crate::access::Viewer>,
) -> rusqlite::Result<i64> {
    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let (uid, admin) = match only_visible_to {
        Some(v) => (v.user_id.clone(), v.admin),
        None => (String::new(), true),
    };
    let sql = format!(
        "SELECT t.id FROM tasks t WHERE t.completed_at IS NULL AND t.overdue_fired_at IS NULL
           AND t.due_date IS NOT NULL AND substr(t.due_date, 1, 10) < ?3 AND {}",
        crate::access::visible("t", "task", 1)
    );
    let ids: Vec<String> = tx
        .prepare_cached(&sql)?
        .query_map(params![uid, admin, today], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let now = crate::time::now_rfc3339();
    let admin_view = crate::access::Viewer {
        user_id: String::new(),
        admin: true,
    };
    for id in &ids {
        tx.prepare_cached("UPDATE tasks SET overdue_fired_at = ?2 WHERE id = ?1")?
            .execute(params![id, now])?;
        if let Some(t) = super::store::get(&tx, &admin_view, id)? {
            crate::events::emit(&tx, "task.overdue", None, event_payload(&t))?;
        }
    }
    tx.commit()?;
    Ok(ids.len() as i64)
}
