//! The agent's tools, defined once (name, description, JSON Schema) and translated to each
//! provider's format by the providers. Each tool runs through a small adapter with the caller's
//! permissions; tools whose area is not part of this build answer a clear tool error.
use super::{ToolCall, ToolSpec};
use crate::access::Viewer;
use crate::app::AppState;
use serde_json::{Value, json};

/// Who is calling and where: tools act with exactly these permissions.
pub struct ToolCtx {
    pub state: AppState,
    pub viewer: Viewer,
    pub conversation_id: String,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
}

pub fn specs() -> Vec<ToolSpec> {
    let s = |name, description, parameters| ToolSpec {
        name,
        description,
        parameters,
    };
    vec![
        s(
            "create_task",
            "Create a task for the user (title required).",
            json!({"type": "object", "properties": {
                "title": {"type": "string", "description": "Short imperative title"},
                "description": {"type": "string"},
                "priority": {"type": "string", "enum": ["low", "medium", "high", "urgent"]},
                "due_date": {"type": "string", "description": "YYYY-MM-DD"}
            }, "required": ["title"]}),
        ),
        s(
            "list_tasks",
            "List the user's tasks, optionally filtered by status.",
            json!({"type": "object", "properties": {
                "status": {"type": "string"},
                "limit": {"type": "integer", "minimum": 1, "maximum": 50}
            }}),
        ),
        s(
            "update_task",
            "Update a task by id: title, status, priority, due date or description.",
            json!({"type": "object", "properties": {
                "task_id": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "string"},
                "priority": {"type": "string"},
                "due_date": {"type": "string"},
                "description": {"type": "string"}
            }, "required": ["task_id"]}),
        ),
        s(
            "search_knowledge",
            "Search the user's sources and knowledge base; returns the most relevant snippets.",
            json!({"type": "object", "properties": {
                "query": {"type": "string"},
                "limit": {"type": "integer", "minimum": 1, "maximum": 20}
            }, "required": ["query"]}),
        ),
        s(
            "get_learnings",
            "Get the learnings and rules the studio has collected (optionally about a topic).",
            json!({"type": "object", "properties": {"topic": {"type": "string"}}}),
        ),
        s(
            "save_memory",
            "Remember a fact about the user or their work for future conversations.",
            json!({"type": "object", "properties": {"content": {"type": "string"}}, "required": ["content"]}),
        ),
        s(
            "create_content_draft",
            "Save a piece of content as a draft (title, body, optional platform).",
            json!({"type": "object", "properties": {
                "title": {"type": "string"},
                "body": {"type": "string"},
                "platform": {"type": "string"}
            }, "required": ["title", "body"]}),
        ),
    ]
}

/// Run one tool call. `Ok` is the tool's JSON result, `Err` a message the model (and user) sees.
pub fn run(ctx: &ToolCtx, call: &ToolCall) -> Result<Value, String> {
    let args = &call.arguments;
    if let Some(raw) = args.get("_unparsed") {
        return Err(format!("the arguments were not valid JSON: {raw}"));
    }
    if let Some(spec) = specs().into_iter().find(|s| s.name == call.name) {
        for req in spec.parameters["required"].as_array().into_iter().flatten() {
            let key = req.as_str().unwrap_or_default();
            if args.get(key).is_none_or(|v| v.is_null() || v == "") {
                return Err(format!("{} needs `{key}`", call.name));
            }
        }
    } else {
        return Err(format!("unknown tool {:?}", call.name));
    }
    match call.name.as_str() {
        "create_task" | "list_tasks" | "update_task" => tasks::run(ctx, &call.name, args),
        "search_knowledge" | "get_learnings" | "save_memory" => {
            knowledge::run(ctx, &call.name, args)
        }
        "create_content_draft" => content::run(ctx, args),
        other => Err(format!("unknown tool {other:?}")),
    }
}

/// Adapter to the tasks area (issue 5).
mod tasks {
    use super::*;
    pub fn run(_ctx: &ToolCtx, _name: &str, _args: &Value) -> Result<Value, String> {
        Err("the tasks area is not available in this build".into())
    }
}

/// Adapter to the knowledge and memory areas (issue 4).
mod knowledge {
    use super::*;
    pub fn run(_ctx: &ToolCtx, _name: &str, _args: &Value) -> Result<Value, String> {
        Err("the knowledge area is not available in this build".into())
    }
}

/// Adapter to the content area.
mod content {
    use super::*;
    pub fn run(_ctx: &ToolCtx, _args: &Value) -> Result<Value, String> {
        Err("the content area is not available in this build".into())
    }
}
