//! Rules the handlers enforce that the derive attributes do not say, stated in the document so a
//! request the schema allows is one the handler accepts: formats of timestamps and dates, the
//! names only a registry knows (providers, media provider types, settings), "one of these two
//! fields" bodies, create bodies whose name is required (one schema serves create and update in
//! the code), and patterns of comma-separated lists. Applied to the spec's JSON (the typed spec
//! cannot hold `anyOf` beside `properties`), after `contract`.
use serde_json::{Value, json};

/// A name with something in it besides whitespace (what the handlers' trim-then-check means).
pub(super) const NON_BLANK: &str = "\\S";
/// An http(s) URL with a plain ASCII host and no credentials, as `net::check_url` and the
/// settings' URL check read them.
pub(super) const HTTP_URL: &str = crate::net::HTTP_URL_PATTERN;

pub fn refine(doc: &mut Value) {
    let providers: Vec<Value> = crate::ai::config::PROVIDERS
        .iter()
        .map(|p| json!(p))
        .chain([Value::Null])
        .collect();
    let media_types: Vec<Value> = crate::domain::multimodal::known::KNOWN
        .iter()
        .map(|k| json!(k.kind))
        .collect();
    let s = &mut doc["components"]["schemas"];
    // Dates that may also be timestamps.
    for schema in ["CreateTask", "UpdateTask", "LegacySubtask"] {
        replace(
            s,
            schema,
            "due_date",
            json!({"anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "format": "date-time"},
                {"type": "null"}
            ]}),
        );
    }
    // Names only a registry knows.
    for schema in [
        "AutonomousPlanRequest",
        "DesignSystemRequest",
        "GenerateContentRequest",
        "GeneratePlanItemsRequest",
        "GenerateRequest",
        "PlanRequest",
        "ProductKnowledgeRequest",
        "RefineContentRequest",
        "SendMessageRequest",
    ] {
        merge(s, schema, "provider", json!({"enum": providers}));
    }
    merge(
        s,
        "CreateProviderRequest",
        "type",
        json!({"enum": media_types}),
    );
    let mut nullable_types = media_types.clone();
    nullable_types.push(Value::Null);
    merge(
        s,
        "UpdateProviderRequest",
        "type",
        json!({"enum": nullable_types}),
    );
    if let Some(items) = s.pointer_mut("/ContentFeedbackRequest/properties/tags/items") {
        merge_into(items, json!({"maxLength": 50}));
    }
    if let Some(items) = s.pointer_mut("/DesignSystemRequest/properties/urls/items") {
        merge_into(items, json!({"pattern": HTTP_URL}));
    }
    webhook_fields(s);
    // Empty base_url: the type's default (on a create as on an update).
    for schema in ["CreateProviderRequest", "UpdateProviderRequest"] {
        merge(
            s,
            schema,
            "base_url",
            json!({"pattern": format!("^$|{HTTP_URL}")}),
        );
    }
    provider_needs(s);
    // claude-code: `collection_id` counts with `collection_ids`, 100 together.
    any_of(
        s,
        "GenerateIn",
        json!([
            // without collection_id, or with it null
            {"properties": {"collection_id": {"type": "null"}}},
            {"properties": {"collection_ids": {"type": "array", "items": {"type": "string"}, "maxItems": 99}}}
        ]),
    );
    any_of(
        s,
        "DesignSystemRequest",
        json!([
            {"required": ["urls"], "properties": {"urls": {"type": "array", "items": {"type": "string"}, "minItems": 1}}},
            {"required": ["source_ids"], "properties": {"source_ids": {"type": "array", "items": {"type": "string"}, "minItems": 1}}}
        ]),
    );
    // A chat message says something, or attaches files.
    any_of(
        s,
        "SendMessageRequest",
        json!([
            {"properties": {"content": {"type": "string", "pattern": NON_BLANK}}},
            {"required": ["attachments"], "properties": {"attachments": {"type": "array", "items": {"type": "string"}, "minItems": 1}}}
        ]),
    );
    // Either of two fields.
    any_of(
        s,
        "PlanRequest",
        json!([
            {"required": ["content_id"], "properties": {"content_id": {"type": "string"}}},
            {"required": ["brief"], "properties": {"brief": {"type": "string", "pattern": NON_BLANK}}}
        ]),
    );
    any_of(
        s,
        "SimulateRequest",
        json!([
            {"required": ["content"], "properties": {"content": {"type": "string", "pattern": NON_BLANK, "maxLength": 50000}}},
            {"required": ["content_id"], "properties": {"content_id": {"type": "string"}}}
        ]),
    );
    // A project board needs its project: `project_id`, or `scope_id` with scope_type project.
    any_of(
        s,
        "CreateColumn",
        json!([
            {"properties": {"scope_type": {"enum": ["personal", null]}}},
            {"required": ["project_id"], "properties": {"project_id": {"type": "string"}}},
            {"required": ["scope_id"], "properties": {"scope_id": {"type": "string"}}}
        ]),
    );
    // Create bodies: the name is required there (the same type serves updates in the code).
    for (schema, path) in [
        ("ClientInput", "/api/v1/enterprise/clients"),
        ("TeamInput", "/api/v1/enterprise/teams"),
        (
            "GroupInput",
            "/api/v1/enterprise/clients/{client_id}/groups",
        ),
        (
            "ProjectInput",
            "/api/v1/enterprise/clients/{client_id}/projects",
        ),
    ] {
        create_body(doc, schema, path);
    }
    super::registry_schemas::settings_body(doc);
    closed_forms(doc);
    super::links::link_creates(doc);
    super::registry_schemas::automation_actions(&mut doc["components"]["schemas"]);
    // Query parameters.
    param(
        doc,
        "/api/v1/platforms/{type}/import",
        "post",
        "type",
        json!({"enum": ["substack", "medium", "twitter", "youtube", "rss", "notion", "github", "website", "visual-scan"]}),
    );
}

/// Merge keys into one property of a component schema.
fn merge(schemas: &mut Value, schema: &str, prop: &str, patch: Value) {
    if let Some(p) = schemas.pointer_mut(&format!("/{schema}/properties/{prop}")) {
        merge_into(p, patch);
    }
}

fn merge_into(target: &mut Value, patch: Value) {
    if let (Some(t), Value::Object(p)) = (target.as_object_mut(), patch) {
        t.extend(p);
    }
}

/// Replace one property's schema, keeping its description.
fn replace(schemas: &mut Value, schema: &str, prop: &str, mut with: Value) {
    if let Some(p) = schemas.pointer_mut(&format!("/{schema}/properties/{prop}")) {
        if let Some(d) = p.get("description").cloned() {
            with["description"] = d;
        }
        *p = with;
    }
}

/// What each media provider type needs, one branch per kind of type: a key (`needs_key`), a
/// base URL and a model (the types without defaults), nothing more (the rest). A create states
/// it whole; an update states what its body alone decides (type and field sent together), the
/// stored provider deciding the rest (409).
fn provider_needs(s: &mut Value) {
    use crate::domain::multimodal::known::KNOWN;
    let keyed: Vec<&str> = KNOWN
        .iter()
        .filter(|k| k.needs_key)
        .map(|k| k.kind)
        .collect();
    let bare: Vec<&str> = KNOWN
        .iter()
        .filter(|k| k.needs_base_url())
        .map(|k| k.kind)
        .collect();
    let free: Vec<&str> = KNOWN
        .iter()
        .map(|k| k.kind)
        .filter(|id| !keyed.contains(id) && !bare.contains(id))
        .collect();
    let mut free_or_null: Vec<Value> = free.iter().map(|t| json!(t)).collect();
    free_or_null.push(Value::Null);
    let key = json!({"type": "string", "pattern": NON_BLANK});
    let url = json!({"type": "string", "minLength": 1});
    let model = json!({"type": "string", "pattern": NON_BLANK});
    any_of(
        s,
        "CreateProviderRequest",
        json!([
            {"properties": {"type": {"enum": free}}},
            {"required": ["api_key"], "properties": {"type": {"enum": keyed}, "api_key": key}},
            {"required": ["base_url", "model"], "properties": {"type": {"enum": bare}, "base_url": url, "model": model}}
        ]),
    );
    any_of(
        s,
        "UpdateProviderRequest",
        json!([
            // (also the branch of a body without `type`: `properties` judges only what is sent)
            {"properties": {"type": {"enum": free_or_null}}},
            // null keeps the stored value.
            {"properties": {"type": {"enum": keyed}, "api_key": {"type": ["string", "null"], "pattern": NON_BLANK}}},
            {"properties": {"type": {"enum": bare}, "base_url": {"type": ["string", "null"], "minLength": 1},
                            "model": {"type": ["string", "null"], "pattern": NON_BLANK}}}
        ]),
    );
}

/// A webhook's custom headers and secret: names are HTTP tokens other than the ones the
/// signature scheme owns (any case), values carry no control characters; a new secret is a
/// `whsec_` one (empty: generated). On an edit, a masked value sent back (`Bea…1234`, `••••`,
/// `whsec_…abcd`) keeps the stored one; on a create it means nothing and is refused.
fn webhook_fields(s: &mut Value) {
    let any_case: Vec<String> = crate::domain::webhooks::RESERVED
        .iter()
        .map(|name| {
            name.chars()
                .map(|c| match c {
                    c if c.is_ascii_alphabetic() => {
                        format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
                    }
                    c => c.to_string(),
                })
                .collect()
        })
        .collect();
    let names = json!({
        "type": "string",
        "pattern": "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$",
        "not": {"pattern": format!("^({})$", any_case.join("|"))}
    });
    let whsec = super::registry_schemas::WHSEC;
    for (schema, values, secret) in [
        (
            "WebhookIn",
            "^[^\\u0000-\\u0008\\u000a-\\u001f\\u007f…•]*$",
            format!("^$|{whsec}"),
        ),
        (
            "WebhookPatch",
            "^[^\\u0000-\\u0008\\u000a-\\u001f\\u007f]*$",
            format!("^$|{whsec}|^whsec_…"),
        ),
    ] {
        merge(
            s,
            schema,
            "headers",
            json!({"propertyNames": names, "additionalProperties": {"type": "string", "pattern": values}}),
        );
        merge(s, schema, "secret", json!({"pattern": secret}));
    }
}

fn any_of(schemas: &mut Value, schema: &str, branches: Value) {
    if let Some(s) = schemas.get_mut(schema) {
        s["anyOf"] = branches;
    }
}

/// `{Schema}Create`: the schema with a required, non-blank `name`, used by the create operation.
fn create_body(doc: &mut Value, schema: &str, path: &str) {
    let Some(mut create) = doc
        .pointer(&format!("/components/schemas/{schema}"))
        .cloned()
    else {
        return;
    };
    let name = format!("{}Create", schema.trim_end_matches("Input"));
    if let Some(p) = create.pointer_mut("/properties/name") {
        p["type"] = json!("string");
        p["minLength"] = json!(1);
        p["pattern"] = json!(NON_BLANK);
        if let Some(d) = p.as_object_mut() {
            d.remove("description");
        }
    }
    create["required"] = json!(["name"]);
    doc["components"]["schemas"][&name] = create;
    if let Some(body) = doc.pointer_mut(&format!(
        "/paths/{}/post/requestBody/content/application~1json/schema",
        path.replace('~', "~0").replace('/', "~1")
    )) {
        *body = json!({"$ref": format!("#/components/schemas/{name}")});
    }
}

/// Merge keys into a parameter's schema.
fn param(doc: &mut Value, path: &str, method: &str, name: &str, patch: Value) {
    let pointer = format!("/paths/{}/{method}/parameters", path.replace('/', "~1"));
    let Some(Value::Array(params)) = doc.pointer_mut(&pointer) else {
        return;
    };
    if let Some(p) = params.iter_mut().find(|p| p["name"] == name) {
        merge_into(&mut p["schema"], patch);
    }
}

/// Multipart forms take the parts they name and no others (a part the form reader does not know
/// is refused).
fn closed_forms(doc: &mut Value) {
    let mut forms = Vec::new();
    for item in doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            let schema = &op["requestBody"]["content"]["multipart/form-data"]["schema"];
            if let Some(name) = schema["$ref"].as_str().and_then(|r| r.rsplit('/').next()) {
                forms.push(name.to_string());
            }
        }
    }
    for name in forms {
        if let Some(s) = doc["components"]["schemas"].get_mut(&name) {
            s["additionalProperties"] = json!(false);
            if let Some(file) = s.pointer_mut("/properties/file") {
                file["minLength"] = json!(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// Derive attributes repeat constants of the server (they take only literals): the same values.
    #[test]
    fn derive_attributes_state_the_servers_constants() {
        let doc: serde_json::Value =
            serde_json::from_str(&crate::docs::openapi_json_pretty()).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["HttpUrl"]["pattern"],
            crate::net::HTTP_URL_PATTERN
        );
        // And a chat message's stated length is the one the server allows.
        assert_eq!(
            doc["components"]["schemas"]["SendMessageRequest"]["properties"]["content"]["maxLength"],
            crate::domain::chat::reply::MAX_CONTENT_CHARS
        );
        // A crawl's stated limits are the ones it keeps.
        let import = &doc["components"]["schemas"]["PlatformImportJson"]["properties"];
        assert_eq!(
            import["max_pages"]["maximum"],
            crate::domain::knowledge::crawl::MAX_PAGES
        );
        assert_eq!(
            import["delay_ms"]["maximum"],
            crate::domain::knowledge::crawl::MAX_DELAY_MS
        );
    }

    /// What the stated URL pattern allows, the server's URL check reads (a few shapes of it).
    #[test]
    fn urls_of_the_stated_shape_pass_the_url_check() {
        for u in [
            "https://a.com/x?y=1&z=(2)",
            "http://0",
            "http://a-b.c:8080/p/q;r=s,t*u+v!w$x'y@z~.",
            "https://huggingface.co/Q/S/resolve/ab/S.gguf",
            "http://x?",
        ] {
            assert!(crate::net::check_url(u).is_ok(), "{u}");
        }
    }
}
