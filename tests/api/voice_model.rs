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

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde";

/// A loopback site: a page whose CSS uses #e4572e most, and a brand image served as image/png.
fn site() -> FakeService {
    use actix_web::{HttpResponse, web};
    FakeService::start(|cfg| {
        cfg.route(
            "/",
            web::get().to(|| async {
                HttpResponse::Ok().content_type("text/html").body(
                    r#"<html><head><style>body{font-family:'Inter',sans-serif;font-size:16px;color:#222222}a{color:#e4572e}.btn{background:#e4572e;border-radius:8px}</style></head><body>Hi</body></html>"#,
                )
            }),
        )
        .route(
            "/brand.png",
            web::get().to(|| async { HttpResponse::Ok().content_type("image/png").body(PNG) }),
        );
    })
}

#[test]
fn a_vision_model_reads_image_urls_and_its_colours_merge_with_the_measured_css() {
    let (fake, s, t) = with_model(|_| {
        json!({"colors": ["#E5582F", "#1a7f5a"], "fonts": ["Playfair Display", "inter"],
               "font_sizes": ["48px"], "radii": [], "spacing": ["24px"]})
        .to_string()
    });
    let svc = site();
    let image = format!("{}/brand.png", svc.base);
    let f = stream(
        &s,
        &t,
        "/api/v1/learnings/generate-design-system",
        json!({ "urls": [format!("{}/", svc.base), image] }),
    );
    assert_eq!(f.last().unwrap()["done"], true, "{f:?}");
    let d = f.iter().find_map(|x| x.get("learning")).unwrap()["data"].clone();
    assert_eq!(d["colors"][0], "#e4572e", "measured CSS wins: {d}");
    let colors: Vec<&str> = d["colors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    assert!(
        colors.contains(&"#1a7f5a"),
        "the model adds what CSS lacks: {d}"
    );
    assert!(
        !colors.contains(&"#e5582f"),
        "a near-duplicate of a measured colour is folded: {d}"
    );
    assert_eq!(d["fonts"], json!(["Inter", "Playfair Display"]));
    assert_eq!(d["font_sizes"], json!(["16px", "48px"]));
    assert_eq!(d["from_images"]["colors"], json!(["#1a7f5a"]));
    assert_eq!(d["images"], json!([image]));

    let reqs = fake.requests();
    assert_eq!(reqs.len(), 1);
    let user = reqs[0]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "user")
        .unwrap()
        .clone();
    let parts = user["content"]
        .as_array()
        .expect("a multi-part user message");
    let url = parts
        .iter()
        .find(|p| p["type"] == "image_url")
        .expect("an image part")["image_url"]["url"]
        .as_str()
        .unwrap()
        .to_string();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(PNG);
    assert_eq!(url, format!("data:image/png;base64,{b64}"));
    assert!(
        reqs[0].to_string().contains("#e4572e"),
        "the model is told what CSS measured"
    );
}

#[test]
fn offline_image_urls_are_skipped_with_a_stage_frame_and_the_css_still_counts() {
    let s = TestServer::start();
    let t = s.admin_token();
    let r = s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({ "allow_private_network": true }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let svc = site();
    let image = format!("{}/brand.png", svc.base);
    let f = stream(
        &s,
        &t,
        "/api/v1/learnings/generate-design-system",
        json!({ "urls": [format!("{}/", svc.base), image] }),
    );
    assert_eq!(f.last().unwrap()["done"], true, "{f:?}");
    assert!(
        f.iter()
            .filter_map(|x| x["stage"].as_str())
            .any(|st| st.contains("skipping 1 image") && st.contains("vision-capable")),
        "{f:?}"
    );
    assert!(f.iter().all(|x| x.get("error").is_none()), "{f:?}");
    let d = f.iter().find_map(|x| x.get("learning")).unwrap()["data"].clone();
    assert_eq!(d["colors"][0], "#e4572e", "{d}");
    assert!(d.get("from_images").is_none());

    let only_image = stream(
        &s,
        &t,
        "/api/v1/learnings/generate-design-system",
        json!({ "urls": [image] }),
    );
    let err = only_image.last().unwrap()["error"]
        .as_str()
        .unwrap_or_else(|| panic!("{only_image:?}"));
    assert!(err.contains("vision-capable"), "{err}");
    assert_eq!(learnings(&s, &t, "type=design_system")["total"], 1);
}

#[test]
fn a_vision_answer_that_is_not_the_schema_twice_is_an_error_frame_and_nothing_is_saved() {
    let (fake, s, t) = with_model(|_| json!({"colors": ["teal"], "fonts": []}).to_string());
    let svc = site();
    let f = stream(
        &s,
        &t,
        "/api/v1/learnings/generate-design-system",
        json!({ "urls": [format!("{}/", svc.base), format!("{}/brand.png", svc.base)] }),
    );
    let err = f.last().unwrap()["error"]
        .as_str()
        .unwrap_or_else(|| panic!("{f:?}"));
    assert!(err.contains("twice") && err.contains("colors"), "{err}");
    assert_eq!(fake.requests().len(), 2, "one retry");
    assert_eq!(learnings(&s, &t, "")["total"], 0);
}
