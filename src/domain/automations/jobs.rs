//! The fan-out subscriber that queues runs, and the run job. Loop protection: events caused by
//! an action are tagged with the chain depth (`origin.rs`); past [`MAX_DEPTH`] no automation
//! fires again (the run is recorded as skipped).
use super::engine::{context, lookup, matches};
use super::store;
use super::types::{Automation, Run};
use crate::events::{Event, Push};
use crate::jobs::Job;
use crate::state::AppState;
use anyhow::Context;
use serde_json::{Value, json};
use std::time::Instant;

pub const KIND: &str = "automations.run";
pub const MAX_DEPTH: i64 = 3;

/// Whether the automation's owner may see what the event is about (members' automations only
/// fire on their own work; admin-only triggers only for admins).
fn owner_may_see(c: &rusqlite::Connection, a: &Automation, event: &Event) -> anyhow::Result<bool> {
    let Some(v) = crate::access::viewer_of(c, &a.owner_id)? else {
        return Ok(false);
    };
    if v.admin {
        return Ok(true);
    }
    if crate::domain::webhooks::catalog::find(&event.kind).is_none_or(|d| d.admin_only) {
        return Ok(false);
    }
    let d = &event.data;
    let s = |p: &str| lookup(d, p).and_then(Value::as_str).map(str::to_string);
    let me = Some(a.owner_id.as_str());
    if event.actor_id.as_deref() == me
        || s("task.owner_id").as_deref() == me
        || s("task.assignee_id").as_deref() == me
        || s("owner_id").as_deref() == me
        || s("assignee_id").as_deref() == me
    {
        return Ok(true);
    }
    if let Some(p) = s("task.project_id")
        && crate::access::in_project(c, &v, &p)?
    {
        return Ok(true);
    }
    if let Some(cl) = s("task.client_id")
        && crate::access::in_client(c, &v, &cl)?
    {
        return Ok(true);
    }
    if let Some(t) = s("task.id") {
        // A member's automation fires on a task event only when the member may see the task.
        return Ok(crate::access::can_view(
            c,
            &v,
            &crate::domain::tasks::RESOURCE,
            &t,
        )?);
    }
    Ok(false)
}

/// Fan-out subscriber: queue one run per active automation whose trigger and conditions match.
/// Nothing is pushed live: the runs do the work.
pub fn subscriber(c: &rusqlite::Connection, event: &Event) -> anyhow::Result<Vec<Push>> {
    let automations = store::active_for(c, &event.kind)?;
    if automations.is_empty() {
        return Ok(Vec::new());
    }
    let depth = store::origin(c, &event.id)?
        .map(|(_, d)| d + 1)
        .unwrap_or(0);
    for a in automations {
        if !owner_may_see(c, &a, event)? {
            continue;
        }
        let ctx = context(&a, &event.kind, Some(&event.id), &event.data);
        if !a.conditions.iter().all(|cond| matches(cond, &ctx)) {
            continue;
        }
        let too_deep = depth > MAX_DEPTH;
        let run = store::NewRun {
            automation_id: &a.id,
            event_id: Some(&event.id),
            trigger: &event.kind,
            payload: &event.data,
            depth,
            is_test: false,
            status: if too_deep { "skipped" } else { "queued" },
            error: too_deep.then_some("loop protection: this event was caused by a chain of automations too deep to continue"),
        };
        if let Some(id) = store::insert_run(c, &run)?
            && !too_deep
        {
            crate::jobs::enqueue(c, KIND, json!({ "run_id": id }))?;
        }
    }
    Ok(Vec::new())
}

/// The run job. Actions are not idempotent, so a failure is recorded, not retried.
pub fn run_job(state: &AppState, job: &Job) -> anyhow::Result<()> {
    let id = job.payload["run_id"]
        .as_str()
        .context("run job without run_id")?;
    execute(state, id)?;
    Ok(())
}

/// Execute a queued run now and return it finished. The action runs between a read and a short
/// write: the write lock is not held across its HTTP or model calls.
pub fn execute(state: &AppState, run_id: &str) -> anyhow::Result<Option<Run>> {
    let loaded =
        state
            .db
            .read_blocking(|c| -> anyhow::Result<Option<(Run, Option<Automation>)>> {
                let Some(run) = store::get_run(c, run_id)? else {
                    return Ok(None);
                };
                let a = store::get_any(c, &run.automation_id)?;
                Ok(Some((run, a)))
            })?;
    let Some((run, a)) = loaded else {
        return Ok(None);
    };
    if run.status != "queued" {
        return Ok(Some(run));
    }
    let Some(a) = a else { return Ok(None) };
    let started = Instant::now();
    let result = super::actions::execute(state, &a, &run);
    let ms = started.elapsed().as_millis() as i64;
    Ok(state.db.write_blocking(|tx| -> rusqlite::Result<_> {
        match &result {
            Ok(out) => store::finish_run(tx, run_id, "succeeded", Some(out), None, ms)?,
            Err(e) => store::finish_run(tx, run_id, "failed", None, Some(&format!("{e:#}")), ms)?,
        }
        store::get_run(tx, run_id)
    })?)
}
