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
    for schema in ["CreateTask", "UpdateTask"] {
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
    if let Some(items) = s.pointer_mut("/DesignSystemRequest/properties/urls/items") {
        merge_into(items, json!({"pattern": HTTP_URL}));
    }
    for schema in ["WebhookIn", "WebhookPatch"] {
        merge(
            s,
            schema,
            "headers",
            json!({"propertyNames": {"type": "string", "pattern": "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"}}),
        );
        // A new `whsec_` secret, or the masked one an answer showed (kept).
        merge(
            s,
            schema,
            "secret",
            json!({"pattern": format!("{}|^whsec_…", super::registry_schemas::WHSEC)}),
        );
    }
    merge(
        s,
        "CreateProviderRequest",
        "base_url",
        json!({"pattern": HTTP_URL}),
    );
    merge(
        s,
        "UpdateProviderRequest",
        "base_url",
        json!({"pattern": format!("^$|{HTTP_URL}")}),
    );
    any_of(
        s,
        "CreateProviderRequest",
        json!([
            {"properties": {"type": {"not": {"const": "openai_compatible_images"}}}},
            {"required": ["base_url"], "properties": {"base_url": {"type": "string"}}}
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
    /// The `HttpUrl` component (a derive attribute) states the same pattern as the constant.
    #[test]
    fn the_url_component_states_the_url_pattern() {
        let doc: serde_json::Value =
            serde_json::from_str(&crate::docs::openapi_json_pretty()).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["HttpUrl"]["pattern"],
            crate::net::HTTP_URL_PATTERN
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
