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

/// Adapter to the tasks area: the same store functions as /tasks, with the caller's permissions.
mod tasks {
    use super::*;
    use crate::api::tasks::types::{CreateTask, TaskQuery, UpdateTask};
    use crate::api::tasks::{columns, edit, store};

    fn text(args: &Value, key: &str) -> Option<String> {
        args.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    /// A compact view of a task for the model.
    fn brief(t: &crate::api::tasks::types::Task) -> Value {
        json!({"id": t.id, "title": t.title, "status": t.column, "priority": t.priority,
               "due_date": t.due_date, "project_id": t.project_id, "completed": t.completed_at.is_some()})
    }

    pub fn run(ctx: &ToolCtx, name: &str, args: &Value) -> Result<Value, String> {
        let mut c = ctx.state.db.conn().map_err(|e| e.to_string())?;
        let v = &ctx.viewer;
        let result = match name {
            "create_task" => {
                let dto = CreateTask {
                    title: text(args, "title").unwrap_or_default(),
                    description: text(args, "description").unwrap_or_default(),
                    priority: text(args, "priority"),
                    due_date: text(args, "due_date"),
                    // A conversation about a project files its tasks there.
                    project_id: ctx.project_id.clone(),
                    client_id: if ctx.project_id.is_some() {
                        None
                    } else {
                        ctx.client_id.clone()
                    },
                    ..Default::default()
                };
                store::create_task(&mut c, v, dto).map(|t| brief(&t))
            }
            "list_tasks" => {
                let status = text(args, "status").map(|s| s.to_lowercase());
                let limit = args
                    .get("limit")
                    .and_then(Value::as_u64)
                    .unwrap_or(20)
                    .clamp(1, 50) as usize;
                let q = TaskQuery {
                    project_id: ctx.project_id.clone(),
                    ..Default::default()
                };
                let items: Vec<Value> = store::list(&c, v, &q)
                    .map_err(|e| e.to_string())?
                    .iter()
                    .filter(|t| {
                        status
                            .as_ref()
                            .is_none_or(|s| t.column.to_lowercase() == *s)
                    })
                    .take(limit)
                    .map(brief)
                    .collect();
                Ok(json!({ "items": items }))
            }
            "update_task" => {
                let id = text(args, "task_id").unwrap_or_default();
                let task = store::get(&c, v, &id)
                    .map_err(|e| e.to_string())?
                    .ok_or("task not found")?;
                // `status` names a column of the task's own board ("Done", "In progress"…).
                let column_id = match text(args, "status") {
                    Some(status) => {
                        let col = columns::get(&c, &task.column_id)
                            .map_err(|e| e.to_string())?
                            .ok_or("task not found")?;
                        let cols = columns::list(&c, &col.scope_type, &col.scope_id)
                            .map_err(|e| e.to_string())?;
                        let wanted = status.to_lowercase();
                        let found = cols
                            .iter()
                            .find(|k| k.name.to_lowercase() == wanted)
                            .or_else(|| {
                                (wanted == "done" || wanted == "completed")
                                    .then(|| cols.iter().find(|k| k.is_done))
                                    .flatten()
                            });
                        match found {
                            Some(k) => Some(k.id.clone()),
                            None => {
                                let names: Vec<&str> =
                                    cols.iter().map(|k| k.name.as_str()).collect();
                                return Err(format!(
                                    "no column named {status:?}; use one of {}",
                                    names.join(", ")
                                ));
                            }
                        }
                    }
                    None => None,
                };
                let u = UpdateTask {
                    title: text(args, "title"),
                    description: text(args, "description"),
                    priority: text(args, "priority"),
                    due_date: text(args, "due_date").map(Some),
                    column_id,
                    ..Default::default()
                };
                edit::update_task(&mut c, v, &id, u).map(|t| brief(&t))
            }
            other => return Err(format!("unknown tool {other:?}")),
        };
        ctx.state.jobs.notify();
        result.map_err(|e| e.to_string())
    }
}

/// Adapter to the knowledge and memory areas: the one retrieval function behind /sources/search
/// and /memory/search, and the memory log's `record`, with the caller's visibility.
mod knowledge {
    use super::*;
    use crate::api::knowledge::memory;
    use crate::knowledge::{embed, search};

    fn brief(h: &search::Hit) -> Value {
        json!({"title": h.title, "snippet": h.snippet, "source_id": h.doc_id,
               "kind": h.doc_type, "score": h.score})
    }

    pub fn run(ctx: &ToolCtx, name: &str, args: &Value) -> Result<Value, String> {
        let err = |e: anyhow::Error| e.to_string();
        let mut c = ctx.state.db.conn().map_err(|e| e.to_string())?;
        let emb = embed::configured(&ctx.state).map_err(|e| e.to_string())?;
        match name {
            "search_knowledge" => {
                let text = args["query"].as_str().unwrap_or_default().to_string();
                let limit = args["limit"].as_u64().unwrap_or(5).clamp(1, 20) as usize;
                let query = |scope| search::Query {
                    text: text.clone(),
                    limit,
                    scope,
                    ..Default::default()
                };
                let sources = search::search(
                    &c,
                    &ctx.viewer,
                    emb.as_ref(),
                    &query(search::Scope::Sources),
                )
                .map_err(err)?;
                let memories =
                    search::search(&c, &ctx.viewer, emb.as_ref(), &query(search::Scope::Memory))
                        .map_err(err)?;
                Ok(json!({
                    "passages": sources.iter().map(brief).collect::<Vec<_>>(),
                    "memories": memories.iter().take(3).map(brief).collect::<Vec<_>>(),
                }))
            }
            "save_memory" => {
                let content = args["content"].as_str().unwrap_or_default().trim();
                let meta = json!({"conversation_id": ctx.conversation_id, "via": "chat"});
                let m = memory::record(
                    &mut c,
                    emb.as_ref(),
                    &ctx.viewer.user_id,
                    "fact",
                    content,
                    &meta,
                )
                .map_err(err)?;
                ctx.state.jobs.notify();
                Ok(json!({"memory_id": m.id, "saved": content}))
            }
            _ => Err("the learnings area is not available in this build".into()),
        }
    }
}

/// Adapter to the content area.
mod content {
    use super::*;
    pub fn run(_ctx: &ToolCtx, _args: &Value) -> Result<Value, String> {
        Err("the content area is not available in this build".into())
    }
}
