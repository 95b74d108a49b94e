//! The built-in offline provider: deterministic, no network. It streams word by word, drafts
//! from the user's own material (attachments and the conversation) with the platform templates
//! in assets/prompts, and issues real tool calls for clear requests ("create a task to …",
//! "remember that …", "list my tasks"), so the whole agent loop works without a model.
use super::local_draft::*;
use super::*;
use serde_json::json;

pub struct Local;

pub const MODEL: &str = "local-draft";
pub const EMBED_MODEL: &str = "local-hash-384";
const DIM: usize = 384;

impl Provider for Local {
    fn name(&self) -> &str {
        "local"
    }
    fn offline(&self) -> bool {
        true
    }
    fn default_model(&self) -> String {
        MODEL.into()
    }

    fn chat(&self, req: &ChatRequest, sink: Sink) -> Result<(), ProviderError> {
        let input: usize =
            req.messages.iter().map(|m| m.content.len()).sum::<usize>() + req.system.len();
        let (text, call) = respond(req);
        for token in tokens(&text) {
            if sink(Event::Text(token.to_string())) == Flow::Stop {
                return Ok(());
            }
        }
        let input_tokens = (input as u64).div_ceil(4);
        let output_tokens = estimate_tokens(&text) + u64::from(call.is_some()) * 8;
        if sink(Event::Usage(Usage {
            input_tokens,
            output_tokens,
            total_tokens: input_tokens + output_tokens,
        })) == Flow::Stop
        {
            return Ok(());
        }
        if let Some(call) = call {
            sink(Event::ToolCall(call));
        }
        Ok(())
    }

    fn list_models(&self) -> Result<Vec<String>, ProviderError> {
        Ok(vec![MODEL.into()])
    }

    fn embed(&self, _model: &str, inputs: &[String]) -> Result<EmbedResult, ProviderError> {
        let tokens: u64 = inputs.iter().map(|t| estimate_tokens(t)).sum();
        Ok(EmbedResult {
            vectors: inputs.iter().map(|t| embed_text(t)).collect(),
            usage: Usage {
                input_tokens: tokens,
                output_tokens: 0,
                total_tokens: tokens,
            },
        })
    }
}

/// Words with their trailing whitespace: the unit the offline provider streams.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let end = rest[word_end..]
            .find(|c: char| !c.is_whitespace())
            .map_or(rest.len(), |i| word_end + i);
        let (tok, tail) = rest.split_at(end);
        rest = tail;
        Some(tok)
    })
}

/// Feature-hashed bag of words and bigrams, L2-normalised: crude but deterministic and offline.
pub fn embed_text(text: &str) -> Vec<f32> {
    let mut v = vec![0f32; DIM];
    let words: Vec<String> = words(text);
    let mut add = |s: &str, w: f32| {
        let h = fnv(s);
        let sign = if h & 1 == 0 { 1.0 } else { -1.0 };
        v[(h >> 1) as usize % DIM] += sign * w;
    };
    for w in &words {
        add(w, 1.0);
    }
    for pair in words.windows(2) {
        add(&format!("{} {}", pair[0], pair[1]), 0.5);
    }
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

pub(super) fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

pub(super) const STOP: &[&str] = &[
    "the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "is", "are", "was", "it", "this",
    "that", "with", "as", "be", "by", "at", "from", "about", "me", "my", "i", "you", "your", "we",
    "our", "write", "draft", "please", "can", "could", "post", "what", "how", "which", "do",
    "does",
];

/// The reply: either text, or a short preface plus one tool call.
fn respond(req: &ChatRequest) -> (String, Option<ToolCall>) {
    let Some(last) = req.messages.last() else {
        return ("Hello! Ask me anything, or attach a document.".into(), None);
    };
    if last.role == Role::Tool {
        return (report_tool_results(&req.messages), None);
    }
    let (question, material) = split_material(&last.content);
    let lower = question.to_lowercase();
    let has = |name: &str| req.tools.iter().any(|t| t.name == name);
    let call = |name: &str, args: Value| {
        Some(ToolCall {
            id: format!("local_{}", uuid::Uuid::now_v7().simple()),
            name: name.into(),
            arguments: args,
            thought_signature: None,
        })
    };
    if has("create_task") && wants_task(&lower) {
        let title = task_title(question);
        return (
            format!("Creating the task “{title}”.\n\n"),
            call("create_task", json!({ "title": title })),
        );
    }
    if has("list_tasks")
        && (lower.contains("my tasks")
            || lower.contains("list tasks")
            || lower.contains("open tasks"))
    {
        return (
            "Looking up your tasks.\n\n".into(),
            call("list_tasks", json!({})),
        );
    }
    if has("save_memory") && lower.starts_with("remember") {
        let content = question
            .trim_start_matches(|c: char| c.is_alphabetic())
            .trim_start_matches([' ', ':'])
            .trim_start_matches("that ")
            .trim();
        return (
            "I'll remember that.\n\n".into(),
            call("save_memory", json!({ "content": content })),
        );
    }
    if has("search_knowledge") && (lower.starts_with("search ") || lower.contains("my sources")) {
        let query = strip_prefixes(
            question,
            &[
                "search my knowledge for",
                "search my sources for",
                "search for",
                "search",
            ],
        );
        return (
            "Searching your knowledge.\n\n".into(),
            call("search_knowledge", json!({ "query": query })),
        );
    }
    let mut pool = material.clone();
    for m in &req.messages[..req.messages.len() - 1] {
        if m.role != Role::Tool {
            pool.push(m.content.clone());
        }
    }
    if is_draft(&lower) {
        return (draft(question, &lower, &pool), None);
    }
    (answer(question, &material, &pool), None)
}

fn wants_task(lower: &str) -> bool {
    [
        "create a task",
        "add a task",
        "new task",
        "create task",
        "add task",
        "remind me to",
        "todo:",
    ]
    .iter()
    .any(|p| lower.contains(p))
}

fn task_title(question: &str) -> String {
    if let Some(q) = quoted(question) {
        return q;
    }
    let lower = question.to_lowercase();
    let mut start = 0;
    for marker in [
        "task to ",
        "task: ",
        "task:",
        "remind me to ",
        "todo:",
        "task called ",
        "task for ",
        "task ",
    ] {
        if let Some(i) = lower.find(marker) {
            start = i + marker.len();
            break;
        }
    }
    let t = question[start..]
        .trim()
        .trim_end_matches(['.', '!', '?'])
        .trim();
    let mut title: String = t.chars().take(120).collect();
    if let Some(first) = title.get(..1) {
        title = first.to_uppercase() + &title[1..];
    }
    if title.is_empty() {
        "New task".into()
    } else {
        title
    }
}

fn quoted(s: &str) -> Option<String> {
    for (open, close) in [('"', '"'), ('“', '”'), ('\'', '\'')] {
        if let Some(a) = s.find(open) {
            let rest = &s[a + open.len_utf8()..];
            if let Some(b) = rest.find(close) {
                let q = rest[..b].trim();
                if !q.is_empty() {
                    return Some(q.to_string());
                }
            }
        }
    }
    None
}

fn strip_prefixes(s: &str, prefixes: &[&str]) -> String {
    let lower = s.to_lowercase();
    for p in prefixes {
        if lower.starts_with(p) {
            return s[p.len()..].trim().trim_end_matches('?').to_string();
        }
    }
    s.trim().to_string()
}

/// Split the user's text from attached documents (`--- Attachment: name ---` blocks).
/// Summarise the results of the trailing tool messages for the user.
fn report_tool_results(messages: &[Message]) -> String {
    let mut lines = Vec::new();
    for m in messages
        .iter()
        .rev()
        .take_while(|m| m.role == Role::Tool)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
    {
        let name = m.tool_name.as_deref().unwrap_or("the tool");
        let v: Value = serde_json::from_str(&m.content).unwrap_or(json!({ "result": m.content }));
        if let Some(err) = v.get("error").and_then(Value::as_str) {
            lines.push(format!("I couldn't run `{name}`: {err}."));
            continue;
        }
        lines.push(match name {
            "create_task" => format!(
                "Done: the task “{}” is created.",
                v["title"].as_str().unwrap_or("new task")
            ),
            "list_tasks" => {
                let items = v
                    .get("items")
                    .or(Some(&v))
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                if items.is_empty() {
                    "You have no tasks matching that.".into()
                } else {
                    let list: Vec<String> = items
                        .iter()
                        .take(20)
                        .map(|t| {
                            format!(
                                "- {} ({})",
                                t["title"].as_str().unwrap_or("?"),
                                t["status"].as_str().unwrap_or("?")
                            )
                        })
                        .collect();
                    format!("Your tasks:\n\n{}", list.join("\n"))
                }
            }
            "save_memory" => "Saved to memory.".into(),
            "search_knowledge" => {
                let hits: Vec<String> = v["passages"]
                    .as_array()
                    .into_iter()
                    .chain(v["memories"].as_array())
                    .flatten()
                    .map(|h| {
                        format!(
                            "- **{}**: {}",
                            h["title"].as_str().unwrap_or("Untitled"),
                            h["snippet"].as_str().unwrap_or_default()
                        )
                    })
                    .collect();
                if hits.is_empty() {
                    "Nothing in your knowledge matches that yet.".into()
                } else {
                    format!("From your knowledge:\n\n{}", hits.join("\n"))
                }
            }
            _ => format!(
                "`{name}` returned:\n\n```json\n{}\n```",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            ),
        });
    }
    lines.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_titles_are_taken_from_the_request() {
        assert_eq!(
            task_title("Create a task to review the Q3 report by Friday."),
            "Review the Q3 report by Friday"
        );
        assert_eq!(
            task_title("add a task: \"Ship the newsletter\""),
            "Ship the newsletter"
        );
        assert_eq!(task_title("Please remind me to call Ana"), "Call Ana");
    }

    #[test]
    fn tokens_keep_every_character() {
        let s = "Hello  world,\nthis is\ta test ";
        assert_eq!(tokens(s).collect::<String>(), s);
        assert_eq!(tokens(s).count(), 6);
    }

    #[test]
    fn embeddings_are_normalised_and_similar_for_similar_text() {
        let a = embed_text("quarterly revenue report for the sales team");
        let b = embed_text("the sales team quarterly revenue report");
        let c = embed_text("banana bread recipe with walnuts");
        let dot = |x: &[f32], y: &[f32]| x.iter().zip(y).map(|(p, q)| p * q).sum::<f32>();
        assert!((dot(&a, &a) - 1.0).abs() < 1e-4);
        assert!(dot(&a, &b) > dot(&a, &c) + 0.3);
    }
}
