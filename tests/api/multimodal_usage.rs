//! What multimodal costs and how large it gets: the numeric settings refuse junk and
//! out-of-range values with a 422 naming the range, provider generations appear in the AI logs
//! and count against the monthly budget (a spent budget is 429 before any provider call; the
//! local renderer stays free), and a multi-MB video is copied into the database chunk by chunk
//! and served back byte for byte, Range included.
use crate::fake_media::{self, FakeMedia, provider};
use crate::helpers::*;
use crate::multimodal::content_with_sections;
use crate::multimodal_plans::bytes;
use serde_json::{Value, json};
use std::sync::atomic::Ordering;

#[test]
fn numeric_multimodal_settings_refuse_text_and_out_of_range_values_with_422() {
    let s = TestServer::start();
    let t = s.admin_token();
    for (bad, key, range) in [
        (
            json!({"multimodal_concurrency": "lots"}),
            "multimodal_concurrency",
            "from 1 to 8",
        ),
        (
            json!({"multimodal_concurrency": 0}),
            "multimodal_concurrency",
            "from 1 to 8",
        ),
        (
            json!({"multimodal_concurrency": "9"}),
            "multimodal_concurrency",
            "from 1 to 8",
        ),
        (
            json!({"multimodal_concurrency": 2.5}),
            "multimodal_concurrency",
            "from 1 to 8",
        ),
        (
            json!({"asset_max_bytes": "12abc"}),
            "asset_max_bytes",
            "from 1 to 1000000000",
        ),
        (
            json!({"asset_max_bytes": 5_000_000_000u64}),
            "asset_max_bytes",
            "from 1 to 1000000000",
        ),
        (
            json!({"asset_link_ttl_days": -1}),
            "asset_link_ttl_days",
            "from 1 to 3650",
        ),
        (
            json!({"asset_link_ttl_days": true}),
            "asset_link_ttl_days",
            "from 1 to 3650",
        ),
    ] {
        let r = s.put("/api/v1/settings/", Some(&t), &bad);
        assert_eq!(r.status, 422, "{bad}: {}", r.text);
        assert!(
            r.detail().contains(key) && r.detail().contains(range),
            "{bad}: {}",
            r.detail()
        );
    }
    let view = s.get("/api/v1/settings/", Some(&t)).json();
    assert_eq!(
        view["multimodal_concurrency"],
        Value::Null,
        "nothing applied"
    );

    let r = s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({"multimodal_concurrency": 3, "asset_link_ttl_days": " 14 ", "asset_max_bytes": "2048"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(
        (
            &v["multimodal_concurrency"],
            &v["asset_link_ttl_days"],
            &v["asset_max_bytes"]
        ),
        (&json!("3"), &json!("14"), &json!("2048"))
    );

    let schema = s.get("/api/v1/settings/schema", Some(&t)).json();
    let def = schema
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["key"] == "multimodal_concurrency")
        .unwrap()
        .clone();
    assert_eq!(
        (&def["kind"], &def["min"], &def["max"]),
        (&json!("int"), &json!(1), &json!(8))
    );
}

fn image_logs(s: &TestServer, t: &str) -> Value {
    s.get("/api/v1/ai-logs?function=multimodal.image", Some(t))
        .json()
}

#[test]
fn provider_images_are_logged_and_a_spent_budget_refuses_them_before_the_provider_is_called() {
    let s = TestServer::start();
    let t = s.admin_token();
    let fake = FakeMedia::start();
    let cid = content_with_sections(&s, &t, "linkedin");
    let gpt = provider(
        &s,
        &t,
        json!({"name": "GPT Image", "type": "openai_images", "base_url": fake.openai_base(), "api_key": "sk-test-key-123456"}),
    );
    let gen_ = |body: Value| s.post("/api/v1/multimodal/generate-asset", Some(&t), &body);

    let r = gen_(
        json!({"content_id": cid, "kind": "image", "prompt": "a warehouse at dawn", "provider_id": gpt}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let logs = image_logs(&s, &t);
    assert_eq!(logs["total"], 1, "{logs}");
    let e = &logs["items"][0];
    assert_eq!(
        (
            e["provider"].as_str(),
            e["model"].as_str(),
            e["status"].as_str()
        ),
        (Some("openai_images"), Some("gpt-image-1"), Some("ok"))
    );
    assert!(e["latency_ms"].as_i64().unwrap() >= 0);
    assert!(
        e["output_tokens"].as_i64().unwrap() >= 1000,
        "an image counts: {e}"
    );
    assert!(e["cost_usd"].as_f64().unwrap() > 0.0, "{e}");

    let r = gen_(
        json!({"content_id": cid, "kind": "image", "prompt": "POLICY a forbidden thing", "provider_id": gpt}),
    );
    assert_eq!(r.status, 422, "{}", r.text);
    let failed = s
        .get(
            "/api/v1/ai-logs?function=multimodal.image&status=error",
            Some(&t),
        )
        .json();
    assert_eq!(failed["total"], 1, "{failed}");
    assert!(
        failed["items"][0]["error"]
            .as_str()
            .unwrap()
            .contains("content policy")
    );

    let local = gen_(json!({"content_id": cid, "kind": "cover", "prompt": "Faster deliveries"}));
    assert_eq!(local.status, 201, "{}", local.text);
    assert_eq!(image_logs(&s, &t)["total"], 2, "local renders are free");

    let r = s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({"monthly_token_budget": "500"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let calls = fake.rec.to("/images/generations").len();
    let r =
        gen_(json!({"content_id": cid, "kind": "image", "prompt": "one more", "provider_id": gpt}));
    assert_eq!(r.status, 429, "{}", r.text);
    assert!(
        r.detail().contains("monthly token budget"),
        "{}",
        r.detail()
    );
    let plan = json!({"content_id": cid, "plan": {"text": "x", "assets": [{"kind": "image", "prompt": "p", "provider_id": gpt}]}});
    let r = s.post("/api/v1/multimodal/execute-plan", Some(&t), &plan);
    assert_eq!(r.status, 429, "{}", r.text);
    assert_eq!(
        fake.rec.to("/images/generations").len(),
        calls,
        "the provider was not called"
    );
    let assets = s
        .get(
            &format!("/api/v1/multimodal/content/{cid}/assets"),
            Some(&t),
        )
        .json();
    assert_eq!(assets["total"], 2, "nothing was created: {assets}");
    let local = gen_(json!({"content_id": cid, "kind": "cover", "prompt": "Still free"}));
    assert_eq!(local.status, 201, "{}", local.text);
}

#[test]
fn a_multi_megabyte_video_is_copied_in_chunks_and_served_back_byte_for_byte() {
    let s = TestServer::start();
    let t = s.admin_token();
    let fake = FakeMedia::start();
    let extra = 6 * 1024 * 1024 + 12_345;
    fake.rec.video_extra.store(extra, Ordering::SeqCst);
    let cid = content_with_sections(&s, &t, "youtube");
    let veo = provider(
        &s,
        &t,
        json!({"name": "Veo", "type": "gemini_veo", "base_url": fake.svc.base, "api_key": "AIza-test-key-123456", "defaults": {"poll_interval_ms": 10}}),
    );
    let r = s.post(
        "/api/v1/multimodal/generate-asset",
        Some(&t),
        &json!({"content_id": cid, "kind": "video", "prompt": "truck", "provider_id": veo}),
    );
    assert_eq!(r.status, 202, "{}", r.text);
    s.drain_jobs();
    let id = r.json()["id"].as_str().unwrap().to_string();
    let a = s
        .get(
            &format!("/api/v1/multimodal/content/{cid}/assets/{id}"),
            Some(&t),
        )
        .json();
    let video = fake_media::video_bytes_with(extra);
    let n = video.len();
    assert_eq!(
        (a["status"].as_str(), a["size"].as_u64()),
        (Some("done"), Some(n as u64)),
        "{a}"
    );
    let sha = neuromancer::crypto::sha256_hex(&video);
    assert_eq!(a["sha256"].as_str(), Some(sha.as_str()));
    let url = a["url"].as_str().unwrap();

    let (st, _, body) = bytes(&s.client.base, url, Some(&t), &[], "GET");
    assert_eq!(st, 200);
    assert_eq!(body.len(), n);
    assert_eq!(neuromancer::crypto::sha256_hex(&body), sha);
    // Across the first chunk boundary (1 MiB) and near the end.
    let mib = 1 << 20;
    let range = format!("bytes={}-{}", mib - 100, mib + 99);
    let (st, _, body) = bytes(&s.client.base, url, Some(&t), &[("Range", &range)], "GET");
    assert_eq!((st, body.as_slice()), (206, &video[mib - 100..mib + 100]));
    let range = format!("bytes={}-", n - 4321);
    let (st, h, body) = bytes(&s.client.base, url, Some(&t), &[("Range", &range)], "GET");
    assert_eq!((st, body.as_slice()), (206, &video[n - 4321..]));
    assert_eq!(
        h.get("content-range").unwrap().to_str().unwrap(),
        format!("bytes {}-{}/{n}", n - 4321, n - 1)
    );

    let c = s.state.db.conn().unwrap();
    let (blobs, pending): (i64, i64) = c
        .query_row(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE sha256 LIKE 'pending:%') FROM asset_blobs",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((blobs, pending), (1, 0), "one sealed blob, no leftovers");
    let logs = s
        .get("/api/v1/ai-logs?function=multimodal.video", Some(&t))
        .json();
    assert_eq!(logs["total"], 1, "{logs}");
    assert_eq!(logs["items"][0]["provider"], "gemini_veo");
}
