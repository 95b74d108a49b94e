//! What an automation does once triggered. Each action returns its output (shown in run history)
//! or an error explaining why it could not run.
use super::engine::{context, render};
use super::types::{Automation, Run};
use crate::domain::notifications::{self, store as notes, types::NewNotification};
use crate::domain::webhooks::deliver;
use crate::state::AppState;
use anyhow::{Context, bail};
use serde_json::{Value, json};

fn cfg_str(a: &Automation, key: &str) -> Option<String> {
    a.action_config
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

pub fn execute(state: &AppState, a: &Automation, run: &Run) -> anyhow::Result<Value> {
    let ctx = context(a, &run.trigger, run.event_id.as_deref(), &run.payload);
    match a.action.as_str() {
        "notify" => notify(state, a, &ctx),
        "send_webhook" => send_webhook(state, a, run, &ctx),
        "create_task" | "move_task" | "assign_task" | "add_comment" => {
            super::task_actions::execute(state, a, run, &ctx)
        }
        "generate_content" => generate(state, a, &ctx),
        other => bail!("unknown action {other:?}"),
    }
}

fn notify(state: &AppState, a: &Automation, ctx: &Value) -> anyhow::Result<Value> {
    let message = render(
        &cfg_str(a, "message").context("notify needs a message")?,
        ctx,
    );
    let title = cfg_str(a, "title")
        .map(|t| render(&t, ctx))
        .unwrap_or_else(|| a.name.clone());
    let target = cfg_str(a, "target").unwrap_or_else(|| "owner".into());
    let recipient: Option<String> = match target.as_str() {
        "owner" => Some(a.owner_id.clone()),
        "broadcast" => None,
        "user" => Some(cfg_str(a, "user_id").context("target \"user\" needs user_id")?),
        "assignee" => Some(
            ["assignee_id", "task.assignee_id"]
                .iter()
                .find_map(|p| super::engine::lookup(ctx, p).and_then(Value::as_str))
                .context("the trigger's payload has no assignee to notify")?
                .to_string(),
        ),
        other => bail!("unknown notify target {other:?}"),
    };
    let link = super::engine::lookup(ctx, "task.id").map(|_| "/tasks");
    let created = state.db.write_blocking(|tx| -> anyhow::Result<_> {
        if let Some(u) = &recipient {
            anyhow::ensure!(
                crate::access::viewer_of(tx, u)?.is_some(),
                "the recipient {u} is not an active user"
            );
        }
        Ok(notes::create(
            tx,
            &NewNotification {
                user_id: recipient.as_deref(),
                kind: "automation",
                title: &title,
                body: &message,
                link,
                data: json!({ "automation_id": a.id, "event_id": ctx["event"]["id"] }),
                event_id: None,
            },
        )?)
    })?;
    let id = created.as_ref().map(|n| n.id.clone());
    if let Some(n) = &created {
        state.feed.push(notifications::push(n));
    }
    Ok(
        json!({ "notification_id": id, "target": target, "user_id": recipient, "title": title, "message": message }),
    )
}

fn send_webhook(state: &AppState, a: &Automation, run: &Run, ctx: &Value) -> anyhow::Result<Value> {
    let url = cfg_str(a, "url").context("send_webhook needs a url")?;
    let secret = super::secret::open(&state.secrets, a)?;
    let kind = cfg_str(a, "event_type")
        .map(|t| render(&t, ctx))
        .unwrap_or_else(|| run.trigger.clone());
    let allow_private = state
        .db
        .read_blocking(|c| crate::settings::store::allow_private_network(c, &state.secrets))?;
    let body = deliver::body_for(&kind, &crate::time::now_rfc3339(), &run.payload);
    let msg = deliver::new_message_id();
    let out = deliver::send(
        state,
        allow_private,
        &url,
        secret.as_deref(),
        &Default::default(),
        &msg,
        &body,
    );
    if !out.ok() {
        bail!("{}", out.error.unwrap_or_else(|| "delivery failed".into()));
    }
    Ok(json!({ "webhook_id": msg, "status_code": out.status_code, "duration_ms": out.duration_ms }))
}

/// Generate a content as the owner through the content studio's one generation path (the
/// configured model, budget-checked and logged, or the offline composer): it is saved like any
/// other, placed in the trigger's client/project when the payload names one.
fn generate(state: &AppState, a: &Automation, ctx: &Value) -> anyhow::Result<Value> {
    use crate::domain::content::generate::{self, Ask, GenerateRequest};
    let prompt = render(
        &cfg_str(a, "prompt").context("generate_content needs a prompt (the brief)")?,
        ctx,
    );
    let from_trigger = |keys: &[&str]| {
        keys.iter()
            .find_map(|p| super::engine::lookup(ctx, p).and_then(Value::as_str))
            .map(str::to_string)
    };
    let viewer = state
        .db
        .read_blocking(|c| crate::access::viewer_of(c, &a.owner_id))?
        .context("the automation's owner is not an active user")?;
    // The trigger's client/project when the owner belongs to it; otherwise the content is the
    // owner's own (a trigger must not fail the action over where the draft is filed).
    let (client_id, project_id) = state.db.read_blocking(|c| {
        crate::access::check_placement(
            c,
            &viewer,
            from_trigger(&["client_id", "task.client_id"]).as_deref(),
            from_trigger(&["project_id", "task.project_id"]).as_deref(),
        )
        .map(Result::unwrap_or_default)
    })?;
    let req = GenerateRequest {
        platform: cfg_str(a, "platform").unwrap_or_else(|| "linkedin".into()),
        brief: prompt.clone(),
        title: cfg_str(a, "title").map(|t| render(&t, ctx)),
        template_id: cfg_str(a, "template_id"),
        client_id,
        project_id,
        ..Default::default()
    };
    let saved = generate::generate_blocking(state, &viewer, Ask::Generate(req))
        .map_err(|e| anyhow::anyhow!("generate_content: {e}"))?;
    Ok(json!({
        "content_id": saved.content_id, "title": saved.title, "platform": saved.platform,
        "version": saved.version, "warnings": saved.warnings, "text": saved.draft,
        "prompt": prompt, "usage": saved.usage,
    }))
}
