//! The tasks area's agent tools: the same operations as /tasks, with the caller's permissions.
use super::types::{CreateTask, Task, TaskQuery, UpdateTask};
use super::{columns, create_in, edit, find, list_in};
use crate::ai::tools::{Tool, ToolCtx, text_arg as text};
use crate::error::ApiError;
use crate::page::Page;
use serde_json::{Value, json};

pub fn tools() -> Vec<Tool> {
    vec![
        Tool::new(
            "create_task",
            "Create a task for the user (title required).",
            json!({"type": "object", "properties": {
                    "title": {"type": "string", "description": "Short imperative title"},
                    "description": {"type": "string"},
                    "priority": {"type": "string", "enum": ["low", "medium", "high", "urgent"]},
                    "due_date": {"type": "string", "description": "YYYY-MM-DD"}
                }, "required": ["title"]}),
            |ctx, args| run(ctx, "create_task", args),
        ),
        Tool::new(
            "list_tasks",
            "List the user's tasks, optionally filtered by status.",
            json!({"type": "object", "properties": {
                "status": {"type": "string"},
                "limit": {"type": "integer", "minimum": 1, "maximum": 50}
            }}),
            |ctx, args| run(ctx, "list_tasks", args),
        ),
        Tool::new(
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
            |ctx, args| run(ctx, "update_task", args),
        ),
    ]
}

/// A compact view of a task for the model.
fn brief(t: &Task) -> Value {
    json!({"id": t.id, "title": t.title, "status": t.column, "priority": t.priority,
               "due_date": t.due_date, "project_id": t.project_id, "completed": t.completed_at.is_some()})
}

fn run(ctx: &ToolCtx, name: &str, args: &Value) -> Result<Value, String> {
    let db = &ctx.state.db;
    let v = &ctx.viewer;
    let result: Result<Value, ApiError> = match name {
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
            db.write_blocking(|c| create_in(c, v, dto))
                .map(|t| brief(&t))
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
            // The model sees one page; the status filter applies within it.
            let page = Page::new(crate::page::MAX_LIMIT, 0);
            let items: Vec<Value> = db
                .read_blocking(|c| list_in(c, v, &q, page))
                .map_err(|e| e.to_string())?
                .items
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
            let task = db
                .read_blocking(|c| find(c, v, &id))
                .map_err(|e| e.to_string())?
                .ok_or("task not found")?;
            // `status` names a column of the task's own board ("Done", "In progress"…).
            let column_id = match text(args, "status") {
                Some(status) => {
                    let cols = db
                        .read_blocking(|c| columns::of_task_board(c, &task.column_id))
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
                            let names: Vec<&str> = cols.iter().map(|k| k.name.as_str()).collect();
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
            db.write_blocking(|c| edit::update_in(c, v, &id, u))
                .map(|t| brief(&t))
        }
        other => return Err(format!("unknown tool {other:?}")),
    };
    result.map_err(|e| e.to_string())
}
