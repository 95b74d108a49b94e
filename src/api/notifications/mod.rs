//! /notifications: per-user and broadcast notifications, created by automations, deliveries
//! giving up, task assignment and comments; pushed live over SSE (`/notifications/stream`).
pub mod handlers;
pub mod store;
pub mod stream;
pub mod types;

use crate::events::Event;
use crate::state::AppState;
use serde_json::Value;
use types::Notification;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::list)
        .service(handlers::unread_count)
        .service(handlers::read_all)
        .service(handlers::mark_read)
        .service(handlers::remove)
        .service(stream::stream);
}

/// Freshly committed notifications as live pushes.
pub fn pushes(notes: &[Notification]) -> Vec<crate::events::Push> {
    notes
        .iter()
        .map(|n| crate::events::Push {
            user_id: n.user_id.clone(),
            event: "notification",
            data: serde_json::to_value(n).unwrap_or_default(),
        })
        .collect()
}

/// Push freshly committed notifications to live SSE listeners.
pub fn publish(state: &AppState, notes: &[Notification]) {
    for p in pushes(notes) {
        state.feed.push(p);
    }
}

/// Fan-out subscriber (registered in `app.rs`).
pub fn subscriber(
    c: &rusqlite::Connection,
    event: &Event,
) -> anyhow::Result<Vec<crate::events::Push>> {
    Ok(pushes(&on_event(c, event)?))
}

fn str_at<'a>(data: &'a Value, paths: &[&str]) -> Option<&'a str> {
    paths
        .iter()
        .find_map(|p| data.pointer(p).and_then(Value::as_str))
}

/// Fan-out subscriber: notify people about events that concern them (never the actor).
pub fn on_event(c: &rusqlite::Connection, event: &Event) -> anyhow::Result<Vec<Notification>> {
    let d = &event.data;
    let title = str_at(d, &["/task/title", "/title"]).unwrap_or("a task");
    let task_id = str_at(d, &["/task_id", "/task/id"]);
    let link = task_id.map(|_| "/tasks".to_string());
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
        _ => return Ok(Vec::new()),
    }
    let mut out = Vec::new();
    for (user, title, body) in targets {
        if event.actor_id.as_deref() == Some(user.as_str()) || !store::user_exists(c, &user)? {
            continue;
        }
        let n = store::create(
            c,
            &store::NewNotification {
                user_id: Some(&user),
                kind: &event.kind,
                title: &title,
                body: &body,
                link: link.as_deref(),
                data: serde_json::json!({ "event_id": event.id, "task_id": task_id }),
                event_id: Some(&event.id),
            },
        )?;
        out.extend(n);
    }
    Ok(out)
}
