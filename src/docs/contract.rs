//! What every operation of the document must say beyond its own annotations, applied once to the
//! collected spec: the error answers the shared extractors and middleware give (401 without a
//! session, 400/413/415/422 for a body the JSON or multipart reader refuses, 422 for a query
//! string or typed path segment it cannot read, 404 for an id in the path, body or query, 429 from the per-IP limiter, 503 when the
//! write lock stays busy), a description on every response (OpenAPI requires one), and
//! operation ids unique across the document (`{area}_{handler}`), so generators accept it; and
//! the shareable resource kinds, which only the registry knows, as an enum.
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Response, ResponseBuilder, Schema};

/// Apply the rules to every operation, and state the values only the registry knows.
pub fn apply(spec: &mut OpenApi) {
    let kinds: Vec<serde_json::Value> = crate::app::registry()
        .resources
        .shareable_kinds()
        .into_iter()
        .map(serde_json::Value::from)
        .collect();
    for schema in ["ShareInput", "AssociateInput"] {
        enum_property(spec, schema, "resource_type", &kinds);
    }
    let strings = |v: Vec<&str>| -> Vec<serde_json::Value> {
        v.into_iter().map(serde_json::Value::from).collect()
    };
    let events = strings(
        crate::domain::webhooks::catalog::events()
            .iter()
            .map(|e| e.name)
            .collect(),
    );
    let actions = strings(
        crate::domain::automations::catalog::actions()
            .iter()
            .filter(|a| a.available)
            .map(|a| a.name)
            .collect(),
    );
    for schema in ["AutomationIn", "AutomationPatch"] {
        enum_property(spec, schema, "trigger", &events);
        enum_property(spec, schema, "action", &actions);
    }
    enum_property(
        spec,
        "Condition",
        "op",
        &strings(crate::domain::automations::engine::OPS.to_vec()),
    );
    let mut subscribable = events.clone();
    subscribable.push("*".into());
    for schema in ["WebhookIn", "WebhookPatch"] {
        enum_items(spec, schema, "events", &subscribable);
    }
    let naming_ids = schemas_naming_ids(spec);
    let placing = schemas_placing(spec);
    let mut seen = std::collections::HashSet::new();
    for (path, item) in spec.paths.paths.iter_mut() {
        let area = path
            .trim_start_matches("/api/v1/")
            .split('/')
            .next()
            .unwrap_or_default()
            .replace('-', "_");
        let has_path_id = path.contains('{');
        for (method, op) in [
            ("get", item.get.as_mut()),
            ("put", item.put.as_mut()),
            ("post", item.post.as_mut()),
            ("patch", item.patch.as_mut()),
            ("delete", item.delete.as_mut()),
        ] {
            let Some(op) = op else { continue };
            unique_id(op, &area, method, &mut seen);
            let names_ids = has_path_id || op_names_ids(op, &naming_ids);
            let places = op_names_ids(op, &placing) || query_places(op);
            errors(op, method, names_ids, places);
            describe(op);
        }
    }
}

/// One property of a component schema.
fn property<'a>(
    spec: &'a mut OpenApi,
    schema: &str,
    property: &str,
) -> Option<&'a mut RefOr<Schema>> {
    match spec.components.as_mut()?.schemas.get_mut(schema)? {
        RefOr::T(Schema::Object(o)) => o.properties.get_mut(property),
        _ => None,
    }
}

/// The allowed values of one string property of a component schema.
fn enum_property(spec: &mut OpenApi, schema: &str, name: &str, values: &[serde_json::Value]) {
    if let Some(RefOr::T(Schema::Object(p))) = property(spec, schema, name) {
        p.enum_values = Some(values.to_vec());
    }
}

/// The allowed values of the items of one array property of a component schema.
fn enum_items(spec: &mut OpenApi, schema: &str, name: &str, values: &[serde_json::Value]) {
    let array = match property(spec, schema, name) {
        Some(RefOr::T(Schema::Array(a))) => Some(a),
        Some(RefOr::T(Schema::OneOf(one))) => one.items.iter_mut().find_map(|s| match s {
            RefOr::T(Schema::Array(a)) => Some(a),
            _ => None,
        }),
        _ => None,
    };
    if let Some(a) = array
        && let utoipa::openapi::schema::ArrayItems::RefOrSchema(item) = &mut a.items
        && let RefOr::T(Schema::Object(item)) = item.as_mut()
    {
        item.enum_values = Some(values.to_vec());
    }
}

/// `{area}_{handler}`; the method is added in the rare case that still collides.
fn unique_id(
    op: &mut Operation,
    area: &str,
    method: &str,
    seen: &mut std::collections::HashSet<String>,
) {
    let handler = op
        .operation_id
        .clone()
        .unwrap_or_else(|| method.to_string());
    let mut id = if area.is_empty() || handler.starts_with(&format!("{area}_")) {
        handler
    } else {
        format!("{area}_{handler}")
    };
    if seen.contains(&id) {
        id = format!("{id}_{method}");
    }
    seen.insert(id.clone());
    op.operation_id = Some(id);
}

fn is_public(op: &Operation) -> bool {
    op.security.as_ref().is_some_and(|reqs| {
        reqs.iter().all(|r| {
            serde_json::to_value(r).is_ok_and(|v| v.as_object().is_some_and(|o| o.is_empty()))
        })
    })
}

/// Whether a property names another resource (`client_id`, `collection_ids`, `reports_to`…).
fn is_id_name(name: &str) -> bool {
    name.ends_with("_id") || name.ends_with("_ids") || name == "ids" || name == "reports_to"
}

/// Component schemas with a property that names another resource.
fn schemas_naming_ids(spec: &OpenApi) -> std::collections::HashSet<String> {
    let Some(components) = spec.components.as_ref() else {
        return Default::default();
    };
    components
        .schemas
        .iter()
        .filter(|(_, s)| match s {
            RefOr::T(Schema::Object(o)) => o.properties.keys().any(|k| is_id_name(k)),
            _ => false,
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// Component schemas that place something in a client and a project (both may be named, and
/// must fit together: 409 when the project belongs to another client).
fn schemas_placing(spec: &OpenApi) -> std::collections::HashSet<String> {
    let Some(components) = spec.components.as_ref() else {
        return Default::default();
    };
    components
        .schemas
        .iter()
        .filter(|(_, s)| match s {
            RefOr::T(Schema::Object(o)) => {
                o.properties.contains_key("client_id") && o.properties.contains_key("project_id")
            }
            _ => false,
        })
        .map(|(name, _)| name.clone())
        .collect()
}

fn query_places(op: &Operation) -> bool {
    let named = |n: &str| {
        op.parameters.iter().flatten().any(|p| match p {
            RefOr::T(p) => matches!(p.parameter_in, ParameterIn::Query) && p.name == n,
            RefOr::Ref(_) => false,
        })
    };
    named("client_id") && named("project_id")
}

/// Whether the operation's query or body names a resource by id (a 404 when it cannot be seen).
fn op_names_ids(op: &Operation, naming_ids: &std::collections::HashSet<String>) -> bool {
    let in_query = op.parameters.iter().flatten().any(|p| match p {
        RefOr::T(p) => matches!(p.parameter_in, ParameterIn::Query) && is_id_name(&p.name),
        RefOr::Ref(_) => false,
    });
    let in_body = op.request_body.as_ref().is_some_and(|b| {
        serde_json::to_value(b).is_ok_and(|v| {
            let text = v.to_string();
            naming_ids
                .iter()
                .any(|n| text.contains(&format!("\"#/components/schemas/{n}\"")))
        })
    });
    in_query || in_body
}

/// Whether a path parameter is typed (an integer the path reader can refuse).
fn has_typed_path_param(op: &Operation) -> bool {
    op.parameters.iter().flatten().any(|p| match p {
        RefOr::T(p) if matches!(p.parameter_in, ParameterIn::Path) => {
            serde_json::to_value(&p.schema).is_ok_and(|s| {
                s.get("type")
                    .and_then(|t| t.as_str())
                    .is_some_and(|t| t != "string")
            })
        }
        _ => false,
    })
}

fn errors(op: &mut Operation, method: &str, names_ids: bool, places: bool) {
    let has_query = op.parameters.iter().flatten().any(|p| match p {
        RefOr::T(p) => matches!(p.parameter_in, ParameterIn::Query),
        RefOr::Ref(_) => true,
    }) || has_typed_path_param(op);
    let body = op.request_body.is_some();
    let mut add: Vec<(&str, &str)> = Vec::new();
    if !is_public(op) {
        add.push(("401", "Not signed in, or the session has ended"));
    }
    if body {
        add.push((
            "400",
            "The body could not be read (malformed JSON or multipart)",
        ));
        add.push(("413", "The body is larger than the server accepts"));
        add.push((
            "415",
            "The body's Content-Type is not one this operation reads",
        ));
    }
    if body || has_query {
        add.push((
            "422",
            "A field is missing, of the wrong type or out of range",
        ));
    }
    if names_ids {
        add.push((
            "404",
            "Not found, or not visible to the caller (also an id the body or query names)",
        ));
    }
    if places {
        add.push(("409", "The project named is not one of the client named"));
    }
    add.push(("429", "Too many requests from this client; see Retry-After"));
    if method != "get" {
        add.push((
            "503",
            "The database stayed busy; retry after the Retry-After seconds",
        ));
    }
    for (status, description) in add {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::T(error_response(description)));
    }
}

fn error_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            Content::new(Some(RefOr::Ref(Ref::from_schema_name("ErrorBody")))),
        )
        .build()
}

/// A response without a description gets its status's reason phrase.
fn describe(op: &mut Operation) {
    for (status, response) in op.responses.responses.iter_mut() {
        if let RefOr::T(r) = response
            && r.description.is_empty()
        {
            r.description = status
                .parse::<u16>()
                .ok()
                .and_then(|s| actix_web::http::StatusCode::from_u16(s).ok())
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Response")
                .to_string();
        }
    }
}
