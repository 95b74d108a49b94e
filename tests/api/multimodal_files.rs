//! Serving assets: the authenticated file route (ETag, 304, Range for video seeking, 416,
//! HEAD), capability URLs for outside reviewers (no account; altered or expired tokens → 404),
//! the preview card behind /screenshots, and a plan execution killed mid-run (kill -9) that a
//! restart resumes.
use crate::fake_media::{self, FakeMedia, provider};
use crate::helpers::*;
use crate::multimodal::content_with_sections;
use crate::multimodal_plans::bytes;
use serde_json::json;

#[test]
fn ranges_etags_and_head_let_a_player_seek_a_video() {
    let s = TestServer::start();
    let t = s.admin_token();
    let fake = FakeMedia::start();
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
    let a = s
        .get(
            &format!(
                "/api/v1/multimodal/content/{cid}/assets/{}",
                r.json()["id"].as_str().unwrap()
            ),
            Some(&t),
        )
        .json();
    let url = a["url"].as_str().unwrap();
    let video = fake_media::video_bytes();
    let n = video.len();

    let (st, h, body) = bytes(&s.client.base, url, Some(&t), &[], "GET");
    assert_eq!(st, 200);
    assert_eq!(body, video);
    assert_eq!(h.get("accept-ranges").unwrap(), "bytes");
    assert_eq!(h.get("content-type").unwrap(), "video/mp4");
    assert!(
        h.get("cache-control")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("private")
    );
    let etag = h.get("etag").unwrap().to_str().unwrap().to_string();

    let (st, h, body) = bytes(
        &s.client.base,
        url,
        Some(&t),
        &[("Range", "bytes=1000-1999")],
        "GET",
    );
    assert_eq!(st, 206);
    assert_eq!(
        h.get("content-range").unwrap().to_str().unwrap(),
        format!("bytes 1000-1999/{n}")
    );
    assert_eq!(body, video[1000..2000]);
    let (st, _, body) = bytes(
        &s.client.base,
        url,
        Some(&t),
        &[("Range", "bytes=-500")],
        "GET",
    );
    assert_eq!((st, body.as_slice()), (206, &video[n - 500..]));
    let (st, _, body) = bytes(
        &s.client.base,
        url,
        Some(&t),
        &[("Range", &format!("bytes={}-", n - 10))],
        "GET",
    );
    assert_eq!((st, body.len()), (206, 10));
    let (st, h, _) = bytes(
        &s.client.base,
        url,
        Some(&t),
        &[("Range", &format!("bytes={n}-"))],
        "GET",
    );
    assert_eq!(st, 416);
    assert_eq!(
        h.get("content-range").unwrap().to_str().unwrap(),
        format!("bytes */{n}")
    );
    let (st, _, body) = bytes(
        &s.client.base,
        url,
        Some(&t),
        &[("If-None-Match", &etag)],
        "GET",
    );
    assert_eq!((st, body.len()), (304, 0));
    let (st, h, body) = bytes(&s.client.base, url, Some(&t), &[], "HEAD");
    assert_eq!((st, body.len()), (200, 0));
    assert_eq!(
        h.get("content-length").unwrap().to_str().unwrap(),
        n.to_string()
    );
    assert_eq!(bytes(&s.client.base, url, None, &[], "GET").0, 401);
}

#[test]
fn capability_urls_open_one_asset_without_an_account_until_they_expire() {
    let s = TestServer::start();
    let t = s.admin_token();
    let cid = content_with_sections(&s, &t, "linkedin");
    let r = s.post("/api/v1/multimodal/generate-asset", Some(&t), &json!({"content_id": cid, "kind": "cover", "prompt": "Faster deliveries\nfrom Lyon", "aspect_ratio": "16:9"}));
    assert_eq!(r.status, 201, "{}", r.text);
    let a = r.json();
    let public = a["public_url"].as_str().unwrap().to_string();
    assert!(public.starts_with("/api/v1/assets/"), "{public}");
    let (st, h, body) = bytes(&s.client.base, &public, None, &[], "GET");
    assert_eq!(st, 200);
    assert_eq!(h.get("content-type").unwrap(), "image/png");
    assert!(
        h.get("cache-control")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("public")
    );
    assert_eq!(body.len() as i64, a["size"].as_i64().unwrap());
    let (st, _, part) = bytes(
        &s.client.base,
        &public,
        None,
        &[("Range", "bytes=0-7")],
        "GET",
    );
    assert_eq!((st, part.as_slice()), (206, &b"\x89PNG\r\n\x1a\n"[..]));

    let token = public.trim_start_matches("/api/v1/assets/");
    let (id, rest) = token.split_once('.').unwrap();
    let (exp, sig) = rest.split_once('.').unwrap();
    let later: i64 = exp.parse::<i64>().unwrap() + 86_400;
    for bad in [
        format!("{id}.{later}.{sig}"),
        format!("{id}.{exp}.{}A", &sig[..sig.len() - 1]),
        format!("x{id}.{exp}.{sig}"),
        "nonsense".into(),
    ] {
        let r = s.get(&format!("/api/v1/assets/{bad}"), None);
        assert_eq!(r.status, 404, "{bad}: {}", r.text);
    }
    assert_eq!(s.get("/api/v1/assets/", None).status, 404, "no listing");

    crate::fake_llm::configure(
        &s,
        &t,
        json!({"public_url": "https://studio.example.com", "asset_link_ttl_days": "1"}),
    );
    let id = a["id"].as_str().unwrap();
    let short = s
        .get(
            &format!("/api/v1/multimodal/content/{cid}/assets/{id}"),
            Some(&t),
        )
        .json();
    let url = short["public_url"].as_str().unwrap();
    assert!(
        url.starts_with("https://studio.example.com/api/v1/assets/"),
        "{url}"
    );
    let path = url.trim_start_matches("https://studio.example.com");
    assert_eq!(bytes(&s.client.base, path, None, &[], "GET").0, 200);
    let exp: i64 = path.rsplit('.').nth(1).unwrap().parse().unwrap();
    let now = chrono::Utc::now().timestamp();
    assert!(
        (exp - now - 86_400).abs() < 60,
        "valid for the configured day"
    );
    // The same link signed with the server's key, but with an expiry a second ago.
    let key: Vec<u8> = s
        .state
        .db
        .conn()
        .unwrap()
        .query_row("SELECT key FROM asset_link_key", [], |r| r.get(0))
        .unwrap();
    let signed = |exp: i64| {
        use base64::Engine;
        use hmac::{KeyInit, Mac};
        let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&key).unwrap();
        mac.update(format!("asset:{id}:{exp}").as_bytes());
        let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(&mac.finalize().into_bytes()[..18]);
        format!("/api/v1/assets/{id}.{exp}.{sig}")
    };
    assert_eq!(
        bytes(&s.client.base, &signed(now + 60), None, &[], "GET").0,
        200,
        "the test signs like the server"
    );
    assert_eq!(
        bytes(&s.client.base, &signed(now - 1), None, &[], "GET").0,
        404,
        "expired"
    );
}

#[test]
fn a_shared_contents_preview_card_is_a_real_png_with_its_cover() {
    let s = TestServer::start();
    let t = s.admin_token();
    let (_, other) = s.member("o@example.com");
    let cid = content_with_sections(&s, &t, "linkedin");
    let r = s.post(
        "/api/v1/multimodal/generate-asset",
        Some(&t),
        &json!({"content_id": cid, "kind": "cover", "prompt": "Cover"}),
    );
    assert_eq!(r.status, 201);
    assert_eq!(
        s.get(
            &format!("/api/v1/multimodal/content/{cid}/preview-link"),
            Some(&other)
        )
        .status,
        404
    );
    let link = s
        .get(
            &format!("/api/v1/multimodal/content/{cid}/preview-link"),
            Some(&t),
        )
        .json();
    let url = link["url"].as_str().unwrap();
    assert!(
        url.starts_with("/api/v1/screenshots/") && url.ends_with(".png"),
        "{url}"
    );
    let (st, h, png) = bytes(&s.client.base, url, None, &[], "GET");
    assert_eq!(st, 200);
    assert_eq!(h.get("content-type").unwrap(), "image/png");
    let mut reader = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1200, 630));
    let asset_token_for_screenshot = url
        .replace("/screenshots/", "/assets/")
        .trim_end_matches(".png")
        .to_string();
    assert_eq!(
        s.get(&asset_token_for_screenshot, None).status,
        404,
        "a preview token opens no asset"
    );
    assert_eq!(s.get(&url.replace(".png", "x.png"), None).status, 404);
}

#[test]
fn a_run_killed_mid_execution_resumes_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeMedia::start();
    fake.rec
        .slow_ms
        .store(400, std::sync::atomic::Ordering::SeqCst);
    let srv = BinaryServer::spawn_with(dir.path(), &[("NEUROMANCER_RATE_LIMIT", "0")]);
    let t = srv.client.admin_token();
    let r = srv.client.post(
        "/api/v1/content/generate",
        Some(&t),
        &json!({"platform": "linkedin", "brief": "Lyon warehouse"}),
    );
    let done = crate::fake_llm::frames(&r.text).last().cloned().unwrap();
    let cid = done["content_id"].as_str().unwrap().to_string();
    assert_eq!(
        srv.client
            .put(
                "/api/v1/settings/",
                Some(&t),
                &json!({"multimodal_concurrency": "1"})
            )
            .status,
        200
    );
    let r = srv.client.post("/api/v1/multimodal/providers", Some(&t), &json!({"name": "OpenAI", "type": "openai_images", "base_url": fake.openai_base(), "api_key": "sk-test-key-123456"}));
    let p = r.json()["id"].as_str().unwrap().to_string();
    let assets: Vec<_> = (0..5)
        .map(|i| json!({"kind": "image", "prompt": format!("SLOW {i}"), "provider_id": p}))
        .collect();
    let body = json!({"content_id": cid, "plan": {"assets": assets}}).to_string();
    let req = format!(
        "POST /api/v1/multimodal/execute-plan HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {t}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let list = |c: &Client| {
        c.get(
            &format!("/api/v1/multimodal/content/{cid}/assets"),
            Some(&t),
        )
        .json()
    };
    {
        use std::io::{BufRead, BufReader, Write};
        let mut conn = std::net::TcpStream::connect(("127.0.0.1", srv.port)).unwrap();
        conn.write_all(req.as_bytes()).unwrap();
        let mut lines = BufReader::new(conn).lines();
        assert!(
            lines.any(|l| l.unwrap().contains("asset_complete")),
            "one asset completes before the kill"
        );
    }
    srv.kill9();
    let srv = BinaryServer::spawn_with(dir.path(), &[("NEUROMANCER_RATE_LIMIT", "0")]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let l = list(&srv.client);
        let states: Vec<String> = l["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["status"].as_str().unwrap().to_string())
            .collect();
        if states.iter().all(|s| s == "done") {
            assert_eq!(states.len(), 5);
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not resumed: {states:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}
