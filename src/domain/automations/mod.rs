//! Automations: trigger (a domain event) → conditions → action, executed as durable jobs, with
//! self-describing trigger and action catalogs and a run history. Each user manages their own;
//! admins see all. Runs act as the automation's owner. A `send_webhook` secret is sealed at rest
//! and masked in answers (`secret.rs`).
pub mod actions;
pub mod catalog;
pub mod engine;
pub mod jobs;
pub mod origin;
pub mod secret;
pub mod store;
pub mod task_actions;
pub mod types;

use crate::access::Viewer;
use crate::domain::webhooks;
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use crate::state::AppState;
use serde_json::Value;
use types::{Automation, AutomationIn, AutomationPatch, Run, TriggerDef};

/// Every event type, as a trigger.
pub fn triggers() -> Vec<TriggerDef> {
    webhooks::catalog::events()
        .into_iter()
        .map(|e| TriggerDef {
            name: e.name,
            description: e.description,
            fields: e.fields,
            example: e.example,
            admin_only: e.admin_only,
        })
        .collect()
}

/// Everything that can be checked before storing: catalog names, required fields, targets, URLs.
async fn validate(state: &AppState, v: &Viewer, a: &Automation) -> ApiResult<()> {
    let bad = |m: String| Err(ApiError::Unprocessable(m));
    if a.name.trim().is_empty() || a.name.chars().count() > 200 {
        return bad("name: 1 to 200 characters".into());
    }
    let Some(trigger) = webhooks::catalog::find(&a.trigger) else {
        return bad(format!(
            "trigger: unknown trigger {:?} (see GET /automations/triggers)",
            a.trigger
        ));
    };
    if trigger.admin_only && !v.admin {
        return Err(ApiError::forbidden(format!(
            "only admins may automate {}",
            a.trigger
        )));
    }
    for c in &a.conditions {
        if c.field.trim().is_empty() {
            return bad("conditions: every condition needs a field".into());
        }
        if !engine::OPS.contains(&c.op.as_str()) {
            return bad(format!(
                "conditions: unknown op {:?} (one of {})",
                c.op,
                engine::OPS.join(", ")
            ));
        }
    }
    let Some(action) = catalog::find(&a.action) else {
        return bad(format!(
            "action: unknown action {:?} (see GET /automations/actions)",
            a.action
        ));
    };
    if !action.available {
        return bad(format!(
            "action: {} is not available yet (the area it needs is not part of this build)",
            a.action
        ));
    }
    if !a.action_config.is_object() {
        return bad("action_config: must be an object".into());
    }
    let cfg = |k: &str| {
        a.action_config
            .get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    for f in &action.config {
        if f.required && cfg(f.name).is_none() {
            return bad(format!("action_config.{}: required", f.name));
        }
        if let Some(val) = cfg(f.name)
            && f.kind == "select"
            && !f.options.contains(&val)
        {
            return bad(format!(
                "action_config.{}: one of {}",
                f.name,
                f.options.join(", ")
            ));
        }
    }
    if a.action == "notify" {
        match cfg("target").unwrap_or("owner") {
            "broadcast" if !v.admin => {
                return Err(ApiError::forbidden(
                    "only admins may broadcast notifications",
                ));
            }
            "user" => {
                let Some(uid) = cfg("user_id").map(str::to_string) else {
                    return bad("action_config.user_id: required when target is \"user\"".into());
                };
                let me = v.clone();
                let found = state
                    .db
                    .read(move |c| -> rusqlite::Result<bool> {
                        Ok(crate::access::viewer_of(c, &uid)?.is_some()
                            && crate::access::may_address(c, &me, &uid)?)
                    })
                    .await?;
                // Someone the owner shares no project with reads like an unknown user.
                if !found {
                    return Err(ApiError::missing(
                        "action_config.user_id: no such active user",
                    ));
                }
            }
            _ => {}
        }
    }
    if a.action == "send_webhook" {
        if let Some(s) = cfg("secret") {
            webhooks::signing::decode_secret(s)
                .map_err(|e| ApiError::unprocessable(format!("action_config.secret: {e}")))?;
        }
        let url = cfg("url").unwrap_or_default().to_string();
        webhooks::check_url(state, "action_config.url", url).await?;
    }
    Ok(())
}

pub async fn list(state: &AppState, v: &Viewer, page: Page) -> ApiResult<Paged<Automation>> {
    let (uid, admin) = (v.user_id.clone(), v.admin);
    let (limit, offset) = page.sql();
    let (items, total) = state
        .db
        .read(move |c| store::list(c, &uid, admin, limit, offset))
        .await?;
    Ok(Paged::new(items, total, page).map(|a| secret::shown(&state.secrets, a)))
}

pub async fn create(state: &AppState, v: &Viewer, b: AutomationIn) -> ApiResult<Automation> {
    let now = crate::time::now_rfc3339();
    let a = Automation {
        id: uuid::Uuid::now_v7().to_string(),
        owner_id: v.user_id.clone(),
        name: b.name.trim().to_string(),
        trigger: b.trigger,
        conditions: b.conditions.unwrap_or_default(),
        action_config: serde_json::json!({}),
        action: b.action,
        active: b.active.unwrap_or(true),
        created_at: now.clone(),
        updated_at: now,
    };
    let sent = b.action_config.unwrap_or_else(|| serde_json::json!({}));
    let config = secret::receive(&state.secrets, &a.action, sent, None)?;
    let a = Automation {
        action_config: config.check,
        ..a
    };
    validate(state, v, &a).await?;
    let row = Automation {
        action_config: config.store,
        ..a
    };
    let saved = row.clone();
    state.db.write(move |tx| store::upsert(tx, &saved)).await?;
    Ok(secret::shown(&state.secrets, row))
}

/// The automation as stored (secret sealed), if the viewer owns it or is an admin (others'
/// are absent: 404).
async fn load(state: &AppState, v: &Viewer, id: String) -> ApiResult<Automation> {
    let (uid, admin) = (v.user_id.clone(), v.admin);
    state
        .db
        .read(move |c| store::get(c, &id, &uid, admin))
        .await?
        .ok_or(ApiError::NotFound("automation"))
}

/// The automation, if the viewer owns it or is an admin (others' are absent: 404).
pub async fn get(state: &AppState, v: &Viewer, id: String) -> ApiResult<Automation> {
    Ok(secret::shown(&state.secrets, load(state, v, id).await?))
}

pub async fn update(
    state: &AppState,
    v: &Viewer,
    id: String,
    b: AutomationPatch,
) -> ApiResult<Automation> {
    let mut a = load(state, v, id).await?;
    let base_version = a.updated_at.clone();
    let stored_config = a.action_config.clone();
    if let Some(x) = b.name {
        a.name = x.trim().to_string();
    }
    if let Some(x) = b.trigger {
        a.trigger = x;
    }
    if let Some(x) = b.conditions {
        a.conditions = x;
    }
    if let Some(x) = b.action {
        a.action = x;
    }
    if let Some(x) = b.active {
        a.active = x;
    }
    // Left out, the config is unchanged: as answers show it, its masked secret is kept.
    let sent = b
        .action_config
        .unwrap_or_else(|| secret::masked_config(&state.secrets, &stored_config));
    let config = secret::receive(&state.secrets, &a.action, sent, Some(&stored_config))?;
    a.action_config = config.check;
    a.updated_at = crate::time::now_rfc3339();
    validate(state, v, &a).await?;
    a.action_config = config.store;
    // Validation needs the whole merged automation (and a DNS lookup, outside the write lock):
    // it is saved only if nobody changed the automation meanwhile.
    let (row, uid, admin) = (a.clone(), v.user_id.clone(), v.admin);
    state
        .db
        .write(move |tx| -> ApiResult<()> {
            let now = store::get(tx, &row.id, &uid, admin)?.ok_or(ApiError::NotFound("automation"))?;
            if now.updated_at != base_version {
                return Err(ApiError::conflict(
                    "the automation changed while this edit was being checked; reload it and try again",
                ));
            }
            Ok(store::upsert(tx, &row)?)
        })
        .await?;
    Ok(secret::shown(&state.secrets, a))
}

pub async fn delete(state: &AppState, v: &Viewer, id: String) -> ApiResult<()> {
    let (uid, admin) = (v.user_id.clone(), v.admin);
    let gone = state
        .db
        .write(move |tx| -> rusqlite::Result<bool> {
            match store::get(tx, &id, &uid, admin)? {
                Some(a) => store::delete(tx, &a.id),
                None => Ok(false),
            }
        })
        .await?;
    if !gone {
        return Err(ApiError::NotFound("automation"));
    }
    Ok(())
}

pub async fn runs(state: &AppState, v: &Viewer, id: String, page: Page) -> ApiResult<Paged<Run>> {
    let a = load(state, v, id).await?;
    let (limit, offset) = page.sql();
    let (items, total) = state
        .db
        .read(move |c| store::runs(c, &a.id, limit, offset))
        .await?;
    Ok(Paged::new(items, total, page))
}

/// Run the automation now with `payload` (the trigger's example when absent) and return the
/// finished run.
pub async fn test(
    state: &AppState,
    v: &Viewer,
    id: String,
    payload: Option<Value>,
) -> ApiResult<Run> {
    let (uid, admin) = (v.user_id.clone(), v.admin);
    let run_id = state
        .db
        .write(move |tx| -> ApiResult<String> {
            let a = store::get(tx, &id, &uid, admin)?.ok_or(ApiError::NotFound("automation"))?;
            let payload = payload
                .or_else(|| webhooks::catalog::find(&a.trigger).map(|d| d.example))
                .unwrap_or_else(|| serde_json::json!({}));
            if !payload.is_object() {
                return Err(ApiError::unprocessable("payload: must be an object"));
            }
            store::insert_run(
                tx,
                &store::NewRun {
                    automation_id: &a.id,
                    event_id: None,
                    trigger: &a.trigger,
                    payload: &payload,
                    depth: 0,
                    is_test: true,
                    status: "queued",
                    error: None,
                },
            )?
            .ok_or_else(|| ApiError::internal("test run", "not inserted"))
        })
        .await?;
    let st = state.clone();
    tokio::task::spawn_blocking(move || jobs::execute(&st, &run_id))
        .await
        .map_err(|e| ApiError::internal("running the test", e))??
        .ok_or(ApiError::NotFound("automation"))
}
