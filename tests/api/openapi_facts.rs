//! What the document states beyond the derive attributes (src/docs/facts.rs), checked against
//! what the server does: a request the schema allows is accepted, one it refuses is refused.
use crate::helpers::*;
use serde_json::{Value, json};

fn doc(s: &TestServer) -> Value {
    s.get("/api/v1/openapi.json", None).json()
}

#[test]
fn create_bodies_require_a_name_and_the_server_agrees() {
    let s = TestServer::start();
    let t = s.admin_token();
    let d = doc(&s);
    let body = &d["paths"]["/api/v1/enterprise/clients"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"];
    assert_eq!(body["$ref"], "#/components/schemas/ClientCreate");
    let create = &d["components"]["schemas"]["ClientCreate"];
    assert_eq!(create["required"], json!(["name"]));
    // The update body keeps the name optional.
    assert!(d["components"]["schemas"]["ClientInput"]["required"].is_null());
    assert_eq!(
        s.post("/api/v1/enterprise/clients", Some(&t), &json!({}))
            .status,
        422
    );
    let r = s.post(
        "/api/v1/enterprise/clients",
        Some(&t),
        &json!({"name": "Acme"}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
}

#[test]
fn the_settings_body_lists_every_setting_and_refuses_others() {
    let s = TestServer::start();
    let t = s.admin_token();
    let d = doc(&s);
    let body = &d["paths"]["/api/v1/settings/"]["put"]["requestBody"]["content"]["application/json"]
        ["schema"];
    assert_eq!(body["additionalProperties"], false);
    assert_eq!(
        body["properties"]["allow_private_network"]["type"],
        json!(["boolean", "null"])
    );
    assert_eq!(body["properties"]["multimodal_concurrency"]["maximum"], 8);
    let r = s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({"no_such_setting": 1}),
    );
    assert_eq!(r.status, 422);
    // A text setting of 8192 characters is within the stated maxLength, multi-byte or not.
    let long = "é".repeat(8192);
    let r = s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({"supabase_anon_key": long}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
}

#[test]
fn either_of_two_fields_and_per_action_configs_are_stated() {
    let s = TestServer::start();
    let t = s.admin_token();
    let d = doc(&s);
    let plan = &d["components"]["schemas"]["PlanRequest"]["anyOf"];
    assert_eq!(plan[0]["required"], json!(["content_id"]));
    assert_eq!(plan[1]["required"], json!(["brief"]));
    assert_eq!(
        s.post("/api/v1/multimodal/plan", Some(&t), &json!({}))
            .status,
        422
    );
    let notify = &d["components"]["schemas"]["ActionConfig.notify"];
    assert_eq!(notify["required"], json!(["message"]));
    let branches = d["components"]["schemas"]["AutomationIn"]["anyOf"]
        .as_array()
        .unwrap();
    assert!(
        branches
            .iter()
            .any(|b| b["properties"]["action"]["enum"] == json!(["send_webhook"]))
    );
    let r = s.post(
        "/api/v1/automations/",
        Some(&t),
        &json!({"name": "n", "trigger": "task.created", "action": "notify", "action_config": {}}),
    );
    assert_eq!(r.status, 422, "the schema's required message: {}", r.text);
}

#[test]
fn create_operations_link_to_the_operations_that_take_their_id() {
    let s = TestServer::start();
    let d = doc(&s);
    let links = &d["paths"]["/api/v1/tasks/"]["post"]["responses"]["201"]["links"];
    assert_eq!(
        links["tasks_get_task"]["parameters"]["id"],
        "$response.body#/id"
    );
    assert!(links["tasks_delete_task"].is_object());
    let links = &d["paths"]["/api/v1/sources/import/url"]["post"]["responses"]["201"]["links"];
    assert!(links["sources_get_source"].is_object(), "{links}");
}

#[test]
fn an_array_body_is_refused_where_an_object_is_expected() {
    let s = TestServer::start();
    let t = s.admin_token();
    let conv = s
        .post("/api/v1/chat/conversations", Some(&t), &json!({}))
        .json();
    let r = s.raw(
        "PATCH",
        &format!(
            "/api/v1/chat/conversations/{}",
            conv["id"].as_str().unwrap()
        ),
        Some(&t),
        Some("application/json"),
        b"[null, null]".to_vec(),
    );
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.detail().contains("JSON object"));
}

#[test]
fn settings_with_names_numbers_and_shapes_are_checked_and_stated() {
    let s = TestServer::start();
    let t = s.admin_token();
    for (body, field) in [
        (json!({"embedding_provider": "bogus"}), "embedding_provider"),
        (json!({"default_provider": "skynet"}), "default_provider"),
        (json!({"local_llm_temperature": 3}), "local_llm_temperature"),
        (json!({"local_llm_threads": "many"}), "local_llm_threads"),
        (
            json!({"linkedin_api_version": "2025"}),
            "linkedin_api_version",
        ),
        (json!({"meta_graph_version": "21"}), "meta_graph_version"),
        (json!({"ai_price_table": "not json"}), "ai_price_table"),
        (json!({"ai_price_table": {"gpt": [1]}}), "ai_price_table"),
    ] {
        let r = s.put("/api/v1/settings/", Some(&t), &body);
        assert_eq!(r.status, 422, "{body}: {}", r.text);
        assert!(r.detail().contains(field), "{}", r.detail());
    }
    let r = s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({"embedding_provider": "hashing", "local_llm_temperature": "0.5",
                "linkedin_api_version": "202505", "meta_graph_version": "v21.0",
                "ai_price_table": {"gpt-4o": [2.5, 10]}}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let got = s.get("/api/v1/settings/", Some(&t)).json();
    assert_eq!(got["local_llm_temperature"], "0.5");
    assert_eq!(got["ai_price_table"], r#"{"gpt-4o":[2.5,10]}"#);
    let defs = s.get("/api/v1/settings/schema", Some(&t)).json();
    let def = |k: &str| {
        defs.as_array()
            .unwrap()
            .iter()
            .find(|d| d["key"] == k)
            .unwrap()
            .clone()
    };
    assert_eq!(def("embedding_provider")["kind"], "choice");
    assert!(
        def("embedding_provider")["options"]
            .as_array()
            .unwrap()
            .contains(&json!("minilm"))
    );
    assert_eq!(def("local_llm_top_p")["max"], 1.0);
    assert_eq!(def("meta_graph_version")["example"], "v21.0");
    let body = &doc(&s)["paths"]["/api/v1/settings/"]["put"]["requestBody"]["content"]["application/json"]
        ["schema"]["properties"];
    assert!(
        body["transcription_provider"]["enum"]
            .as_array()
            .unwrap()
            .contains(&json!("openai"))
    );
    assert_eq!(body["linkedin_api_version"]["pattern"], "^[0-9]{6}$");
}

#[test]
fn a_media_providers_needs_are_stated_per_type_and_an_edit_blames_what_is_stored() {
    let s = TestServer::start();
    let t = s.admin_token();
    let d = doc(&s);
    let create = &d["components"]["schemas"]["CreateProviderRequest"]["anyOf"];
    assert_eq!(create.as_array().map(Vec::len), Some(3), "{create}");
    // A keyed type without a key: the schema says so and the server refuses it.
    let r = s.post(
        "/api/v1/multimodal/providers",
        Some(&t),
        &json!({"name": "Imagen", "type": "gemini_imagen"}),
    );
    assert_eq!(r.status, 422, "{}", r.text);
    // An empty base_url is the type's default, on a create as on an edit.
    let r = s.post(
        "/api/v1/multimodal/providers",
        Some(&t),
        &json!({"name": "Cards", "type": "local", "base_url": ""}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/multimodal/providers/{id}");
    // Switching the stored keyless provider to a keyed type without sending a key: the stored
    // provider lacks it (409); sending an empty key with that type is the request's fault (422).
    let r = s.put(&path, Some(&t), &json!({"type": "gemini_imagen"}));
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(r.text.contains("api_key"), "{}", r.text);
    let r = s.put(
        &path,
        Some(&t),
        &json!({"type": "gemini_imagen", "api_key": " "}),
    );
    assert_eq!(r.status, 422, "{}", r.text);
    let r = s.put(
        &path,
        Some(&t),
        &json!({"type": "gemini_imagen", "api_key": "AIza-test-key"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    // An empty model on an edit goes back to the type's default.
    let r = s.put(&path, Some(&t), &json!({"model": ""}));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["model"], "imagen-4.0-generate-001");
}

#[test]
fn item_lengths_count_characters_and_combined_limits_are_stated() {
    let s = TestServer::start();
    let t = s.admin_token();
    let d = doc(&s);
    let tags = &d["components"]["schemas"]["ContentFeedbackRequest"]["properties"]["tags"];
    assert_eq!(tags["items"]["maxLength"], 50);
    let (done, _) = crate::content::generate(
        &s,
        &t,
        json!({"brief": "A note on cupping", "platform": "linkedin"}),
    );
    let id = done["content_id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/content/{id}/feedback");
    // 50 characters outside the BMP (200 bytes) is within the stated 50.
    let r = s.post(
        &path,
        Some(&t),
        &json!({"score": 4, "tags": ["😀".repeat(50)]}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let r = s.post(
        &path,
        Some(&t),
        &json!({"score": 4, "tags": ["x".repeat(51)]}),
    );
    assert_eq!(r.status, 422, "{}", r.text);
    // claude-code: collection_id counts with collection_ids, 100 together.
    let g = &d["components"]["schemas"]["GenerateIn"]["anyOf"];
    assert_eq!(g[1]["properties"]["collection_ids"]["maxItems"], 99, "{g}");
    let ids: Vec<String> = (0..100).map(|i| format!("c{i}")).collect();
    let r = s.post(
        "/api/v1/claude-code/generate",
        Some(&t),
        &json!({"brief": "x", "collection_ids": ids, "collection_id": "c100"}),
    );
    assert_eq!(r.status, 422, "{}", r.text);
    // The embedder is listed beside the LLMs but not installed through this endpoint.
    let r = s.post("/api/v1/models/minilm/pull", Some(&t), &json!({}));
    assert_eq!(r.status, 404, "{}", r.text);
}
