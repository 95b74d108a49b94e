//! The content area's agent tool: `create_content_draft` generates and saves a real content
//! through the one generation path (the conversation's client and project, the caller's rights).
use super::generate::{self, Ask, GenerateRequest};
use crate::ai::tools::{Tool, ToolCtx, text_arg};
use serde_json::{Value, json};

pub fn tools() -> Vec<Tool> {
    vec![Tool::new(
        "create_content_draft",
        "Generate a draft for a platform from a brief (grounded in the user's sources and voice) and save it in the content studio.",
        json!({"type": "object", "properties": {
            "platform": {"type": "string", "enum": super::platforms::names()},
            "brief": {"type": "string", "description": "What the content is about and what it must say."},
            "title": {"type": "string"},
            "template_id": {"type": "string", "description": "A template id such as linkedin_post or case_study."}
        }, "required": ["platform", "brief"]}),
        create_content_draft,
    )]
}

fn create_content_draft(ctx: &ToolCtx, args: &Value) -> Result<Value, String> {
    let req = GenerateRequest {
        platform: text_arg(args, "platform").unwrap_or_default(),
        brief: text_arg(args, "brief").unwrap_or_default(),
        title: text_arg(args, "title"),
        template_id: text_arg(args, "template_id"),
        client_id: ctx.client_id.clone(),
        project_id: ctx.project_id.clone(),
        ..Default::default()
    };
    let saved = generate::generate_blocking(&ctx.state, &ctx.viewer, Ask::Generate(req))
        .map_err(|e| e.to_string())?;
    Ok(json!({
        "content_id": saved.content_id, "title": saved.title, "platform": saved.platform,
        "draft_content": saved.draft, "warnings": saved.warnings, "link": format!("/content/{}", saved.content_id),
    }))
}
