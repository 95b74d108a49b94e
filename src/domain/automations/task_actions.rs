//! The task actions (create_task, move_task, assign_task, add_comment), done through the tasks
//! area's own functions as the automation's owner — same access rules, same events. Events they
//! emit are tagged with the chain depth (see `origin`) so automations cannot loop forever.
use super::engine::{lookup, render};
use super::origin::with_origin;
use super::types::{Automation, Run};
use crate::domain::tasks::types::{CreateTask, MoveTask};
use crate::domain::tasks::{self, activity, edit};
use crate::state::AppState;
use anyhow::Context;
use serde_json::{Value, json};

/// A config value with templates expanded; None when absent or empty after expansion.
fn field(a: &Automation, key: &str, ctx: &Value) -> Option<String> {
    a.action_config
        .get(key)
        .and_then(Value::as_str)
        .map(|t| render(t, ctx).trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The task the action applies to: `task_id` in the config, else the trigger's task.
fn target_task(a: &Automation, ctx: &Value) -> anyhow::Result<String> {
    field(a, "task_id", ctx)
        .or_else(|| {
            ["task_id", "task.id"]
                .iter()
                .find_map(|p| lookup(ctx, p).and_then(Value::as_str).map(str::to_string))
        })
        .context("no task to act on: set task_id, or use a trigger about a task")
}

/// Run a task action as the automation's owner, in one write transaction with its origin tag.
pub fn execute(state: &AppState, a: &Automation, run: &Run, ctx: &Value) -> anyhow::Result<Value> {
    let v = state
        .db
        .read_blocking(|c| crate::access::viewer_of(c, &a.owner_id))?
        .context("the automation's owner is no longer an active user")?;
    state.db.write_blocking(|tx| {
        with_origin(tx, &a.id, run.depth, |c| -> anyhow::Result<Value> {
            match a.action.as_str() {
                "create_task" => {
                    let dto = CreateTask {
                        title: field(a, "title", ctx).context("create_task needs a title")?,
                        description: field(a, "description", ctx).unwrap_or_default(),
                        column_id: field(a, "column_id", ctx),
                        priority: field(a, "priority", ctx),
                        project_id: field(a, "project_id", ctx).or_else(|| {
                            lookup(ctx, "project_id")
                                .and_then(Value::as_str)
                                .map(str::to_string)
                        }),
                        assignee_id: field(a, "assignee_id", ctx),
                        ..Default::default()
                    };
                    let t = tasks::create_in(c, &v, dto)?;
                    Ok(json!({ "task_id": t.id, "title": t.title, "column": t.column }))
                }
                "move_task" => {
                    let id = target_task(a, ctx)?;
                    let column_id =
                        field(a, "column_id", ctx).context("move_task needs column_id")?;
                    let t = tasks::move_in(
                        c,
                        &v,
                        &id,
                        MoveTask {
                            column_id,
                            position: None,
                        },
                    )?;
                    Ok(json!({ "task_id": t.id, "column_id": t.column_id, "column": t.column }))
                }
                "assign_task" => {
                    let id = target_task(a, ctx)?;
                    let who =
                        field(a, "assignee_id", ctx).context("assign_task needs assignee_id")?;
                    let t = edit::assign_in(c, &v, &id, Some(who))?;
                    Ok(json!({ "task_id": t.id, "assignee_id": t.assignee_id }))
                }
                "add_comment" => {
                    let id = target_task(a, ctx)?;
                    let body = field(a, "body", ctx).context("add_comment needs a body")?;
                    let m = activity::comment_in(c, &v, &id, &body)?;
                    Ok(json!({ "task_id": id, "comment_id": m.id }))
                }
                other => anyhow::bail!("{other} is not a task action"),
            }
        })
    })
}
