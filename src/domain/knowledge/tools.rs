//! The knowledge area's agent tools: retrieval and the memory log, with the caller's visibility.
//! `search_knowledge` is the one retrieval function behind /sources/search and /memory/search;
//! `save_memory` is the memory log's `record`.
use crate::ai::tools::{Tool, ToolCtx};
use crate::api::knowledge::memory;
use crate::knowledge::{embed, search};
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
        other => Err(format!("unknown tool {other:?}")),
    }
}
