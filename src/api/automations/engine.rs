//! The automation engine: the fan-out subscriber that queues runs, the run job, conditions and
//! `{{field}}` templates. Loop protection: events caused by an action are tagged with the chain
//! depth; past `MAX_DEPTH` no automation fires again (the run is recorded as skipped).
use super::store;
use super::types::{Automation, Condition, Run};
use crate::events::Event;
use crate::jobs::Job;
use crate::state::AppState;
use anyhow::Context;
use serde_json::{Value, json};
use std::time::Instant;

pub const KIND: &str = "automations.run";
pub const MAX_DEPTH: i64 = 3;
pub const OPS: &[&str] = &[
    "eq",
    "ne",
    "in",
    "not_in",
    "contains",
    "gt",
    "lt",
    "exists",
    "not_exists",
];

/// Look up a dotted path. `task.title` also finds a flat `title` when the payload has no `task`
/// object, so templates work with either payload shape.
pub fn lookup<'a>(ctx: &'a Value, path: &str) -> Option<&'a Value> {
    let walk = |root: &'a Value, parts: &[&str]| {
        parts
            .iter()
            .try_fold(root, |v, p| match v {
                Value::Object(m) => m.get(*p),
                Value::Array(a) => p.parse::<usize>().ok().and_then(|i| a.get(i)),
                _ => None,
            })
            .filter(|v| !v.is_null())
    };
    let parts: Vec<&str> = path.trim().split('.').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        return None;
    }
    walk(ctx, &parts).or_else(|| {
        let first_missing = ctx.get(parts[0]).is_none();
        let entity = ["task", "comment", "entry", "user"].contains(&parts[0]);
        (first_missing && entity && parts.len() > 1)
            .then(|| walk(ctx, &parts[1..]))
            .flatten()
    })
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Expand `{{path}}` placeholders; unknown paths become empty.
pub fn render(template: &str, ctx: &Value) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                if let Some(v) = lookup(ctx, &after[..end]) {
                    out.push_str(&as_text(v));
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn loosely_equal(a: &Value, b: &Value) -> bool {
    a == b || as_text(a) == as_text(b)
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

pub fn matches(c: &Condition, ctx: &Value) -> bool {
    let got = lookup(ctx, &c.field);
    let list = || {
        c.value
            .as_array()
            .cloned()
            .unwrap_or_else(|| vec![c.value.clone()])
    };
    match (c.op.as_str(), got) {
        ("exists", g) => g.is_some(),
        ("not_exists", g) => g.is_none(),
        ("ne", None) => true,
        ("not_in", None) => true,
        (_, None) => false,
        ("eq", Some(g)) => loosely_equal(g, &c.value),
        ("ne", Some(g)) => !loosely_equal(g, &c.value),
        ("in", Some(g)) => list().iter().any(|v| loosely_equal(g, v)),
        ("not_in", Some(g)) => !list().iter().any(|v| loosely_equal(g, v)),
        ("contains", Some(Value::Array(a))) => a.iter().any(|v| loosely_equal(v, &c.value)),
        ("contains", Some(g)) => as_text(g)
            .to_lowercase()
            .contains(&as_text(&c.value).to_lowercase()),
        ("gt" | "lt", Some(g)) => {
            let ord = match (number(g), number(&c.value)) {
                (Some(a), Some(b)) => a.partial_cmp(&b),
                _ => Some(as_text(g).cmp(&as_text(&c.value))),
            };
            ord == Some(if c.op == "gt" {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Less
            })
        }
        _ => false,
    }
}

/// The template/condition context of a run: the payload plus `event` and `automation`.
pub fn context(a: &Automation, trigger: &str, event_id: Option<&str>, payload: &Value) -> Value {
    let mut ctx = match payload {
        Value::Object(m) => m.clone(),
        other => {
            let mut m = serde_json::Map::new();
            m.insert("data".into(), other.clone());
            m
        }
    };
    ctx.insert("event".into(), json!({ "type": trigger, "id": event_id }));
    ctx.insert("automation".into(), json!({ "id": a.id, "name": a.name }));
    Value::Object(ctx)
}

/// Whether the automation's owner may see what the event is about (members' automations only
/// fire on their own work; admin-only triggers only for admins).
fn owner_may_see(c: &rusqlite::Connection, a: &Automation, event: &Event) -> anyhow::Result<bool> {
    let role: Option<String> = rusqlite::OptionalExtension::optional(
        c.prepare_cached("SELECT role FROM users WHERE id = ?1 AND active = 1")?
            .query_row([&a.owner_id], |r| r.get(0)),
    )?;
    let Some(role) = role else { return Ok(false) };
    if role == "admin" {
        return Ok(true);
    }
    if crate::api::webhooks::catalog::find(&event.kind).is_none_or(|d| d.admin_only) {
        return Ok(false);
    }
    let v = crate::access::Viewer {
        user_id: a.owner_id.clone(),
        admin: false,
    };
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
        // The tasks table may not exist in this build: unknown means not visible.
        return Ok(crate::access::can_see(c, &v, "tasks", "task", &t).unwrap_or(false));
    }
    Ok(false)
}

/// Fan-out subscriber: queue one run per active automation whose trigger and conditions match.
pub fn on_event(c: &rusqlite::Connection, event: &Event) -> anyhow::Result<()> {
    let automations = store::active_for(c, &event.kind)?;
    if automations.is_empty() {
        return Ok(());
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
    Ok(())
}

/// The run job. Actions are not idempotent, so a failure is recorded, not retried.
pub fn run_job(state: &AppState, job: &Job) -> anyhow::Result<()> {
    let id = job.payload["run_id"]
        .as_str()
        .context("run job without run_id")?;
    execute(state, id)?;
    Ok(())
}

/// Execute a queued run now and return it finished.
pub fn execute(state: &AppState, run_id: &str) -> anyhow::Result<Option<Run>> {
    let conn = state.db.conn()?;
    let Some(run) = store::get_run(&conn, run_id)? else {
        return Ok(None);
    };
    if run.status != "queued" {
        return Ok(Some(run));
    }
    let Some(a) = store::get_any(&conn, &run.automation_id)? else {
        return Ok(None);
    };
    drop(conn);
    let started = Instant::now();
    let result = super::actions::execute(state, &a, &run);
    let ms = started.elapsed().as_millis() as i64;
    let conn = state.db.conn()?;
    match &result {
        Ok(out) => store::finish_run(&conn, run_id, "succeeded", Some(out), None, ms)?,
        Err(e) => store::finish_run(&conn, run_id, "failed", None, Some(&format!("{e:#}")), ms)?,
    }
    Ok(store::get_run(&conn, run_id)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(field: &str, op: &str, value: Value) -> Condition {
        Condition {
            field: field.into(),
            op: op.into(),
            value,
        }
    }

    #[test]
    fn templates_resolve_nested_flat_and_missing_paths() {
        let ctx = json!({ "task": { "title": "Ship", "labels": ["a", "b"] }, "priority": 3 });
        assert_eq!(render("{{task.title}} / {{ priority }}", &ctx), "Ship / 3");
        assert_eq!(render("{{task.labels.1}}{{nope}}", &ctx), "b");
        assert_eq!(
            render("{{title}} unclosed {{", &json!({ "title": "T" })),
            "T unclosed {{"
        );
        // `task.title` finds a flat `title` when the payload has no task object.
        assert_eq!(
            render("{{task.title}}", &json!({ "title": "Flat" })),
            "Flat"
        );
    }

    #[test]
    fn conditions_compare_loosely_and_handle_missing_fields() {
        let ctx = json!({ "priority": "high", "to_column_id": "c2", "n": 5, "labels": ["x"] });
        assert!(matches(&cond("priority", "eq", json!("high")), &ctx));
        assert!(matches(
            &cond("to_column_id", "in", json!(["c1", "c2"])),
            &ctx
        ));
        assert!(matches(&cond("n", "gt", json!("4")), &ctx));
        assert!(!matches(&cond("n", "lt", json!(5)), &ctx));
        assert!(matches(&cond("labels", "contains", json!("x")), &ctx));
        assert!(matches(&cond("missing", "ne", json!("a")), &ctx));
        assert!(!matches(&cond("missing", "eq", json!("a")), &ctx));
        assert!(matches(&cond("missing", "not_exists", Value::Null), &ctx));
        assert!(matches(&cond("priority", "contains", json!("HIG")), &ctx));
    }
}
