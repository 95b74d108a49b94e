//! Model-backed product knowledge and design systems through the fake OpenAI provider: the
//! model's JSON is validated (one retry, then `{error}`), proof points must be quoted from the
//! source they name, and image URLs are read by a vision model and merged with the measured CSS.
use crate::fake_llm::{self, FakeLlm, Reply, openai_text};
use crate::helpers::*;
use crate::voice::{learnings, paste, stream};
use serde_json::{Value, json};
use std::time::Duration;

const PRODUCT: &str = "Acme lets you schedule posts across every channel.\nTeams save 6 hours a week with Acme.\nBuilt for busy agencies that manage many clients.";

/// A server whose default provider is the fake; `answer` writes each reply from the request.
fn with_model(
    answer: impl Fn(&Value) -> String + Send + Sync + 'static,
) -> (FakeLlm, TestServer, String) {
    let fake = fake_llm::start(move |req| {
        Reply::Stream(openai_text(&[&answer(req)], (80, 40)), Duration::ZERO)
    });
    let s = TestServer::start();
    let t = s.admin_token();
    fake_llm::configure(
        &s,
        &t,
        json!({"openai_base_url": format!("{}/v1", fake.svc.base), "openai_api_key": "sk-test-abcdefghijkl",
               "default_provider": "openai", "default_model": "gpt-4o-mini", "allow_private_network": true}),
    );
    (fake, s, t)
}

/// The source id the prompt shows (`=== source_id: … (`).
fn source_id_in(req: &Value) -> String {
    let body = req.to_string();
    let at = body
        .find("source_id: ")
        .expect("the prompt names its sources")
        + 11;
    body[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn model_backed_product_knowledge_keeps_the_models_fields_and_drops_invented_proof() {
    let (fake, s, t) = with_model(|req| {
        let id = source_id_in(req);
        json!({
            "features": [{"text": "Cross-channel post scheduling", "source_id": id}],
            "audience": "Agencies juggling many client accounts",
            "value_props": [{"text": "Hours back every week", "source_id": id}],
            "proof_points": [
                {"text": "Teams save 6 hours a week with Acme.", "source_id": id},
                {"text": "Trusted by 10,000 companies worldwide", "source_id": id}
            ]
        })
        .to_string()
    });
    let id = paste(&s, &t, PRODUCT);
    let f = stream(
        &s,
        &t,
        "/api/v1/learnings/generate-product-knowledge",
        json!({ "source_ids": [id] }),
    );
    assert_eq!(f.last().unwrap()["done"], true, "{f:?}");
    assert!(
        f.iter()
            .filter_map(|x| x["stage"].as_str())
            .any(|st| st.contains("dropped 1 proof point")),
        "{f:?}"
    );
    let l = f.iter().find_map(|x| x.get("learning")).unwrap();
    let d = &l["data"];
    assert_eq!(d["features"][0]["text"], "Cross-channel post scheduling");
    assert_eq!(d["audience"], "Agencies juggling many client accounts");
    assert_eq!(d["value_props"][0]["source_id"], id.as_str());
    let proofs = d["proof_points"].as_array().unwrap();
    assert_eq!(proofs.len(), 1, "the invented claim is dropped: {d}");
    assert_eq!(proofs[0]["text"], "Teams save 6 hours a week with Acme.");
    assert_eq!(proofs[0]["source_id"], id.as_str());
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 1);
    assert!(
        reqs[0].to_string().contains("6 hours a week"),
        "the model read the source"
    );
    assert_eq!(learnings(&s, &t, "type=product_knowledge")["total"], 1);
}

#[test]
fn invalid_product_json_twice_is_an_error_frame_and_nothing_is_saved() {
    let (fake, s, t) = with_model(|_| "{\"features\": \"lots\", \"audience\": \"\"}".into());
    let id = paste(&s, &t, PRODUCT);
    let f = stream(
        &s,
        &t,
        "/api/v1/learnings/generate-product-knowledge",
        json!({ "source_ids": [id] }),
    );
    let err = f.last().unwrap()["error"]
        .as_str()
        .unwrap_or_else(|| panic!("{f:?}"));
    assert!(err.contains("twice"), "{err}");
    assert_eq!(fake.requests().len(), 2, "one retry");
    assert_eq!(learnings(&s, &t, "")["total"], 0);
}
