//! The learnings area's agent tool: `get_learnings` returns the caller's real learnings (the
//! conversation's client first), optionally of one type.
use super::{store, types};
use crate::ai::tools::{Tool, ToolCtx, text_arg};
use serde_json::{Value, json};

pub fn tools() -> Vec<Tool> {
    vec![Tool::new(
        "get_learnings",
        "Get what was learned about the user's writing style, preferences, design system and product (the conversation's client first).",
        json!({"type": "object", "properties": {
            "type": {"type": "string", "enum": ["writing_style", "preferences", "design_system", "product_knowledge"]},
            "limit": {"type": "integer", "minimum": 1, "maximum": 20}
        }}),
        get_learnings,
    )]
}

fn get_learnings(ctx: &ToolCtx, args: &Value) -> Result<Value, String> {
    let kind = text_arg(args, "type");
    if let Some(k) = &kind
        && !types::TYPES.contains(&k.as_str())
    {
        return Err(format!(
            "unknown type {k:?}; use {}",
            types::TYPES.join(", ")
        ));
    }
    let limit = args["limit"].as_u64().unwrap_or(8).clamp(1, 20) as usize;
    let all = ctx
        .state
        .db
        .read_blocking(|c| store::for_context(c, &ctx.viewer, ctx.client_id.as_deref(), 200))
        .map_err(|e: rusqlite::Error| e.to_string())?;
    let items: Vec<Value> = all
        .into_iter()
        .filter(|l| {
            kind.as_deref()
                .is_none_or(|k| types::base_type(&l.kind) == k)
        })
        .take(limit)
        .map(|l| {
            json!({"id": l.id, "type": l.kind, "title": l.title, "content": l.content,
                        "data": l.data, "confidence": l.confidence, "client_id": l.client_id})
        })
        .collect();
    Ok(json!({"learnings": items, "count": items.len()}))
}
