//! Conditions and `{{field}}` templates over a run's context (the trigger's payload plus
//! `event` and `automation`).
use super::types::{Automation, Condition};
use serde_json::{Value, json};

pub const OPS: &[&str] = &[
    "eq",
    "ne",
    "in",
    "not_in",
    "contains",
    "gt",
    "lt",
    "exists",
    "not_exists",
];

/// Look up a dotted path. `task.title` also finds a flat `title` when the payload has no `task`
/// object, so templates work with either payload shape.
pub fn lookup<'a>(ctx: &'a Value, path: &str) -> Option<&'a Value> {
    let walk = |root: &'a Value, parts: &[&str]| {
        parts
            .iter()
            .try_fold(root, |v, p| match v {
                Value::Object(m) => m.get(*p),
                Value::Array(a) => p.parse::<usize>().ok().and_then(|i| a.get(i)),
                _ => None,
            })
            .filter(|v| !v.is_null())
    };
    let parts: Vec<&str> = path.trim().split('.').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        return None;
    }
    walk(ctx, &parts).or_else(|| {
        let first_missing = ctx.get(parts[0]).is_none();
        let entity = ["task", "comment", "entry", "user"].contains(&parts[0]);
        (first_missing && entity && parts.len() > 1)
            .then(|| walk(ctx, &parts[1..]))
            .flatten()
    })
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Expand `{{path}}` placeholders; unknown paths become empty.
pub fn render(template: &str, ctx: &Value) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                if let Some(v) = lookup(ctx, &after[..end]) {
                    out.push_str(&as_text(v));
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn loosely_equal(a: &Value, b: &Value) -> bool {
    a == b || as_text(a) == as_text(b)
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

pub fn matches(c: &Condition, ctx: &Value) -> bool {
    let got = lookup(ctx, &c.field);
    let list = || {
        c.value
            .as_array()
            .cloned()
            .unwrap_or_else(|| vec![c.value.clone()])
    };
    match (c.op.as_str(), got) {
        ("exists", g) => g.is_some(),
        ("not_exists", g) => g.is_none(),
        ("ne", None) => true,
        ("not_in", None) => true,
        (_, None) => false,
        ("eq", Some(g)) => loosely_equal(g, &c.value),
        ("ne", Some(g)) => !loosely_equal(g, &c.value),
        ("in", Some(g)) => list().iter().any(|v| loosely_equal(g, v)),
        ("not_in", Some(g)) => !list().iter().any(|v| loosely_equal(g, v)),
        ("contains", Some(Value::Array(a))) => a.iter().any(|v| loosely_equal(v, &c.value)),
        ("contains", Some(g)) => as_text(g)
            .to_lowercase()
            .contains(&as_text(&c.value).to_lowercase()),
        ("gt" | "lt", Some(g)) => {
            let ord = match (number(g), number(&c.value)) {
                (Some(a), Some(b)) => a.partial_cmp(&b),
                _ => Some(as_text(g).cmp(&as_text(&c.value))),
            };
            ord == Some(if c.op == "gt" {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Less
            })
        }
        _ => false,
    }
}

/// The template/condition context of a run: the payload plus `event` and `automation`.
pub fn context(a: &Automation, trigger: &str, event_id: Option<&str>, payload: &Value) -> Value {
    let mut ctx = match payload {
        Value::Object(m) => m.clone(),
        other => {
            let mut m = serde_json::Map::new();
            m.insert("data".into(), other.clone());
            m
        }
    };
    ctx.insert("event".into(), json!({ "type": trigger, "id": event_id }));
    ctx.insert("automation".into(), json!({ "id": a.id, "name": a.name }));
    Value::Object(ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cond(field: &str, op: &str, value: Value) -> Condition {
        Condition {
            field: field.into(),
            op: op.into(),
            value,
        }
    }

    #[test]
    fn templates_resolve_nested_flat_and_missing_paths() {
        let ctx = json!({ "task": { "title": "Ship", "labels": ["a", "b"] }, "priority": 3 });
        assert_eq!(render("{{task.title}} / {{ priority }}", &ctx), "Ship / 3");
        assert_eq!(render("{{task.labels.1}}{{nope}}", &ctx), "b");
        assert_eq!(
            render("{{title}} unclosed {{", &json!({ "title": "T" })),
            "T unclosed {{"
        );
        // `task.title` finds a flat `title` when the payload has no task object.
        assert_eq!(
            render("{{task.title}}", &json!({ "title": "Flat" })),
            "Flat"
        );
    }

    #[test]
    fn conditions_compare_loosely_and_handle_missing_fields() {
        let ctx = json!({ "priority": "high", "to_column_id": "c2", "n": 5, "labels": ["x"] });
        assert!(matches(&cond("priority", "eq", json!("high")), &ctx));
        assert!(matches(
            &cond("to_column_id", "in", json!(["c1", "c2"])),
            &ctx
        ));
        assert!(matches(&cond("n", "gt", json!("4")), &ctx));
        assert!(!matches(&cond("n", "lt", json!(5)), &ctx));
        assert!(matches(&cond("labels", "contains", json!("x")), &ctx));
        assert!(matches(&cond("missing", "ne", json!("a")), &ctx));
        assert!(!matches(&cond("missing", "eq", json!("a")), &ctx));
        assert!(matches(&cond("missing", "not_exists", Value::Null), &ctx));
        assert!(matches(&cond("priority", "contains", json!("HIG")), &ctx));
    }
}
