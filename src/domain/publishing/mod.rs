//! Publishing: connected LinkedIn / Facebook / Instagram accounts (OAuth, tokens sealed), posts
//! that never go out twice or get lost (an outbox row per content x account, recorded before
//! each send, looked up after a crash), scheduling on durable jobs with a grace period, and the
//! `publishing.*` events with the owner's notifications.
pub mod accounts;
pub mod accounts_store;
pub mod conf;
pub mod jobs;
pub mod linkedin;
mod lookup;
pub mod media;
pub mod meta;
pub mod now;
pub mod posts;
pub mod posts_store;
pub mod send;
pub mod types;
mod wire;

use crate::access::Resource;
use crate::events::{Event, Push};

/// Connected accounts as a shareable resource (an agency's client accounts belong to the
/// client: its members may publish with them). Registered in `app.rs`.
pub const RESOURCE: Resource = Resource::shareable("publishing_account", "publishing_accounts");

/// Fan-out subscriber (registered in `app.rs`): tell the post's owner how it went (never the
/// person who just did it themselves).
pub fn subscriber(c: &rusqlite::Connection, event: &Event) -> anyhow::Result<Vec<Push>> {
    let d = &event.data;
    let s = |k: &str| d[k].as_str().unwrap_or("");
    let title = s("title");
    let (headline, body) = match event.kind.as_str() {
        "publishing.published" => (
            format!("“{title}” is live on {}", s("account_name")),
            s("url").to_string(),
        ),
        "publishing.failed" if s("status") == "unknown" => (
            format!("Check whether “{title}” reached {}", s("account_name")),
            s("error").to_string(),
        ),
        "publishing.failed" => (
            format!("“{title}” could not be published on {}", s("account_name")),
            s("error").to_string(),
        ),
        "publishing.missed" => (
            format!("“{title}” missed its time on {}", s("account_name")),
            s("error").to_string(),
        ),
        _ => return Ok(Vec::new()),
    };
    let Some(owner) = d["owner_id"].as_str() else {
        return Ok(Vec::new());
    };
    if event.actor_id.as_deref() == Some(owner) {
        return Ok(Vec::new());
    }
    let link = format!("/content/{}", s("content_id"));
    let n = crate::domain::notifications::store::create(
        c,
        &crate::domain::notifications::types::NewNotification {
            user_id: Some(owner),
            kind: &event.kind,
            title: &headline,
            body: &body,
            link: Some(&link),
            data: serde_json::json!({ "event_id": event.id, "post_id": d["post_id"], "content_id": d["content_id"] }),
            event_id: Some(&event.id),
        },
    )?;
    Ok(n.as_ref()
        .map(crate::domain::notifications::push)
        .into_iter()
        .collect())
}
