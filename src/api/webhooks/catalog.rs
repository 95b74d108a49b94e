//! The catalog of every domain event the app emits: what webhooks subscribe to and what
//! automations trigger on. One list, so the two catalogs cannot disagree.
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

/// One event type, self-described.
#[derive(Serialize, ToSchema, Clone)]
pub struct EventDef {
    /// e.g. `task.moved`.
    pub name: &'static str,
    pub description: &'static str,
    /// Payload fields conditions and templates can use (dotted paths).
    pub fields: Vec<&'static str>,
    /// A representative `data` payload.
    #[schema(value_type = Object)]
    pub example: Value,
    /// Only admins' automations may trigger on it (it concerns every user or the deployment).
    pub admin_only: bool,
}

fn task_example() -> Value {
    json!({
        "id": "0193a3c1-7a2b-7c3d-9e4f-5a6b7c8d9e0f",
        "title": "Draft the launch post",
        "status": "todo",
        "priority": "high",
        "column_id": "0193a3c1-0000-7000-8000-000000000001",
        "project_id": "0193a3c1-0000-7000-8000-0000000000aa",
        "client_id": null,
        "owner_id": "0193a3c1-0000-7000-8000-0000000000u1",
        "assignee_id": "0193a3c1-0000-7000-8000-0000000000u2",
        "due_date": "2026-12-01"
    })
}

fn task_fields() -> Vec<&'static str> {
    vec![
        "task.id",
        "task.title",
        "task.status",
        "task.priority",
        "task.column_id",
        "task.project_id",
        "task.client_id",
        "task.owner_id",
        "task.assignee_id",
        "task.due_date",
    ]
}

fn def(
    name: &'static str,
    description: &'static str,
    extra_fields: &[&'static str],
    example: Value,
    admin_only: bool,
) -> EventDef {
    let mut fields: Vec<&'static str> = if name.starts_with("task.")
        || name.starts_with("comment.")
        || name.starts_with("timer.")
    {
        task_fields()
    } else {
        Vec::new()
    };
    fields.extend_from_slice(extra_fields);
    EventDef {
        name,
        description,
        fields,
        example,
        admin_only,
    }
}

/// Every event type, in a stable order.
pub fn events() -> Vec<EventDef> {
    let t = task_example;
    vec![
        def(
            "task.created",
            "A task was created.",
            &[],
            json!({ "task": t() }),
            false,
        ),
        def(
            "task.updated",
            "A task's fields changed.",
            &["changes"],
            json!({ "task": t(), "changes": ["title", "priority"] }),
            false,
        ),
        def(
            "task.moved",
            "A task moved to another board column.",
            &["from_column_id", "to_column_id"],
            json!({ "task": t(), "from_column_id": "0193a3c1-0000-7000-8000-000000000001", "to_column_id": "0193a3c1-0000-7000-8000-000000000002" }),
            false,
        ),
        def(
            "task.completed",
            "A task was marked done.",
            &[],
            json!({ "task": t() }),
            false,
        ),
        def(
            "task.deleted",
            "A task was deleted.",
            &[],
            json!({ "task": t() }),
            false,
        ),
        def(
            "task.assigned",
            "A task was assigned to a user.",
            &["assignee_id", "previous_assignee_id"],
            json!({ "task": t(), "assignee_id": "0193a3c1-0000-7000-8000-0000000000u2", "previous_assignee_id": null }),
            false,
        ),
        def(
            "task.overdue",
            "A task passed its due date without being done.",
            &[],
            json!({ "task": t() }),
            false,
        ),
        def(
            "comment.created",
            "Someone commented on a task.",
            &["comment.id", "comment.body", "comment.author_id"],
            json!({ "task": t(), "comment": { "id": "0193a3c1-0000-7000-8000-0000000000c1", "body": "Looks good, ship it", "author_id": "0193a3c1-0000-7000-8000-0000000000u1" } }),
            false,
        ),
        def(
            "timer.started",
            "A time-tracking timer started on a task.",
            &["entry.id", "entry.user_id", "entry.started_at"],
            json!({ "task": t(), "entry": { "id": "0193a3c1-0000-7000-8000-0000000000e1", "user_id": "0193a3c1-0000-7000-8000-0000000000u1", "started_at": "2026-11-26T09:00:00Z" } }),
            false,
        ),
        def(
            "timer.stopped",
            "A running timer stopped.",
            &["entry.id", "entry.user_id", "entry.duration_seconds"],
            json!({ "task": t(), "entry": { "id": "0193a3c1-0000-7000-8000-0000000000e1", "user_id": "0193a3c1-0000-7000-8000-0000000000u1", "duration_seconds": 1800 } }),
            false,
        ),
        def(
            "user.created",
            "A user account was created.",
            &["user_id", "email", "role"],
            json!({ "user_id": "0193a3c1-0000-7000-8000-0000000000u3", "email": "new@example.com", "role": "member" }),
            true,
        ),
        def(
            "user.password_changed",
            "A user's password changed (their sessions ended).",
            &["user_id"],
            json!({ "user_id": "0193a3c1-0000-7000-8000-0000000000u1" }),
            true,
        ),
        def(
            "user.mfa_enabled",
            "A user turned on two-factor authentication.",
            &["user_id"],
            json!({ "user_id": "0193a3c1-0000-7000-8000-0000000000u1" }),
            true,
        ),
        def(
            "user.mfa_disabled",
            "A user turned off two-factor authentication.",
            &["user_id"],
            json!({ "user_id": "0193a3c1-0000-7000-8000-0000000000u1" }),
            true,
        ),
        def(
            "settings.updated",
            "An admin changed deployment settings.",
            &["keys"],
            json!({ "keys": ["frontend_url"] }),
            true,
        ),
    ]
}

pub fn find(name: &str) -> Option<EventDef> {
    events().into_iter().find(|e| e.name == name)
}
