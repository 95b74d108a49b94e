//! Notifications: per-user and broadcast, created by automations, deliveries giving up, task
//! assignment and comments (the fan-out subscriber below); read and deleted state per user; live
//! pushes go out through `state.feed` once the write that created them commits.
pub mod store;
pub mod types;

use crate::error::{ApiError, ApiResult};
use crate::events::{Event, Push};
use crate::page::{Page, Paged};
use crate::state::AppState;
use serde_json::Value;
use types::{NewNotification, Notification};

/// A freshly created notification as a live push to its user (or everyone, for a broadcast).
pub fn push(n: &Notification) -> Push {
    Push {
        user_id: n.user_id.clone(),
        event: "notification",
        data: serde_json::to_value(n).unwrap_or_default(),
    }
}

/// One page of what the user sees, newest first (only unread ones with `unread_only`).
pub async fn list(
    state: &AppState,
    user_id: &str,
    unread_only: bool,
    page: Page,
) -> ApiResult<Paged<Notification>> {
    let (limit, offset) = page.sql();
    let uid = user_id.to_string();
    let (items, total) = state
        .db
        .read(move |c| store::list(c, &uid, unread_only, limit, offset))
        .await?;
    Ok(Paged::new(items, total, page))
}

pub async fn unread_count(state: &AppState, user_id: &str) -> ApiResult<i64> {
    let uid = user_id.to_string();
    Ok(state.db.read(move |c| store::unread_count(c, &uid)).await?)
}

/// Mark everything read; answers the unread count afterwards.
pub async fn read_all(state: &AppState, user_id: &str) -> ApiResult<i64> {
    let uid = user_id.to_string();
    Ok(state
        .db
        .write(move |tx| -> rusqlite::Result<i64> {
            store::mark_all_read(tx, &uid)?;
            store::unread_count(tx, &uid)
        })
        .await?)
}

/// Mark one read; answers the unread count afterwards.
pub async fn mark_read(state: &AppState, user_id: &str, id: String) -> ApiResult<i64> {
    let uid = user_id.to_string();
    state
        .db
        .write(move |tx| -> rusqlite::Result<Option<i64>> {
            if !store::mark_read(tx, &uid, &id)? {
                return Ok(None);
            }
            store::unread_count(tx, &uid).map(Some)
        })
        .await?
        .ok_or(ApiError::NotFound("notification"))
}

/// Delete one (a broadcast is only hidden for this user).
pub async fn delete(state: &AppState, user_id: &str, id: String) -> ApiResult<()> {
    let uid = user_id.to_string();
    if !state
        .db
        .write(move |tx| store::delete(tx, &uid, &id))
        .await?
    {
        return Err(ApiError::NotFound("notification"));
    }
    Ok(())
}

fn str_at<'a>(data: &'a Value, paths: &[&str]) -> Option<&'a str> {
    paths
        .iter()
        .find_map(|p| data.pointer(p).and_then(Value::as_str))
}

/// Fan-out subscriber (registered in `app.rs`): notify people about events that concern them
/// (never the actor), and push each new notification live.
pub fn subscriber(c: &rusqlite::Connection, event: &Event) -> anyhow::Result<Vec<Push>> {
    let d = &event.data;
    let title = str_at(d, &["/task/title", "/title"]).unwrap_or("a task");
    let task_id = str_at(d, &["/task_id", "/task/id"]);
    let content_id = str_at(d, &["/content_id"]);
    let link = match (task_id, content_id) {
        (_, Some(c)) if event.kind.starts_with("content.") => Some(format!("/content/{c}")),
        (Some(_), _) => Some("/tasks".to_string()),
        _ => None,
    };
    let mut targets: Vec<(String, String, String)> = Vec::new();
    match event.kind.as_str() {
        "task.assigned" => {
            if let Some(u) = str_at(d, &["/assignee_id", "/task/assignee_id"]) {
                targets.push((
                    u.to_string(),
                    format!("You were assigned “{title}”"),
                    String::new(),
                ));
            }
        }
        "comment.created" => {
            let body = str_at(d, &["/content", "/comment/body", "/body"])
                .unwrap_or("")
                .chars()
                .take(280)
                .collect::<String>();
            for p in [
                "/task/owner_id",
                "/owner_id",
                "/task/assignee_id",
                "/assignee_id",
            ] {
                if let Some(u) = d.pointer(p).and_then(Value::as_str)
                    && !targets.iter().any(|t| t.0 == u)
                {
                    targets.push((
                        u.to_string(),
                        format!("New comment on “{title}”"),
                        body.clone(),
                    ));
                }
            }
        }
        // Someone else moved your content along (approved it, sent it back, published it).
        "content.status_changed" => {
            if let Some(u) = str_at(d, &["/owner_id"]) {
                let status = str_at(d, &["/status"]).unwrap_or("").replace('_', " ");
                targets.push((
                    u.to_string(),
                    format!("“{title}” is now {status}"),
                    String::new(),
                ));
            }
        }
        _ => return Ok(Vec::new()),
    }
    let mut out = Vec::new();
    for (user, title, body) in targets {
        if event.actor_id.as_deref() == Some(user.as_str())
            || crate::access::viewer_of(c, &user)?.is_none()
        {
            continue;
        }
        let n = store::create(
            c,
            &NewNotification {
                user_id: Some(&user),
                kind: &event.kind,
                title: &title,
                body: &body,
                link: link.as_deref(),
                data: serde_json::json!({ "event_id": event.id, "task_id": task_id, "content_id": content_id }),
                event_id: Some(&event.id),
            },
        )?;
        out.extend(n.as_ref().map(push));
    }
    Ok(out)
}
