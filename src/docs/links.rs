//! OpenAPI links in the served document: which operations take the id a create answers.
use serde_json::{Value, json};

/// OpenAPI links from what a create operation answers to the operations that take its id: a
/// `POST {base}` answering a schema with an `id` links to every operation on `{base}/{param}` and
/// below it (one more path parameter), so stateful clients and fuzzers chain create → read,
/// update, delete. Sources created by the import routes link to `/sources/{id}` too.
pub fn link_creates(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object() else {
        return;
    };
    let has_id = |schema: &Value| -> bool {
        let Some(name) = schema["$ref"].as_str().and_then(|r| r.rsplit('/').next()) else {
            return false;
        };
        doc["components"]["schemas"][name]["properties"]["id"].is_object()
    };
    let params = |p: &str| p.matches('{').count();
    let mut found: Vec<(String, String, String, Value)> = Vec::new();
    for (path, item) in paths {
        let Some(post) = item.get("post") else {
            continue;
        };
        let Some((status, response)) = ["201", "200"]
            .iter()
            .find_map(|s| post["responses"].get(*s).map(|r| (s.to_string(), r)))
        else {
            continue;
        };
        if !has_id(&response["content"]["application/json"]["schema"]) {
            continue;
        }
        let base = if path.starts_with("/api/v1/sources/import/") {
            "/api/v1/sources".to_string()
        } else {
            path.trim_end_matches('/').to_string()
        };
        for (target, target_item) in paths {
            let Some(rest) = target.strip_prefix(&format!("{base}/{{")) else {
                continue;
            };
            let Some((param, _)) = rest.split_once('}') else {
                continue;
            };
            if params(target) != params(path) + 1
                && !(base != path.trim_end_matches('/') && params(target) == 1)
            {
                continue;
            }
            for (method, op) in target_item.as_object().into_iter().flatten() {
                let Some(op_id) = op["operationId"].as_str() else {
                    continue;
                };
                if !["get", "put", "patch", "delete", "post"].contains(&method.as_str()) {
                    continue;
                }
                let link = json!({
                    "operationId": op_id,
                    "parameters": {param: "$response.body#/id"},
                });
                found.push((path.clone(), status.clone(), op_id.to_string(), link));
            }
        }
    }
    for (path, status, name, link) in found {
        let pointer = format!("/paths/{}/post/responses/{status}", path.replace('/', "~1"));
        if let Some(response) = doc.pointer_mut(&pointer) {
            response["links"][name] = link;
        }
    }
}
