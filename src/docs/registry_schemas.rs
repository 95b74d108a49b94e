//! Schemas of the served document that only the registries know: each automation action's
//! config (from the action catalog) and the settings body (from the settings registry).
use super::facts::{HTTP_URL, NON_BLANK};
use serde_json::{Value, json};

/// A `whsec_` secret: base64 (canonical, padded) of 24–64 bytes.
pub(super) const WHSEC: &str = "^whsec_(([A-Za-z0-9+/]{4}){8,20}([A-Za-z0-9+/]{4}|[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?|([A-Za-z0-9+/]{4}){21}([A-Za-z0-9+/][AQgw]==)?)$";

/// A new automation's `action_config`, per action, from the catalog the handler checks it with:
/// required fields are non-blank strings, selects one of their options, URLs http(s), secrets
/// `whsec_…`; a notification to one user names the user.
pub(super) fn automation_actions(schemas: &mut Value) {
    let mut branches = Vec::new();
    for a in crate::domain::automations::catalog::actions()
        .into_iter()
        .filter(|a| a.available)
    {
        let mut props = serde_json::Map::new();
        let mut required = Vec::new();
        for f in &a.config {
            let field = match f.kind {
                "select" => json!({"type": "string", "enum": f.options}),
                "url" => json!({"type": "string", "pattern": HTTP_URL}),
                "secret" => json!({"type": "string", "pattern": WHSEC}),
                _ if f.required => json!({"type": "string", "pattern": NON_BLANK}),
                _ => continue,
            };
            if f.required {
                required.push(json!(f.name));
            }
            props.insert(f.name.to_string(), field);
        }
        let mut config =
            json!({"type": "object", "required": required.clone(), "properties": props});
        if a.name == "notify" {
            config["anyOf"] = json!([
                {"properties": {"target": {"type": "string", "enum": ["owner", "assignee", "broadcast"]}}},
                {"required": ["user_id"], "properties": {"user_id": {"type": "string"}}}
            ]);
        }
        let config_name = format!("ActionConfig.{}", a.name);
        schemas[&config_name] = config;
        // An action with nothing required may leave its config out.
        let mut branch = json!({"properties": {
            "action": {"type": "string", "enum": [a.name]},
            "action_config": {"$ref": format!("#/components/schemas/{config_name}")}
        }});
        branch["required"] = if required.is_empty() {
            json!(["action"])
        } else {
            json!(["action", "action_config"])
        };
        branches.push(branch);
    }
    if let Some(s) = schemas.get_mut("AutomationIn") {
        s["anyOf"] = json!(branches);
    }
}

/// `PUT /settings`: every setting the registry defines, with its type; no other key.
pub(super) fn settings_body(doc: &mut Value) {
    use crate::settings::registry::{DEFS, Kind};
    let props: serde_json::Map<String, Value> = DEFS
        .iter()
        .map(|d| {
            let schema = match d.kind {
                Kind::Text | Kind::Secret => json!({"type": ["string", "null"], "maxLength": 8192}),
                Kind::Url => {
                    json!({"type": ["string", "null"], "maxLength": 2048, "pattern": HTTP_URL})
                }
                Kind::Bool => json!({"type": ["boolean", "null"]}),
                Kind::StringList => json!({"type": ["array", "null"], "items": {"type": "string"}}),
                Kind::Int { min, max } => {
                    json!({"type": ["integer", "null"], "minimum": min, "maximum": max})
                }
                Kind::Number { min, max } => {
                    json!({"type": ["number", "null"], "minimum": min, "maximum": max})
                }
                Kind::Choice(options) => {
                    let mut values: Vec<Value> = options.iter().map(|o| json!(o)).collect();
                    values.push(Value::Null);
                    json!({"enum": values})
                }
                Kind::Format { pattern, .. } => {
                    json!({"type": ["string", "null"], "pattern": pattern})
                }
                Kind::PriceTable => json!({
                    "type": ["object", "null"],
                    "additionalProperties": {
                        "type": "array",
                        "items": {"type": "number", "minimum": 0},
                        "minItems": 2,
                        "maxItems": 2
                    }
                }),
            };
            let mut schema = schema;
            schema["description"] = json!(d.description);
            (d.key.to_string(), schema)
        })
        .collect();
    if let Some(body) = doc.pointer_mut(
        "/paths/~1api~1v1~1settings~1/put/requestBody/content/application~1json/schema",
    ) {
        *body = json!({"type": "object", "properties": props, "additionalProperties": false});
    }
}
