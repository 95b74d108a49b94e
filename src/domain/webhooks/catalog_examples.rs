//! Example payloads and shared field lists of the event catalog (`catalog.rs`): what a task,
//! content, publishing or approval event carries, shown in `GET /webhooks/events`.
use serde_json::{Value, json};

pub(super) fn task_object() -> Value {
    json!({
        "id": "0193a3c1-7a2b-7c3d-9e4f-5a6b7c8d9e0f",
        "title": "Draft the launch post",
        "priority": "high",
        "column_id": "0193a3c1-0000-7000-8000-000000000001",
        "column": "To do",
        "project_id": "0193a3c1-0000-7000-8000-0000000000aa",
        "client_id": null,
        "owner_id": "0193a3c1-0000-7000-8000-0000000000b1",
        "assignee_id": "0193a3c1-0000-7000-8000-0000000000b2",
        "due_date": "2026-12-01",
        "labels": ["launch"]
    })
}

/// Task events carry the fields automations filter on flat, plus the whole task under `task`.
pub(super) fn task_example(extra: Value) -> Value {
    let t = task_object();
    let mut out = json!({
        "task_id": t["id"], "id": t["id"], "title": t["title"], "column_id": t["column_id"],
        "column": t["column"], "project_id": t["project_id"], "client_id": t["client_id"],
        "assignee_id": t["assignee_id"], "owner_id": t["owner_id"], "priority": t["priority"],
        "due_date": t["due_date"], "labels": t["labels"], "task": t,
    });
    if let (Some(o), Value::Object(e)) = (out.as_object_mut(), extra) {
        o.extend(e);
    }
    out
}

/// Content events carry the content's id, title, platform, status and placement.
pub(super) fn content_example(previous_status: Option<&str>) -> Value {
    let mut v = json!({
        "content_id": "0193a3c1-0000-7000-8000-0000000000f1", "title": "Launch week recap",
        "platform": "linkedin", "status": if previous_status.is_some() { "in_review" } else { "draft" },
        "client_id": null, "project_id": null,
    });
    if let Some(p) = previous_status {
        v["previous_status"] = json!(p);
    }
    v
}

pub(super) fn task_fields() -> Vec<&'static str> {
    vec![
        "task_id",
        "title",
        "priority",
        "column_id",
        "column",
        "project_id",
        "client_id",
        "owner_id",
        "assignee_id",
        "due_date",
        "labels",
        "task.title",
    ]
}

pub(super) fn publishing_example(status: &str) -> Value {
    json!({
        "post_id": "0193a3c1-0000-7000-8000-000000000a21",
        "content_id": "0193a3c1-0000-7000-8000-0000000000c9",
        "title": "Launch post",
        "account_id": "0193a3c1-0000-7000-8000-000000000a01",
        "account_name": "Ada Lovelace",
        "platform": "linkedin",
        "status": status,
        "scheduled_at": "2026-12-01T09:00:00.000Z",
        "attempts": 1,
        "external_id": if status == "published" { json!("urn:li:share:7000000000000000000") } else { Value::Null },
        "url": if status == "published" { json!("https://www.linkedin.com/feed/update/urn:li:share:7000000000000000000/") } else { Value::Null },
        "error": if status == "published" { Value::Null } else { json!("LinkedIn-Version 202401 is no longer served; update it in Settings") },
        "owner_id": "0193a3c1-0000-7000-8000-0000000000b1"
    })
}

pub(super) fn approval_example(decision: &str) -> Value {
    json!({
        "approval_id": "0193a3c1-0000-7000-8000-000000000a11",
        "content_id": "0193a3c1-0000-7000-8000-0000000000c9",
        "title": "Launch post",
        "decision": decision,
        "comment": "Great, ship it",
        "reviewer_name": "Client",
        "owner_id": "0193a3c1-0000-7000-8000-0000000000b1",
        "requested_by": "0193a3c1-0000-7000-8000-0000000000b1",
        "released_posts": 0
    })
}
