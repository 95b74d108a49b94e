//! Multimodal providers and generation: the known types, CRUD with sealed and masked keys
//! (admin writes), credential tests, and each provider's wire format against a loopback fake —
//! OpenAI images as b64 and as URL, Imagen predict, Veo's long-running operation polled then
//! downloaded — with content-policy refusals, transient failures and the size cap.
use crate::fake_media::{self, FakeMedia, provider};
use crate::helpers::*;
use serde_json::{Value, json};

/// A content to attach assets to, with markdown sections; its id.
pub fn content_with_sections(s: &TestServer, t: &str, platform: &str) -> String {
    let (done, _) = crate::content::generate(
        s,
        t,
        json!({"platform": platform, "brief": "How the Lyon warehouse cut delivery times"}),
    );
    let id = done["content_id"].as_str().unwrap().to_string();
    let draft = "# Faster deliveries from Lyon\n\n## The problem\nOrders waited two days in the queue before picking started.\n\n## What changed\nWe moved picking to waves every ninety minutes and the queue disappeared within a week.\n\n## The result\nDeliveries now leave the same day for ninety percent of the orders placed before noon.";
    let r = s.put(
        &format!("/api/v1/content/{id}"),
        Some(t),
        &json!({"draft_content": draft}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    id
}

fn generate(s: &TestServer, t: &str, body: Value) -> Resp {
    s.post("/api/v1/multimodal/generate-asset", Some(t), &body)
}

fn file(s: &TestServer, t: &str, a: &Value) -> Resp {
    s.get(a["url"].as_str().unwrap(), Some(t))
}

#[test]
fn providers_are_admin_written_with_keys_sealed_masked_and_tested() {
    let s = TestServer::start();
    let admin = s.admin_token();
    let (_, member) = s.member("m@example.com");
    let fake = FakeMedia::start();

    let known = s
        .get("/api/v1/multimodal/providers/known", Some(&member))
        .json();
    let types: Vec<&str> = known
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "local",
            "openai_images",
            "gemini_imagen",
            "gemini_veo",
            "openai_compatible_images"
        ]
    );
    assert_eq!(known[1]["default_model"], "gpt-image-1");

    let body = json!({"name": "OpenAI", "type": "openai_images", "base_url": fake.openai_base(), "api_key": "sk-test-key-123456"});
    assert_eq!(
        s.post("/api/v1/multimodal/providers", Some(&member), &body)
            .status,
        403
    );
    let r = s.post(
        "/api/v1/multimodal/providers",
        Some(&admin),
        &json!({"name": "x", "type": "openai_images"}),
    );
    assert_eq!(r.status, 422);
    assert!(r.detail().contains("api_key is required"), "{}", r.text);
    let r = s.post(
        "/api/v1/multimodal/providers",
        Some(&admin),
        &json!({"name": "x", "type": "midjourney"}),
    );
    assert_eq!(r.status, 422);
    assert!(r.detail().contains("unknown provider type"));
    let r = s.post(
        "/api/v1/multimodal/providers",
        Some(&admin),
        &json!({"name": "x", "type": "openai_compatible_images", "model": "sd"}),
    );
    assert_eq!(
        r.status, 422,
        "base_url is required for a compatible server"
    );

    let id = provider(&s, &admin, body);
    let got = s
        .get(&format!("/api/v1/multimodal/providers/{id}"), Some(&member))
        .json();
    assert_eq!(got["api_key"], "sk-…3456");
    assert_eq!(got["model"], "gpt-image-1", "the type's default model");
    let stored: String = s
        .state
        .db
        .conn()
        .unwrap()
        .query_row(
            "SELECT api_key FROM media_providers WHERE id = ?1",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!stored.contains("sk-test-key"), "sealed at rest: {stored}");
    let list = s.get("/api/v1/multimodal/providers", Some(&member)).json();
    assert_eq!(list["total"], 1);
    assert!(!list.to_string().contains("sk-test-key-123456"));

    assert_eq!(
        s.post(
            &format!("/api/v1/multimodal/providers/{id}/test"),
            Some(&member),
            &json!({})
        )
        .status,
        403
    );
    let t = s
        .post(
            &format!("/api/v1/multimodal/providers/{id}/test"),
            Some(&admin),
            &json!({}),
        )
        .json();
    assert_eq!(t["ok"], true, "{t}");
    assert!(
        t["detail"].as_str().unwrap().contains("2 models listed"),
        "{t}"
    );
    assert!(t["latency_ms"].is_u64());

    let r = s.put(
        &format!("/api/v1/multimodal/providers/{id}"),
        Some(&admin),
        &json!({"api_key": "sk-wrong-key-999999"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["api_key"], "sk-…9999");
    let t = s
        .post(
            &format!("/api/v1/multimodal/providers/{id}/test"),
            Some(&admin),
            &json!({}),
        )
        .json();
    assert_eq!(t["ok"], false);
    let d = t["detail"].as_str().unwrap();
    assert!(
        d.contains("OpenAI (openai_images)") && d.contains("Incorrect API key"),
        "{d}"
    );

    let g = provider(
        &s,
        &admin,
        json!({"name": "Imagen", "type": "gemini_imagen", "base_url": fake.svc.base, "api_key": "AIza-test-key-123456"}),
    );
    let t = s
        .post(
            &format!("/api/v1/multimodal/providers/{g}/test"),
            Some(&admin),
            &json!({}),
        )
        .json();
    assert_eq!(t["ok"], true, "{t}");
    let l = provider(&s, &admin, json!({"name": "Cards", "type": "local"}));
    let t = s
        .post(
            &format!("/api/v1/multimodal/providers/{l}/test"),
            Some(&admin),
            &json!({}),
        )
        .json();
    assert_eq!(t["ok"], true, "{t}");

    assert_eq!(
        s.send(
            "DELETE",
            &format!("/api/v1/multimodal/providers/{id}"),
            Some(&member),
            &json!({})
        )
        .status,
        403
    );
    assert_eq!(
        s.send(
            "DELETE",
            &format!("/api/v1/multimodal/providers/{id}"),
            Some(&admin),
            &json!({})
        )
        .status,
        204
    );
    assert_eq!(
        s.get(&format!("/api/v1/multimodal/providers/{id}"), Some(&admin))
            .status,
        404
    );
}

#[test]
fn openai_images_arrive_as_b64_or_as_a_url_and_are_stored_with_their_dimensions() {
    let s = TestServer::start();
    let admin = s.admin_token();
    let fake = FakeMedia::start();
    let cid = content_with_sections(&s, &admin, "linkedin");
    let gpt = provider(
        &s,
        &admin,
        json!({"name": "GPT Image", "type": "openai_images", "base_url": fake.openai_base(), "api_key": "sk-test-key-123456"}),
    );
    let dalle = provider(
        &s,
        &admin,
        json!({"name": "DALL-E", "type": "openai_images", "base_url": fake.openai_base(), "api_key": "sk-test-key-123456",
        "model": "dall-e-3", "defaults": {"response_format": "url"}}),
    );

    let r = generate(
        &s,
        &admin,
        json!({"content_id": cid, "kind": "image", "prompt": "a warehouse at dawn", "aspect_ratio": "16:9", "provider_id": gpt}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let a = r.json();
    assert_eq!(
        (
            a["mime"].as_str(),
            a["width"].as_i64(),
            a["height"].as_i64()
        ),
        (Some("image/png"), Some(96), Some(64))
    );
    assert_eq!(a["status"], "done");
    assert_eq!(a["version"], 1);
    let sent = &fake.rec.to("/images/generations")[0];
    assert_eq!(sent.0["model"], "gpt-image-1");
    assert_eq!(sent.0["size"], "1536x1024");
    assert_eq!(sent.0["prompt"], "a warehouse at dawn");
    assert!(
        sent.0.get("response_format").is_none(),
        "gpt-image-1 takes no response_format"
    );
    let bytes = file(&s, &admin, &a);
    assert_eq!(bytes.status, 200);
    assert_eq!(
        bytes.header("etag").unwrap(),
        format!("\"{}\"", a["sha256"].as_str().unwrap())
    );

    let r = generate(
        &s,
        &admin,
        json!({"content_id": cid, "kind": "image", "prompt": "a tall crane", "aspect_ratio": "9:16", "provider_id": dalle}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let b = r.json();
    assert_eq!(
        (b["width"].as_i64(), b["height"].as_i64()),
        (Some(64), Some(96))
    );
    let sent = &fake.rec.to("/images/generations")[1];
    assert_eq!(
        (sent.0["size"].as_str(), sent.0["response_format"].as_str()),
        (Some("1024x1792"), Some("url"))
    );
    let raw = s
        .state
        .db
        .read_blocking(|c| {
            neuromancer::domain::multimodal::assets::read_bytes(c, b["id"].as_str().unwrap())
        })
        .unwrap()
        .unwrap();
    assert_eq!(raw.0, "image/png");
    assert_eq!(raw.1, fake_media::png(64, 96));

    let detail = crate::content::content(&s, &admin, &cid);
    assert_eq!(
        detail["assets"].as_array().unwrap().len(),
        2,
        "the content's detail lists its assets"
    );
    let listed = s
        .get(
            &format!("/api/v1/multimodal/content/{cid}/assets"),
            Some(&admin),
        )
        .json();
    assert_eq!(listed["total"], 2);
}

#[test]
fn imagen_predict_and_veo_long_running_speak_the_gemini_wire_format() {
    let s = TestServer::start();
    let admin = s.admin_token();
    let fake = FakeMedia::start();
    let cid = content_with_sections(&s, &admin, "instagram");
    let imagen = provider(
        &s,
        &admin,
        json!({"name": "Imagen", "type": "gemini_imagen", "base_url": fake.svc.base, "api_key": "AIza-test-key-123456"}),
    );
    let veo = provider(
        &s,
        &admin,
        json!({"name": "Veo", "type": "gemini_veo", "base_url": fake.svc.base, "api_key": "AIza-test-key-123456",
        "defaults": {"poll_interval_ms": 20}}),
    );

    let r = generate(
        &s,
        &admin,
        json!({"content_id": cid, "kind": "image", "prompt": "a smiling picker", "aspect_ratio": "4:5", "provider_id": imagen}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        (r.json()["width"].as_i64(), r.json()["height"].as_i64()),
        (Some(48), Some(64))
    );
    let (body, headers) = &fake.rec.to(":predict")[0];
    assert_eq!(body["instances"][0]["prompt"], "a smiling picker");
    assert_eq!(body["parameters"]["sampleCount"], 1);
    assert_eq!(
        body["parameters"]["aspectRatio"], "3:4",
        "4:5 is served as Imagen's 3:4"
    );
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "x-goog-api-key" && v == "AIza-test-key-123456")
    );

    let r = generate(
        &s,
        &admin,
        json!({"content_id": cid, "kind": "video", "prompt": "a truck leaving at noon", "provider_id": veo}),
    );
    assert_eq!(r.status, 202, "{}", r.text);
    let v = r.json();
    assert_eq!(v["status"], "queued");
    s.drain_jobs();
    let got = s
        .get(
            &format!(
                "/api/v1/multimodal/content/{cid}/assets/{}",
                v["id"].as_str().unwrap()
            ),
            Some(&admin),
        )
        .json();
    assert_eq!(got["status"], "done", "{got}");
    assert_eq!(got["mime"], "video/mp4");
    assert_eq!(
        got["size"].as_u64(),
        Some(fake_media::video_bytes().len() as u64)
    );
    assert!(
        fake.rec.polls.load(std::sync::atomic::Ordering::SeqCst) >= 3,
        "polled until done"
    );
    let (body, _) = &fake.rec.to(":predictLongRunning")[0];
    assert_eq!(
        body["parameters"]["aspectRatio"], "9:16",
        "instagram videos are vertical"
    );

    let r = generate(
        &s,
        &admin,
        json!({"content_id": cid, "kind": "video", "prompt": "no provider"}),
    );
    assert_eq!(r.status, 422);
    assert!(r.detail().contains("video provider"), "{}", r.text);
    let r = generate(
        &s,
        &admin,
        json!({"content_id": cid, "kind": "image", "prompt": "wrong medium", "provider_id": veo}),
    );
    // Well formed, but the stored provider makes videos: a conflict with what is stored.
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(r.detail().contains("cannot make an image"), "{}", r.text);
}

#[test]
fn refusals_transient_failures_and_the_size_cap_are_told_apart() {
    let s = TestServer::start();
    let admin = s.admin_token();
    let fake = FakeMedia::start();
    let cid = content_with_sections(&s, &admin, "linkedin");
    let p = provider(
        &s,
        &admin,
        json!({"name": "OpenAI", "type": "openai_images", "base_url": fake.openai_base(), "api_key": "sk-test-key-123456"}),
    );

    let r = generate(
        &s,
        &admin,
        json!({"content_id": cid, "kind": "image", "prompt": "POLICY something", "provider_id": p}),
    );
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(
        r.detail()
            .contains("OpenAI (openai_images): refused by the content policy"),
        "{}",
        r.text
    );
    assert_eq!(
        fake.rec.to("/images/generations").len(),
        1,
        "a refusal is not retried"
    );

    let r = generate(
        &s,
        &admin,
        json!({"content_id": cid, "kind": "image", "prompt": "FAIL please", "provider_id": p}),
    );
    assert_eq!(r.status, 502, "{}", r.text);
    assert!(
        r.detail().contains("OpenAI (openai_images)") && r.detail().contains("upstream exploded"),
        "{}",
        r.text
    );
    assert_eq!(
        fake.rec.to("/images/generations").len(),
        4,
        "transient errors are retried (3 attempts)"
    );
    assert_eq!(
        s.get(
            &format!("/api/v1/multimodal/content/{cid}/assets"),
            Some(&admin)
        )
        .json()["total"],
        0,
        "failed single generations leave nothing"
    );

    crate::fake_llm::configure(&s, &admin, json!({"asset_max_bytes": "100"}));
    let r = generate(
        &s,
        &admin,
        json!({"content_id": cid, "kind": "image", "prompt": "too big", "provider_id": p}),
    );
    assert_eq!(r.status, 413, "{}", r.text);
    assert!(r.detail().contains("asset_max_bytes"), "{}", r.text);
}

#[test]
fn a_saved_provider_of_the_local_type_renders_in_process() {
    let s = TestServer::start();
    let t = s.admin_token();
    let r = s.post(
        "/api/v1/multimodal/providers",
        Some(&t),
        &json!({"name": "Cards", "type": "local"}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let pid = r.json()["id"].as_str().unwrap().to_string();
    let r = generate(
        &s,
        &t,
        json!({"kind": "image", "prompt": "A quote card", "provider_id": pid}),
    );
    assert!(r.status == 200 || r.status == 201, "{}", r.text);
    let asset = r.json();
    assert_eq!(asset["status"], "done", "{asset}");
    assert_eq!(asset["versions"][0]["provider"], "local", "{asset}");
    let png = file(&s, &t, &asset);
    assert_eq!(png.status, 200);
    assert_eq!(png.header("content-type").as_deref(), Some("image/png"));
}
