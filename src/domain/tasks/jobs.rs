//! `tasks.check_overdue`: fire `task.overdue` once per open task whose due date has passed
//! (hourly as a recurring job, or on demand via `POST /tasks/check-overdue`).
use super::{event_payload, store};
use crate::access::Viewer;
use crate::db::Db;
use crate::error::ApiResult;
use crate::jobs::Job;
use crate::state::AppState;
use rusqlite::Connection;

pub const KIND: &str = "tasks.check_overdue";

pub fn run(state: &AppState, _job: &Job) -> anyhow::Result<()> {
    let everyone = Viewer {
        user_id: String::new(),
        admin: true,
    };
    state.db.write_blocking(|c| check_in(c, &everyone))?;
    Ok(())
}

/// Check the tasks the caller may see.
pub async fn check(db: &Db, v: Viewer) -> ApiResult<i64> {
    Ok(db.write(move |c| check_in(c, &v)).await?)
}

/// Mark and announce the overdue tasks visible to `v`. Returns how many fired now (tasks that
/// already fired are remembered and skipped).
fn check_in(c: &Connection, v: &Viewer) -> rusqlite::Result<i64> {
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let ids = store::overdue_ids(c, v, &today)?;
    for id in &ids {
        store::mark_overdue(c, id)?;
        let t = store::load(c, id)?;
        crate::events::emit(c, "task.overdue", None, event_payload(&t))?;
    }
    Ok(ids.len() as i64)
}
