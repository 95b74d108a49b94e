//! The action catalog: each action's config form, self-described so the UI builds it.
use super::types::{ActionDef, ConfigField};

fn f(
    name: &'static str,
    kind: &'static str,
    required: bool,
    description: &'static str,
    options: &[&'static str],
    templated: bool,
) -> ConfigField {
    ConfigField {
        name,
        kind,
        required,
        description,
        options: options.to_vec(),
        templated,
    }
}

pub fn actions() -> Vec<ActionDef> {
    vec![
        ActionDef {
            name: "notify",
            description: "Send an in-app notification.",
            config: vec![
                f(
                    "message",
                    "textarea",
                    true,
                    "Notification text; {{task.title}}-style templates allowed.",
                    &[],
                    true,
                ),
                f(
                    "title",
                    "text",
                    false,
                    "Short title (defaults to the automation's name).",
                    &[],
                    true,
                ),
                f(
                    "target",
                    "select",
                    false,
                    "Who receives it (default: the automation's owner).",
                    &["owner", "assignee", "user", "broadcast"],
                    false,
                ),
                f(
                    "user_id",
                    "user",
                    false,
                    "The recipient when target is \"user\".",
                    &[],
                    false,
                ),
            ],
            available: true,
        },
        ActionDef {
            name: "send_webhook",
            description: "POST a one-off Standard Webhooks message (signed when a secret is given).",
            config: vec![
                f("url", "url", true, "Where to POST.", &[], false),
                f(
                    "secret",
                    "secret",
                    false,
                    "whsec_… secret to sign with (sealed; answers show it masked, and sending the masked value back keeps it).",
                    &[],
                    false,
                ),
                f(
                    "event_type",
                    "text",
                    false,
                    "The message's type (defaults to the trigger).",
                    &[],
                    false,
                ),
            ],
            available: true,
        },
        ActionDef {
            name: "create_task",
            description: "Create a task.",
            config: vec![
                f("title", "text", true, "Task title.", &[], true),
                f(
                    "description",
                    "textarea",
                    false,
                    "Task description.",
                    &[],
                    true,
                ),
                f(
                    "project_id",
                    "text",
                    false,
                    "Project (defaults to the trigger's project).",
                    &[],
                    true,
                ),
                f("column_id", "text", false, "Board column.", &[], true),
                f("assignee_id", "user", false, "Assignee.", &[], true),
                f(
                    "priority",
                    "select",
                    false,
                    "Priority.",
                    &["low", "medium", "high", "urgent"],
                    false,
                ),
            ],
            available: true,
        },
        ActionDef {
            name: "move_task",
            description: "Move the trigger's task (or task_id) to a column.",
            config: vec![
                f("column_id", "text", true, "Target column.", &[], true),
                f(
                    "task_id",
                    "text",
                    false,
                    "Task (defaults to the trigger's task).",
                    &[],
                    true,
                ),
            ],
            available: true,
        },
        ActionDef {
            name: "assign_task",
            description: "Assign the trigger's task (or task_id) to a user.",
            config: vec![
                f("assignee_id", "user", true, "New assignee.", &[], true),
                f(
                    "task_id",
                    "text",
                    false,
                    "Task (defaults to the trigger's task).",
                    &[],
                    true,
                ),
            ],
            available: true,
        },
        ActionDef {
            name: "add_comment",
            description: "Comment on the trigger's task (or task_id).",
            config: vec![
                f("body", "textarea", true, "Comment text.", &[], true),
                f(
                    "task_id",
                    "text",
                    false,
                    "Task (defaults to the trigger's task).",
                    &[],
                    true,
                ),
            ],
            available: true,
        },
        ActionDef {
            name: "generate_content",
            description: "Generate a content with the configured model (or offline from your sources) and save it in the content studio; the run's output carries content_id and the text.",
            config: vec![
                f(
                    "prompt",
                    "textarea",
                    true,
                    "The brief: what to write about (templates like {{task.title}} are filled in).",
                    &[],
                    true,
                ),
                f(
                    "platform",
                    "select",
                    false,
                    "Platform (default linkedin).",
                    &crate::domain::content::platforms::names(),
                    false,
                ),
                f("title", "text", false, "Title of the content.", &[], true),
                f(
                    "template_id",
                    "text",
                    false,
                    "Template (e.g. linkedin_post, case_study).",
                    &[],
                    false,
                ),
            ],
            available: true,
        },
    ]
}

pub fn find(name: &str) -> Option<ActionDef> {
    actions().into_iter().find(|a| a.name == name)
}
