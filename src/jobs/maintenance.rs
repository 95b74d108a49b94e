//! Hourly housekeeping: purge finished jobs and old events so the file does not grow without bound.
use crate::jobs::Job;
use crate::state::AppState;

pub const KIND: &str = "maintenance.cleanup";

pub fn run(state: &AppState, _job: &Job) -> anyhow::Result<()> {
    let day = 24 * 3600 * 1000;
    let now = crate::time::now_millis();
    let done_before = crate::time::millis_to_rfc3339(now - 7 * day);
    let failed_before = crate::time::millis_to_rfc3339(now - 30 * day);
    let (jobs, events) = state.db.write_blocking(|tx| -> anyhow::Result<_> {
        Ok((
            crate::jobs::store::purge_finished(tx, &done_before, &failed_before)?,
            crate::events::store::purge_before(tx, &failed_before)?,
        ))
    })?;
    state.limiters.login.sweep();
    state.limiters.mfa.sweep();
    state.limiters.global.sweep();
    state.limiters.public.sweep();
    tracing::debug!(jobs, events, "maintenance purge");
    Ok(())
}
