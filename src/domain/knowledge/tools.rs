//! The knowledge area's agent tools: retrieval and the memory log, with the caller's visibility.
//! `search_knowledge` is the one retrieval function behind /sources/search and /memory/search;
//! `save_memory` is the memory log's `record`.
use super::{embed, memory, search};
use crate::access;
use crate::ai::tools::{Tool, ToolCtx};
use serde_json::{Value, json};

pub fn tools() -> Vec<Tool> {
    vec![
        Tool::new(
            "search_knowledge",
            "Search the user's sources and knowledge base; returns the most relevant snippets.",
            json!({"type": "object", "properties": {
                    "query": {"type": "string"},
                    "limit": {"type": "integer", "minimum": 1, "maximum": 20}
                }, "required": ["query"]}),
            |ctx, args| run(ctx, "search_knowledge", args),
        ),
        Tool::new(
            "save_memory",
            "Remember a fact about the user or their work for future conversations.",
            json!({"type": "object", "properties": {"content": {"type": "string"}}, "required": ["content"]}),
            |ctx, args| run(ctx, "save_memory", args),
        ),
    ]
}

fn brief(h: &search::Hit) -> Value {
    json!({"title": h.title, "snippet": h.snippet, "source_id": h.doc_id,
               "kind": h.doc_type, "score": h.score})
}

fn run(ctx: &ToolCtx, name: &str, args: &Value) -> Result<Value, String> {
    let err = |e: anyhow::Error| e.to_string();
    let state = &ctx.state;
    match name {
        "search_knowledge" => {
            let emb = embed::configured(state).map_err(|e| e.to_string())?;
            let text = args["query"].as_str().unwrap_or_default().to_string();
            let limit = args["limit"].as_u64().unwrap_or(5).clamp(1, 20) as usize;
            let query = |scope| search::Query {
                text: text.clone(),
                limit,
                scope,
                ..Default::default()
            };
            let (sources, memories) = state
                .db
                .read_blocking(|c| -> anyhow::Result<_> {
                    let find = |scope| {
                        search::search(c, &state.ann, &ctx.viewer, emb.as_ref(), &query(scope))
                    };
                    let mut sources = find(search::Scope::Sources)?;
                    if ctx.audience.is_empty() {
                        return Ok((sources, find(search::Scope::Memory)?));
                    }
                    // A shared conversation: only passages every member may see, and no one's
                    // personal memory.
                    let mut shared = Vec::with_capacity(sources.len());
                    for h in sources.drain(..) {
                        let mut all = h.doc_type == "source";
                        for v in &ctx.audience {
                            all = all && access::can_view(c, v, &super::SOURCE, &h.doc_id)?;
                        }
                        if all {
                            shared.push(h);
                        }
                    }
                    Ok((shared, Vec::new()))
                })
                .map_err(err)?;
            Ok(json!({
                "passages": sources.iter().map(brief).collect::<Vec<_>>(),
                "memories": memories.iter().take(3).map(brief).collect::<Vec<_>>(),
            }))
        }
        "save_memory" => {
            let content = args["content"].as_str().unwrap_or_default().trim();
            let meta = json!({"conversation_id": ctx.conversation_id, "via": "chat"});
            let m =
                memory::record(state, &ctx.viewer.user_id, "fact", content, &meta).map_err(err)?;
            Ok(json!({"memory_id": m.id, "saved": content}))
        }
        other => Err(format!("unknown tool {other:?}")),
    }
}
