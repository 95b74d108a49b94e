//! Model-backed generation that must answer JSON: the reply is validated against a small
//! schema; an invalid reply is retried once with the validation error, then reported. Calls go
//! through `ai::calls::complete` (budget check and AI log). Shared by learnings, skills and
//! personas.
use crate::ai::calls::{self, CallError};
use crate::ai::{Image, Message};
use crate::state::AppState;
use serde_json::Value;

/// The type of one required field.
#[derive(Debug, Clone, Copy)]
pub enum Field {
    Str,
    StrList,
    Num(f64, f64),
    Obj,
    /// An array of objects, each with these non-empty string fields.
    ObjList(&'static [&'static str]),
    /// An array of CSS hex colours (`#rgb` or `#rrggbb`).
    HexList,
}

/// Required top-level fields of an object.
pub type Schema = &'static [(&'static str, Field)];

/// Why a reply does not fit: `None` when it does.
pub fn invalid(v: &Value, schema: Schema) -> Option<String> {
    let Some(obj) = v.as_object() else {
        return Some("the answer is not a JSON object".into());
    };
    for (key, field) in schema {
        let Some(x) = obj.get(*key) else {
            return Some(format!("`{key}` is missing"));
        };
        let ok = match field {
            Field::Str => x.as_str().is_some_and(|s| !s.trim().is_empty()),
            Field::StrList => x.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
            Field::Num(lo, hi) => x.as_f64().is_some_and(|n| n >= *lo && n <= *hi),
            Field::Obj => x.is_object(),
            Field::ObjList(keys) => x.as_array().is_some_and(|a| {
                a.iter().all(|o| {
                    keys.iter()
                        .all(|k| o[*k].as_str().is_some_and(|s| !s.trim().is_empty()))
                })
            }),
            Field::HexList => x.as_array().is_some_and(|a| {
                a.iter()
                    .all(|c| c.as_str().is_some_and(|c| hex_colour(c).is_some()))
            }),
        };
        if !ok {
            return Some(format!("`{key}` must be {}", wanted(field)));
        }
    }
    None
}

fn wanted(field: &Field) -> String {
    match field {
        Field::Str => "a non-empty string".to_string(),
        Field::StrList => "an array of strings".to_string(),
        Field::Num(lo, hi) => format!("a number from {lo} to {hi}"),
        Field::Obj => "an object".to_string(),
        Field::ObjList(keys) => format!(
            "an array of objects, each with non-empty string fields {}",
            keys.join(", ")
        ),
        Field::HexList => "an array of hex colours like \"#1a2b3c\"".to_string(),
    }
}

/// How a field is shown to the model.
fn shape(field: &Field) -> String {
    match field {
        Field::Str => "string".to_string(),
        Field::StrList => "[string]".to_string(),
        Field::Num(lo, hi) => format!("number {lo}–{hi}"),
        Field::Obj => "object".to_string(),
        Field::ObjList(keys) => format!(
            "[{{{}}}]",
            keys.iter()
                .map(|k| format!("\"{k}\": string"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Field::HexList => "[\"#rrggbb\"]".to_string(),
    }
}

/// `#abc` / `#AABBCC` → `#aabbcc`; `None` for anything else.
pub fn hex_colour(c: &str) -> Option<String> {
    let h = c.trim().strip_prefix('#')?;
    if !h.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    match h.len() {
        3 => Some(h.chars().flat_map(|c| [c, c]).collect::<String>()),
        6 => Some(h.to_string()),
        _ => None,
    }
    .map(|h| format!("#{}", h.to_ascii_lowercase()))
}

/// The JSON object in a reply (code fences and chatter around it are tolerated).
pub fn parse(reply: &str) -> Option<Value> {
    let start = reply.find('{')?;
    let end = reply.rfind('}')?;
    serde_json::from_str(reply.get(start..=end)?).ok()
}

/// Which provider a generation uses.
#[derive(Debug, Clone, Default)]
pub struct ModelChoice {
    pub provider: Option<String>,
    pub model: Option<String>,
}

/// True when the call would go to a real model; false for the built-in offline provider.
/// `Err` when the chosen provider cannot be used (unknown: 422; not configured: 409).
///
/// These features answer in JSON fitting a schema. An in-process model that was picked only
/// because one is installed (nobody chose it, here or as `default_provider`) is too small to hold
/// those schemas (SmolLM2-135M mostly cannot), so they keep the measured offline path; chat and
/// content, which write free text, use it. Choosing `local-llm` explicitly still uses it.
pub fn uses_model(
    state: &AppState,
    choice: &ModelChoice,
) -> anyhow::Result<Result<bool, crate::ai::config::Unusable>> {
    let resolved = state.db.read_blocking(|c| -> anyhow::Result<_> {
        let resolved = crate::ai::config::resolve_chat(
            c,
            &state.secrets,
            &state.http.trusted,
            choice.provider.as_deref(),
            choice.model.as_deref(),
        )?;
        let chosen = choice.provider.is_some()
            || crate::settings::store::get_string(c, &state.secrets, "default_provider")?.is_some();
        Ok(resolved.map(|(p, _)| !p.offline() && (chosen || p.name() != "local-llm")))
    })?;
    Ok(resolved)
}

/// Ask for JSON fitting `schema`; one retry on an invalid answer, then an error message.
#[allow(clippy::too_many_arguments)]
pub fn generate_json(
    state: &AppState,
    user_id: &str,
    function: &str,
    choice: &ModelChoice,
    system: &str,
    prompt: &str,
    schema: Schema,
) -> Result<Value, String> {
    generate_json_seeing(
        state,
        user_id,
        function,
        choice,
        system,
        prompt,
        &[],
        schema,
    )
}

/// `generate_json` with images attached to the prompt (vision-capable models only: the offline
/// provider is refused by `ai::calls` before any call).
#[allow(clippy::too_many_arguments)]
pub fn generate_json_seeing(
    state: &AppState,
    user_id: &str,
    function: &str,
    choice: &ModelChoice,
    system: &str,
    prompt: &str,
    images: &[Image],
    schema: Schema,
) -> Result<Value, String> {
    let fields: Vec<String> = schema
        .iter()
        .map(|(k, f)| format!("\"{k}\": {}", shape(f)))
        .collect();
    let system = format!(
        "{system}\n\nAnswer with ONE JSON object only, no prose, with these fields: {{{}}}.",
        fields.join(", ")
    );
    let ask = |retry: Option<&str>| match retry {
        None => prompt.to_string(),
        Some(why) => format!(
            "{prompt}\n\nYour previous answer was rejected ({why}). Answer again with the JSON object only."
        ),
    };
    let first = attempt(
        state,
        user_id,
        function,
        choice,
        &system,
        &ask(None),
        images,
        schema,
    )?;
    let why = match first {
        Ok(v) => return Ok(v),
        Err(why) => why,
    };
    attempt(
        state,
        user_id,
        function,
        choice,
        &system,
        &ask(Some(&why)),
        images,
        schema,
    )?
    .map_err(|why| format!("the model's answer did not fit the expected JSON twice: {why}"))
}

/// One call: `Err` when the call failed, `Ok(Err(why))` when the answer did not fit.
#[allow(clippy::too_many_arguments)]
fn attempt(
    state: &AppState,
    user_id: &str,
    function: &str,
    choice: &ModelChoice,
    system: &str,
    prompt: &str,
    images: &[Image],
    schema: Schema,
) -> Result<Result<Value, String>, String> {
    let mut message = Message::user(prompt);
    message.images = images.to_vec();
    let (text, _) = calls::complete_message(
        state,
        user_id,
        function,
        (choice.provider.as_deref(), choice.model.as_deref(), None),
        system,
        message,
        &mut |_| crate::ai::Flow::Continue,
    )
    .map_err(|e| match e {
        CallError::Internal(e) => {
            tracing::error!(error = %e, function, "model call failed");
            "internal error".to_string()
        }
        other => other.to_string(),
    })?;
    Ok(match parse(&text) {
        Some(v) => match invalid(&v, schema) {
            None => Ok(v),
            Some(why) => Err(why),
        },
        None => Err("the answer was not valid JSON".to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const S: Schema = &[
        ("name", Field::Str),
        ("score", Field::Num(0.0, 100.0)),
        ("tags", Field::StrList),
    ];

    #[test]
    fn validation_names_the_failing_field() {
        assert_eq!(
            invalid(&json!({"name": "a", "score": 5, "tags": []}), S),
            None
        );
        assert!(
            invalid(&json!({"name": "a", "score": 500, "tags": []}), S)
                .unwrap()
                .contains("score")
        );
        assert!(
            invalid(&json!({"score": 5, "tags": []}), S)
                .unwrap()
                .contains("name")
        );
        assert_eq!(parse("```json\n{\"a\": 1}\n```"), Some(json!({"a": 1})));
    }
}
