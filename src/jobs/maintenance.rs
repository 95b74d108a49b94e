//! Hourly housekeeping: purge finished jobs and old events so the file does not grow without bound.
use crate::jobs::Job;
use crate::state::AppState;

pub const KIND: &str = "maintenance.cleanup";

pub fn run(state: &AppState, _job: &Job) -> anyhow::Result<()> {
    let conn = state.db.conn()?;
    let day = 24 * 3600 * 1000;
    let now = crate::time::now_millis();
    let done_before = crate::time::millis_to_rfc3339(now - 7 * day);
    let failed_before = crate::time::millis_to_rfc3339(now - 30 * day);
    let jobs = crate::jobs::store::purge_finished(&conn, &done_before, &failed_before)?;
    let events = crate::events::store::purge_before(&conn, &failed_before)?;
    state.limiters.login.sweep();
    state.limiters.mfa.sweep();
    state.limiters.global.sweep();
    tracing::debug!(jobs, events, "maintenance purge");
    Ok(())
}
