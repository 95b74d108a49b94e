//! Production plans and their execution: the offline plan from a content's structure, the
//! local renderer's real PNGs (aspect, design-system colour), execute-plan frames in order with
//! one asset failing, a client disconnecting mid-run, a kill -9 mid-run resumed on restart,
//! regeneration with kept versions and deduplicated bytes, and isolation between users.
use crate::fake_llm::frames;
use crate::fake_media::{FakeMedia, provider};
use crate::helpers::*;
use crate::multimodal::content_with_sections;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// GET with optional headers; (status, headers, bytes).
pub fn bytes(
    base: &str,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    method: &str,
) -> (u16, ureq::http::HeaderMap, Vec<u8>) {
    let mut b = ureq::http::Request::builder()
        .method(method)
        .uri(format!("{base}{path}"));
    if let Some(t) = token {
        b = b.header("Authorization", format!("Bearer {t}"));
    }
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut r = agent.run(b.body(()).unwrap()).unwrap();
    let status = r.status().as_u16();
    let h = r.headers().clone();
    let body = r
        .body_mut()
        .with_config()
        .limit(100 << 20)
        .read_to_vec()
        .unwrap_or_default();
    (status, h, body)
}

fn sha_hex(b: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

fn decode(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate((info.width * info.height * 3) as usize);
    (info.width, info.height, buf)
}

fn dominant(px: &[u8]) -> [u8; 3] {
    let mut counts = std::collections::HashMap::new();
    for p in px.chunks(3) {
        *counts.entry([p[0], p[1], p[2]]).or_insert(0usize) += 1;
    }
    counts.into_iter().max_by_key(|(_, n)| *n).unwrap().0
}

/// Run execute-plan while a helper thread drains the job queue; the frames.
fn execute(s: &TestServer, t: &str, cid: &str, plan: Value) -> Vec<Value> {
    let stop = Arc::new(AtomicBool::new(false));
    let (st, flag) = (s.state.clone(), stop.clone());
    let drainer = std::thread::spawn(move || {
        while !flag.load(Ordering::SeqCst) {
            neuromancer::jobs::run_until_idle(&st).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    });
    let r = s.post(
        "/api/v1/multimodal/execute-plan",
        Some(t),
        &json!({"content_id": cid, "plan": plan}),
    );
    stop.store(true, Ordering::SeqCst);
    drainer.join().unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    frames(&r.text)
}

fn plan(s: &TestServer, t: &str, body: Value) -> Value {
    let r = s.post("/api/v1/multimodal/plan", Some(t), &body);
    assert_eq!(r.status, 200, "{}", r.text);
    let f = frames(&r.text);
    assert_eq!(f.last().unwrap()["done"], true, "{f:?}");
    f.iter().find(|x| x.get("plan").is_some()).unwrap()["plan"].clone()
}

#[test]
fn offline_plan_follows_the_structure_and_the_local_renderer_makes_real_pngs_in_the_brand_colour() {
    let s = TestServer::start();
    let t = s.admin_token();
    let client = s.post(
        "/api/v1/enterprise/clients",
        Some(&t),
        &json!({"name": "Acme"}),
    );
    assert_eq!(client.status, 201, "{}", client.text);
    let client_id = client.json()["id"].as_str().unwrap().to_string();
    let cid = content_with_sections(&s, &t, "instagram");
    assert_eq!(
        s.put(
            &format!("/api/v1/content/{cid}"),
            Some(&t),
            &json!({"client_id": client_id})
        )
        .status,
        200
    );
    let admin_id: String = s
        .state
        .db
        .conn()
        .unwrap()
        .query_row(
            "SELECT id FROM users WHERE email = ?1",
            [ADMIN_EMAIL],
            |r| r.get(0),
        )
        .unwrap();
    s.state.db.write_blocking(|tx| tx.execute(
        "INSERT INTO learnings (id, owner_id, client_id, type, title, content, data, created_at, updated_at)
         VALUES ('l1', ?1, ?2, 'design_system', 'Acme design', '', ?3, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        rusqlite::params![admin_id, client_id, json!({"colors": ["#0a7d5a", "#ffffff", "#ffcc00"], "fonts": ["Inter"]}).to_string()],
    )).unwrap();

    let p = plan(&s, &t, json!({"content_id": cid}));
    let kinds: Vec<&str> = p["assets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "cover",
            "carousel_slide",
            "carousel_slide",
            "carousel_slide",
            "image"
        ],
        "{p}"
    );
    assert_eq!(
        p["assets"][0]["text_overlay"]
            .as_str()
            .unwrap()
            .lines()
            .next(),
        Some("Faster deliveries from Lyon"),
        "the title heading goes on the cover"
    );
    assert_eq!(
        p["assets"][1]["text_overlay"],
        "The problem\nOrders waited two days in the queue before picking started."
    );
    assert_eq!(
        p["assets"][2]["aspect_ratio"], "4:5",
        "instagram slides are 4:5"
    );
    assert_eq!(
        p["assets"][4]["text_overlay"],
        "“Orders waited two days in the queue before picking started.”",
        "a quote card"
    );

    let slides = plan(
        &s,
        &t,
        json!({"content_id": cid, "asset_types": ["carousel_slide"], "count": 3}),
    );
    assert_eq!(slides["assets"].as_array().unwrap().len(), 3);
    let f = execute(&s, &t, &cid, slides);
    let done = f.last().unwrap();
    assert_eq!(
        (
            done["done"].as_bool(),
            done["completed"].as_u64(),
            done["failed"].as_u64()
        ),
        (Some(true), Some(3), Some(0)),
        "{f:?}"
    );
    for c in f.iter().filter_map(|x| x.get("asset_complete")) {
        let (status, h, png) = bytes(
            &s.client.base,
            c["url"].as_str().unwrap(),
            Some(&t),
            &[],
            "GET",
        );
        assert_eq!(status, 200);
        assert_eq!(h.get("content-type").unwrap(), "image/png");
        let (w, hgt, px) = decode(&png);
        assert_eq!((w, hgt), (1080, 1350));
        assert_eq!(
            dominant(&px),
            [0x0a, 0x7d, 0x5a],
            "the design system's dominant colour"
        );
    }
}

#[test]
fn execute_plan_frames_come_in_order_and_one_failure_never_stops_the_others() {
    let s = TestServer::start();
    let t = s.admin_token();
    let fake = FakeMedia::start();
    fake.rec.slow_ms.store(50, Ordering::SeqCst);
    let cid = content_with_sections(&s, &t, "linkedin");
    let p = provider(
        &s,
        &t,
        json!({"name": "OpenAI", "type": "openai_images", "base_url": fake.openai_base(), "api_key": "sk-test-key-123456"}),
    );
    let plan = json!({"text": "four visuals", "assets": [
        {"kind": "image", "prompt": "SLOW one", "provider_id": p},
        {"kind": "image", "prompt": "FAIL two", "provider_id": p},
        {"kind": "carousel_slide", "prompt": "three", "text_overlay": "Three\nlocal slide"},
        {"kind": "image", "prompt": "SLOW four", "aspect_ratio": "16:9", "provider_id": p}]});
    let f = execute(&s, &t, &cid, plan);
    assert!(f[0].get("run").is_some(), "{:?}", f[0]);
    let ids: Vec<String> = f[0]["run"]["assets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["asset_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 4);
    for (i, id) in ids.iter().enumerate() {
        let pos = |k: &str| f.iter().position(|x| x[k]["asset_id"] == id.as_str());
        let start = pos("asset_start").unwrap_or_else(|| panic!("no start for {i}: {f:?}"));
        let end = if i == 1 {
            pos("asset_failed")
        } else {
            pos("asset_complete")
        }
        .unwrap_or_else(|| panic!("no end for {i}: {f:?}"));
        assert!(start < end, "asset {i}: start before its end");
        assert_eq!(f[start]["asset_start"]["index"], i);
    }
    let failed = f.iter().find_map(|x| x.get("asset_failed")).unwrap();
    assert!(
        failed["error"]
            .as_str()
            .unwrap()
            .contains("upstream exploded"),
        "{failed}"
    );
    let done = f.last().unwrap();
    assert_eq!(
        (done["completed"].as_u64(), done["failed"].as_u64()),
        (Some(3), Some(1))
    );
    let complete: Vec<&Value> = f.iter().filter_map(|x| x.get("asset_complete")).collect();
    assert!(complete.iter().all(|c| {
        c["mime"] == "image/png"
            && c["width"].as_i64().unwrap() > 0
            && c["public_url"]
                .as_str()
                .unwrap()
                .starts_with("/api/v1/assets/")
    }));
    let listed = s
        .get(
            &format!("/api/v1/multimodal/content/{cid}/assets"),
            Some(&t),
        )
        .json();
    let states: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["done", "failed", "done", "done"]);
    assert_eq!(
        crate::content::events(&s, "multimodal.plan_executed")[0]["failed"],
        1
    );
}

#[test]
fn a_client_that_disconnects_mid_execution_still_gets_every_asset() {
    let s = TestServer::start();
    let t = s.admin_token();
    let cid = content_with_sections(&s, &t, "linkedin");
    let body = json!({"content_id": cid, "plan": {"assets": [
        {"kind": "carousel_slide", "prompt": "one"}, {"kind": "carousel_slide", "prompt": "two"}, {"kind": "cover", "prompt": "three"}]}}).to_string();
    let req = format!(
        "POST /api/v1/multimodal/execute-plan HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {t}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    {
        use std::io::{Read, Write};
        let mut conn =
            std::net::TcpStream::connect(s.client.base.trim_start_matches("http://")).unwrap();
        conn.write_all(req.as_bytes()).unwrap();
        let mut buf = [0u8; 512];
        let n = conn.read(&mut buf).unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    }
    s.drain_jobs();
    let listed = s
        .get(
            &format!("/api/v1/multimodal/content/{cid}/assets"),
            Some(&t),
        )
        .json();
    assert_eq!(listed["total"], 3);
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["status"] == "done" && a["mime"] == "image/png"),
        "{listed}"
    );
}

#[test]
fn regenerate_keeps_versions_dedupes_bytes_and_delete_releases_them() {
    let s = TestServer::start();
    let t = s.admin_token();
    let cid = content_with_sections(&s, &t, "linkedin");
    let r = s.post(
        "/api/v1/multimodal/generate-asset",
        Some(&t),
        &json!({"content_id": cid, "kind": "image", "prompt": "Same words"}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let a = r.json();
    let aid = a["id"].as_str().unwrap();
    let base = format!("/api/v1/multimodal/content/{cid}/assets/{aid}");
    let r = s.post(&format!("{base}/regenerate"), Some(&t), &json!({}));
    assert_eq!(r.status, 200, "{}", r.text);
    let same = r.json();
    assert_eq!(same["version"], 2);
    assert_eq!(
        same["sha256"], a["sha256"],
        "the same card renders the same bytes"
    );
    let blobs = || -> i64 {
        s.state
            .db
            .conn()
            .unwrap()
            .query_row("SELECT COUNT(*) FROM asset_blobs", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(blobs(), 1, "deduplicated by hash");
    let r = s.post(
        &format!("{base}/regenerate"),
        Some(&t),
        &json!({"prompt": "Different words now"}),
    );
    let new = r.json();
    assert_eq!(
        (new["version"].as_i64(), new["prompt"].as_str()),
        (Some(3), Some("Different words now"))
    );
    assert_ne!(new["sha256"], a["sha256"]);
    let versions: Vec<i64> = new["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, [3, 2, 1], "earlier versions are kept and listed");
    let (st, _, v1) = bytes(
        &s.client.base,
        new["versions"][2]["url"].as_str().unwrap(),
        Some(&t),
        &[],
        "GET",
    );
    assert_eq!(st, 200);
    assert_eq!(sha_hex(&v1), a["sha256"].as_str().unwrap());
    assert_eq!(blobs(), 2);
    assert_eq!(s.send("DELETE", &base, Some(&t), &json!({})).status, 204);
    assert_eq!(blobs(), 0, "bytes go with the last version using them");
    assert_eq!(s.get(&base, Some(&t)).status, 404);
}

#[test]
fn another_user_never_sees_or_touches_a_contents_assets() {
    let s = TestServer::start();
    let t = s.admin_token();
    let (_, other) = s.member("other@example.com");
    let (_, owner) = s.member("owner@example.com");
    let cid = content_with_sections(&s, &owner, "linkedin");
    let r = s.post(
        "/api/v1/multimodal/generate-asset",
        Some(&owner),
        &json!({"content_id": cid, "kind": "image", "prompt": "Mine"}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let a = r.json();
    let base = format!("/api/v1/multimodal/content/{cid}/assets");
    let aid = a["id"].as_str().unwrap();
    assert_eq!(s.get(&base, Some(&other)).status, 404);
    assert_eq!(s.get(&format!("{base}/{aid}"), Some(&other)).status, 404);
    assert_eq!(
        bytes(
            &s.client.base,
            a["url"].as_str().unwrap(),
            Some(&other),
            &[],
            "GET"
        )
        .0,
        404
    );
    assert_eq!(
        s.send("DELETE", &format!("{base}/{aid}"), Some(&other), &json!({}))
            .status,
        404
    );
    assert_eq!(
        s.post(
            &format!("{base}/{aid}/regenerate"),
            Some(&other),
            &json!({})
        )
        .status,
        404
    );
    let r = s.post(
        "/api/v1/multimodal/execute-plan",
        Some(&other),
        &json!({"content_id": cid, "plan": {"assets": [{"kind": "image", "prompt": "x"}]}}),
    );
    assert_eq!(r.status, 404, "{}", r.text);
    let r = s.post(
        "/api/v1/multimodal/plan",
        Some(&other),
        &json!({"content_id": cid}),
    );
    assert_eq!(r.status, 404);
    let r = s.post(
        "/api/v1/multimodal/generate-asset",
        Some(&other),
        &json!({"content_id": cid, "kind": "image", "prompt": "x"}),
    );
    assert_eq!(r.status, 404);
    assert_eq!(r.detail(), "content not found");
    assert_eq!(
        s.get(&format!("{base}/{aid}"), Some(&t)).status,
        200,
        "admins see everything"
    );
    let r = s.post(
        "/api/v1/multimodal/execute-plan",
        Some(&owner),
        &json!({"content_id": cid, "plan": {"assets": [{"kind": "gif", "prompt": "x"}]}}),
    );
    assert_eq!(r.status, 422, "bad input is a JSON error, never a stream");
    assert!(r.detail().contains("kind"));
}

#[test]
fn a_model_writes_the_plan_as_it_streams_and_a_broken_answer_falls_back_to_the_structure() {
    let s = TestServer::start();
    let t = s.admin_token();
    let cid = content_with_sections(&s, &t, "linkedin");
    let answer = r#"{"text": "Two bold visuals", "assets": [{"kind": "cover", "prompt": "a dawn warehouse", "aspect_ratio": "16:9", "text_overlay": "Lyon\nsame-day"}, {"kind": "image", "prompt": "a picker scanning a box"}]}"#;
    let pieces: Vec<&str> = answer
        .as_bytes()
        .chunks(40)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    let good = std::sync::Arc::new(AtomicBool::new(true));
    let g = good.clone();
    let fake = crate::fake_llm::start(move |_| {
        let words: Vec<&str> = if g.load(Ordering::SeqCst) {
            pieces.clone()
        } else {
            vec!["I would suggest ", "some pictures."]
        };
        crate::fake_llm::Reply::Stream(
            crate::fake_llm::openai_text(&words, (10, 20)),
            std::time::Duration::ZERO,
        )
    });
    crate::content::openai(&s, &t, &fake);
    let r = s.post(
        "/api/v1/multimodal/plan",
        Some(&t),
        &json!({"content_id": cid, "count": 5}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let f = frames(&r.text);
    let streamed: String = f.iter().filter_map(|x| x["content"].as_str()).collect();
    assert_eq!(
        streamed, answer,
        "the model's words arrive as {{content}} frames"
    );
    let p = &f.iter().find(|x| x.get("plan").is_some()).unwrap()["plan"];
    assert_eq!(p["text"], "Two bold visuals");
    assert_eq!(p["assets"][0]["aspect_ratio"], "16:9");
    assert_eq!(
        p["assets"][1]["aspect_ratio"], "1:1",
        "a missing aspect gets the kind's default"
    );
    assert_eq!(p["assets"][1]["id"], "a2");
    let sent = fake.requests();
    assert!(
        sent[0].to_string().contains("same day for ninety percent"),
        "the model reads the content"
    );

    good.store(false, Ordering::SeqCst);
    let p = plan(&s, &t, json!({"content_id": cid}));
    assert_eq!(
        p["assets"][0]["kind"], "cover",
        "an answer without a plan falls back to the structure"
    );
    let r = s.post(
        "/api/v1/multimodal/plan",
        Some(&t),
        &json!({"content_id": cid, "provider": "nope"}),
    );
    assert_eq!(r.status, 422, "a provider that is none of ours: {}", r.text);
    let r = s.post("/api/v1/multimodal/plan", Some(&t), &json!({"brief": "  "}));
    assert_eq!(r.status, 422);
}
