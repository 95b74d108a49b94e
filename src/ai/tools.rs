//! The agent's tools, defined once (name, description, JSON Schema) and translated to each
//! provider's format by the providers. Areas offer tools (`domain/<area>/tools.rs`); `app.rs`
//! lists them in the registry, so the model is only ever offered tools that exist. Each runs
//! with the caller's permissions.
use super::{ToolCall, ToolSpec};
use crate::access::Viewer;
use crate::state::AppState;
use serde_json::Value;

/// Who is calling and where: tools act with exactly these permissions.
pub struct ToolCtx {
    pub state: AppState,
    pub viewer: Viewer,
    /// The conversation's other members: they read the results too, so tools that read shared
    /// data return only what every one of them may see.
    pub audience: Vec<Viewer>,
    pub conversation_id: String,
    pub client_id: Option<String>,
    pub project_id: Option<String>,
}

/// One tool: what the model is told, and what runs it. `Ok` is the tool's JSON result, `Err` a
/// message the model (and the user) sees.
pub struct Tool {
    pub spec: ToolSpec,
    pub run: fn(&ToolCtx, &Value) -> Result<Value, String>,
}

impl Tool {
    pub fn new(
        name: &'static str,
        description: &'static str,
        parameters: Value,
        run: fn(&ToolCtx, &Value) -> Result<Value, String>,
    ) -> Tool {
        Tool {
            spec: ToolSpec {
                name,
                description,
                parameters,
            },
            run,
        }
    }
}

/// The specs of every registered tool, as offered to the model.
pub fn specs(state: &AppState) -> Vec<ToolSpec> {
    state
        .registry
        .tools
        .iter()
        .map(|t| t.spec.clone())
        .collect()
}

/// Run one tool call after checking its required arguments.
pub fn run(ctx: &ToolCtx, call: &ToolCall) -> Result<Value, String> {
    let args = &call.arguments;
    if let Some(raw) = args.get("_unparsed") {
        return Err(format!("the arguments were not valid JSON: {raw}"));
    }
    let Some(tool) = ctx
        .state
        .registry
        .tools
        .iter()
        .find(|t| t.spec.name == call.name)
    else {
        return Err(format!("unknown tool {:?}", call.name));
    };
    for req in tool.spec.parameters["required"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let key = req.as_str().unwrap_or_default();
        if args.get(key).is_none_or(|v| v.is_null() || v == "") {
            return Err(format!("{} needs `{key}`", call.name));
        }
    }
    (tool.run)(ctx, args)
}

/// A trimmed, non-empty string argument.
pub fn text_arg(args: &Value, key: &str) -> Option<String> {
    args.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}
