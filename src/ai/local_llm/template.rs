//! The chat template of the models `local-llm` runs: ChatML (`<|im_start|>role\n…<|im_end|>\n`,
//! SmolLM2 and Qwen2.5 alike), with Qwen2.5's tool block in the system turn, its
//! `<tool_call>{json}</tool_call>` replies and `<tool_response>` results. Each turn is tokenized
//! on its own (every turn opens with a control token, so the concatenation is exact), which
//! lets the context budget drop the oldest turns without re-tokenizing.
use super::tokenizer::Tok;
use crate::ai::{ChatRequest, Role, ToolCall};
use serde_json::{Value, json};

pub const STOPS: &[&str] = &["<|im_end|>", "<|im_start|>", "<|endoftext|>"];
pub const TOOL_OPEN: &str = "<tool_call>";
const TOOL_CLOSE: &str = "</tool_call>";

fn turn(role: &str, content: &str) -> String {
    format!("<|im_start|>{role}\n{content}<|im_end|>\n")
}

fn system_turn(req: &ChatRequest, tools: bool) -> String {
    let mut s = req.system.trim().to_string();
    if tools && !req.tools.is_empty() {
        s.push_str("\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>");
        for t in &req.tools {
            let spec = json!({"type": "function", "function": {"name": t.name, "description": t.description, "parameters": t.parameters}});
            s.push('\n');
            s.push_str(&spec.to_string());
        }
        s.push_str("\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call>");
    }
    turn("system", &s)
}

fn message_turn(m: &crate::ai::Message) -> String {
    match m.role {
        Role::User => turn("user", &m.content),
        Role::Assistant => {
            let mut s = m.content.clone();
            for c in &m.tool_calls {
                let call = json!({"name": c.name, "arguments": c.arguments});
                s.push_str(&format!("\n{TOOL_OPEN}\n{call}\n{TOOL_CLOSE}"));
            }
            turn("assistant", s.trim_start())
        }
        Role::Tool => turn(
            "user",
            &format!("<tool_response>\n{}\n</tool_response>", m.content),
        ),
    }
}

/// The prompt's token ids within `budget` tokens: system turn, then as many of the latest
/// turns as fit (the last one always, cut from its start if it alone is too long), then the
/// assistant's opening. Returns the ids and how many turns were dropped.
pub fn render(
    tok: &Tok,
    req: &ChatRequest,
    tools: bool,
    budget: usize,
) -> anyhow::Result<(Vec<u32>, usize)> {
    let opening = tok.encode("<|im_start|>assistant\n")?;
    let mut system = tok.encode(&system_turn(req, tools))?;
    // The system turn may take at most half the budget.
    if system.len() > budget / 2 {
        let end = tok.encode("<|im_end|>\n")?;
        system.truncate((budget / 2).saturating_sub(end.len()));
        system.extend(end);
    }
    let mut room = budget.saturating_sub(system.len() + opening.len());
    let mut kept: Vec<Vec<u32>> = vec![];
    for (i, m) in req.messages.iter().enumerate().rev() {
        let ids = tok.encode(&message_turn(m))?;
        if ids.len() <= room {
            room -= ids.len();
            kept.push(ids);
        } else if i + 1 == req.messages.len() {
            // The newest message alone is over the budget: keep its end.
            let head = tok.encode("<|im_start|>user\n")?;
            let tail = &ids[ids.len() - room.saturating_sub(head.len())..];
            kept.push(head.into_iter().chain(tail.iter().copied()).collect());
            break;
        } else {
            break;
        }
    }
    let dropped = req.messages.len() - kept.len();
    let mut out = system;
    for ids in kept.into_iter().rev() {
        out.extend(ids);
    }
    out.extend(opening);
    Ok((out, dropped))
}

/// Tool calls in a reply (`<tool_call>{"name", "arguments"}</tool_call>`, closing tag
/// optional, code fences and arguments given as a JSON string tolerated). None when any block
/// is not a call: the caller then shows the reply as text.
pub fn parse_tool_calls(reply: &str, known: &[&str]) -> Option<(String, Vec<ToolCall>)> {
    let start = reply.find(TOOL_OPEN)?;
    let before = reply[..start].trim().to_string();
    let mut calls = vec![];
    for (n, block) in reply[start..].split(TOOL_OPEN).skip(1).enumerate() {
        let body = block.split(TOOL_CLOSE).next().unwrap_or_default();
        let body = body.trim().trim_start_matches("```json").trim_matches('`');
        let (from, to) = (body.find('{')?, body.rfind('}')?);
        let v: Value = serde_json::from_str(body.get(from..=to)?).ok()?;
        let name = v.get("name")?.as_str()?.to_string();
        if !known.contains(&name.as_str()) {
            return None;
        }
        let arguments = match v.get("arguments").or_else(|| v.get("parameters")) {
            Some(Value::String(s)) => serde_json::from_str(s).ok()?,
            Some(a @ Value::Object(_)) => a.clone(),
            None | Some(Value::Null) => json!({}),
            Some(_) => return None,
        };
        calls.push(ToolCall {
            id: format!("call_{}", n + 1),
            name,
            arguments,
            thought_signature: None,
        });
    }
    (!calls.is_empty()).then_some((before, calls))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: &[&str] = &["create_task", "list_tasks"];

    #[test]
    fn qwen_tool_calls_are_read_tolerantly() {
        let reply = "Sure.\n<tool_call>\n{\"name\": \"create_task\", \"arguments\": {\"title\": \"Review Q3\"}}\n</tool_call>";
        let (before, calls) = parse_tool_calls(reply, KNOWN).unwrap();
        assert_eq!(before, "Sure.");
        assert_eq!(calls[0].name, "create_task");
        assert_eq!(calls[0].arguments, json!({"title": "Review Q3"}));
        // Arguments as a JSON string, a code fence, no closing tag, two calls.
        let reply = "<tool_call>```json\n{\"name\": \"create_task\", \"arguments\": \"{\\\"title\\\": \\\"A\\\"}\"}```</tool_call><tool_call>{\"name\": \"list_tasks\"}";
        let (_, calls) = parse_tool_calls(reply, KNOWN).unwrap();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].arguments, json!({"title": "A"}));
        assert_eq!(
            (calls[1].name.as_str(), &calls[1].arguments),
            ("list_tasks", &json!({}))
        );
    }

    #[test]
    fn malformed_or_unknown_tool_calls_stay_text() {
        for reply in [
            "no call here",
            "<tool_call>{\"name\": \"create_task\", \"arguments\": {\"title\": </tool_call>",
            "<tool_call>{\"name\": \"drop_database\", \"arguments\": {}}</tool_call>",
            "<tool_call>{\"arguments\": {}}</tool_call>",
            "<tool_call>{\"name\": \"create_task\", \"arguments\": 3}</tool_call>",
        ] {
            assert!(parse_tool_calls(reply, KNOWN).is_none(), "{reply}");
        }
    }
}
