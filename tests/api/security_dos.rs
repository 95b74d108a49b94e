//! Security review, denial of service (10): generation is bounded per user with 429 and
//! `Retry-After` beyond the bound; long imports never hold every job worker; PDF bombs are
//! refused; message history comes a page at a time.
use crate::fake_llm::{self, Reply, new_conversation};
use crate::helpers::*;
use serde_json::json;
use std::time::Duration;

#[test]
fn a_user_beyond_the_running_reply_bound_gets_429_with_retry_after() {
    let s = TestServer::start();
    let t = s.admin_token();
    // Each reply takes about two seconds upstream.
    let fake = fake_llm::start(|_| {
        Reply::Stream(
            fake_llm::openai_text(&["slow", " ", "reply"], (3, 3)),
            Duration::from_millis(500),
        )
    });
    fake_llm::configure(
        &s,
        &t,
        json!({"openai_base_url": format!("{}/v1", fake.svc.base), "openai_api_key": "sk-test-abcdefghijkl", "default_provider": "openai"}),
    );
    let convs: Vec<String> = (0..4).map(|_| new_conversation(&s, &t)).collect();
    let running: Vec<_> = convs[..3]
        .iter()
        .map(|conv| {
            let (c, t, conv) = (s.client.clone(), t.clone(), conv.clone());
            std::thread::spawn(move || {
                c.post(
                    &format!("/api/v1/chat/conversations/{conv}/messages"),
                    Some(&t),
                    &json!({"content": "Hello"}),
                )
                .status
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(600));
    let r = s.post(
        &format!("/api/v1/chat/conversations/{}/messages", convs[3]),
        Some(&t),
        &json!({"content": "One more"}),
    );
    assert_eq!(r.status, 429, "{}", r.text);
    let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait));
    for h in running {
        assert_eq!(h.join().unwrap(), 200);
    }
    // Once they end, the user may ask again.
    let r = s.post(
        &format!("/api/v1/chat/conversations/{}/messages", convs[3]),
        Some(&t),
        &json!({"content": "Now?"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
}

#[test]
fn model_lists_are_reused_for_a_minute_instead_of_calling_providers_on_every_request() {
    use actix_web::{HttpResponse, web};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let fake = FakeService::start(move |cfg| {
        let counted = counted.clone();
        cfg.route(
            "/v1/models",
            web::get().to(move || {
                counted.fetch_add(1, Ordering::SeqCst);
                async { HttpResponse::Ok().json(json!({ "data": [{ "id": "fake-model" }] })) }
            }),
        );
    });
    let s = TestServer::start();
    let t = s.admin_token();
    let (_, member) = s.member("mia@example.com");
    fake_llm::configure(
        &s,
        &t,
        json!({"openai_base_url": format!("{}/v1", fake.base), "openai_api_key": "sk-test-abcdefghijkl"}),
    );
    for _ in 0..3 {
        let r = s.get("/api/v1/settings/available-models", Some(&member));
        assert_eq!(r.status, 200, "{}", r.text);
        assert!(r.text.contains("fake-model"), "{}", r.text);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn a_user_cannot_hold_more_than_eight_event_streams_open() {
    use std::io::{Read, Write};
    let s = TestServer::start_with(|c| c.login_per_minute = 100);
    let (_, token) = s.member("sam@example.com");
    let (_, other) = s.member("kim@example.com");
    let host = s.base.trim_start_matches("http://").to_string();
    let open = |token: &str| {
        let mut conn = std::net::TcpStream::connect(&host).unwrap();
        write!(
            conn,
            "GET /api/v1/notifications/stream HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\r\n"
        )
        .unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut buf = [0u8; 2048];
        let n = conn.read(&mut buf).unwrap();
        let head = String::from_utf8_lossy(&buf[..n]).to_string();
        (conn, head)
    };
    let held: Vec<_> = (0..8).map(|_| open(&token)).collect();
    for (_, head) in &held {
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    }
    let (_, ninth) = open(&token);
    assert!(ninth.starts_with("HTTP/1.1 429"), "{ninth}");
    assert!(ninth.to_lowercase().contains("retry-after"), "{ninth}");
    let (_, someone_else) = open(&other);
    assert!(someone_else.starts_with("HTTP/1.1 200"), "{someone_else}");
}

#[test]
fn a_webhook_delivery_arrives_promptly_while_slow_imports_fill_the_queue() {
    use actix_web::{HttpResponse, web};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    // A site whose every page takes four seconds: each import holds its worker that long.
    let asked = Arc::new(AtomicUsize::new(0));
    let counted = asked.clone();
    let site = FakeService::start(move |cfg| {
        let counted = counted.clone();
        cfg.route(
            "/{page}",
            web::get().to(move || {
                counted.fetch_add(1, Ordering::SeqCst);
                async {
                    actix_web::rt::time::sleep(Duration::from_secs(4)).await;
                    HttpResponse::Ok().content_type("text/html").body(
                        "<html><body><p>Slow water runs deep in the harbour.</p></body></html>",
                    )
                }
            }),
        );
    });
    let s = TestServer::start();
    let t = s.admin_token();
    let r = s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({ "allow_private_network": true }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    s.drain_jobs();
    let rx = crate::receiver::Receiver::start();
    let r = s.post(
        "/api/v1/webhooks/",
        Some(&t),
        &json!({ "url": rx.url, "events": ["settings.updated"] }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    rx.set_secret(r.json()["secret"].as_str().unwrap());
    for i in 0..6 {
        let r = s.post(
            "/api/v1/sources/import/url",
            Some(&t),
            &json!({ "url": format!("{}/page-{i}", site.base) }),
        );
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let pool = neuromancer::jobs::start_workers(&s.state, 4).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while asked.load(Ordering::SeqCst) < 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "imports did not start"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let started = std::time::Instant::now();
    let r = s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({ "frontend_url": "https://app.example" }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let got = rx.wait_for(1, Duration::from_secs(15));
    assert!(got[0].verified);
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "the delivery waited {:?} behind the imports",
        started.elapsed()
    );
    pool.shutdown();
}

#[test]
fn content_planner_learnings_and_visual_plans_share_the_generation_bound() {
    let s = TestServer::start();
    let t = s.admin_token();
    let (_, member) = s.member("ned@example.com");
    let fake = fake_llm::start(|_| {
        Reply::Stream(
            fake_llm::openai_text(&["a", " slow", " draft"], (3, 3)),
            Duration::from_millis(500),
        )
    });
    fake_llm::configure(
        &s,
        &t,
        json!({"openai_base_url": format!("{}/v1", fake.svc.base), "openai_api_key": "sk-test-abcdefghijkl", "default_provider": "openai"}),
    );
    let running: Vec<_> = (0..3)
        .map(|i| {
            let (c, t) = (s.client.clone(), t.clone());
            std::thread::spawn(move || {
                c.post(
                    "/api/v1/content/generate",
                    Some(&t),
                    &json!({"platform": "blog", "brief": format!("story {i}")}),
                )
                .status
            })
        })
        .collect();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while fake.rec.requests().len() < 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "generations did not start"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    for (path, body) in [
        (
            "/api/v1/planner/generate",
            json!({"brief": "Launch the espresso grinder to baristas", "days": 7}),
        ),
        ("/api/v1/learnings/generate", json!({})),
        (
            "/api/v1/multimodal/plan",
            json!({"brief": "A harbour at dawn", "platform": "instagram"}),
        ),
        (
            "/api/v1/content/generate",
            json!({"platform": "blog", "brief": "one more"}),
        ),
    ] {
        let r = s.post(path, Some(&t), &body);
        assert_eq!(r.status, 429, "{path}: {}", r.text);
        let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=60).contains(&wait), "{path}");
        assert!(r.json()["detail"].as_str().is_some(), "{path}");
    }
    // The refused autonomous plan left nothing behind.
    let plans = s.get("/api/v1/planner/plans", Some(&t)).json();
    assert_eq!(plans["total"], 0, "{plans}");
    // The bound is per user: someone else still generates.
    let r = s.post(
        "/api/v1/content/generate",
        Some(&member),
        &json!({"platform": "blog", "brief": "mine"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    for h in running {
        assert_eq!(h.join().unwrap(), 200);
    }
    let r = s.post(
        "/api/v1/planner/generate",
        Some(&t),
        &json!({"brief": "Launch the espresso grinder to baristas", "days": 7}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
}

/// A valid one-page PDF whose content stream is `layers` times deflated `zeros` zero bytes.
fn pdf_bomb(zeros: usize, layers: usize) -> Vec<u8> {
    use std::io::Write;
    let mut data = vec![0u8; zeros];
    for _ in 0..layers {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&data).unwrap();
        data = z.finish().unwrap();
    }
    pdf_with(&vec!["/FlateDecode"; layers].join(" "), &data)
}

/// A one-page PDF whose content stream is `data` under `filters`.
fn pdf_with(filters: &str, data: &[u8]) -> Vec<u8> {
    let mut pdf = Vec::new();
    let mut offsets = Vec::new();
    pdf.extend_from_slice(b"%PDF-1.7\n");
    for obj in [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>".to_string(),
    ] {
        offsets.push(pdf.len());
        let n = offsets.len();
        pdf.extend_from_slice(format!("{n} 0 obj\n{obj}\nendobj\n").as_bytes());
    }
    offsets.push(pdf.len());
    pdf.extend_from_slice(
        format!(
            "4 0 obj\n<< /Length {} /Filter [{filters}] >>\nstream\n",
            data.len()
        )
        .as_bytes(),
    );
    pdf.extend_from_slice(data);
    pdf.extend_from_slice(b"\nendstream\nendobj\n");
    let xref = pdf.len();
    pdf.extend_from_slice(b"xref\n0 5\n0000000000 65535 f \n");
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    pdf
}

fn upload(s: &TestServer, t: &str, path: &str, name: &str, bytes: &[u8]) -> Resp {
    let boundary = "b0undary";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n").into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    s.raw(
        "POST",
        path,
        Some(t),
        Some(&format!("multipart/form-data; boundary={boundary}")),
        body,
    )
}

#[test]
fn a_pdf_that_unpacks_past_the_cap_is_refused_with_413_before_extraction() {
    let s = TestServer::start();
    let t = s.admin_token();
    // 80 MiB of zeros, deflated twice: a few KiB on the wire.
    let bomb = pdf_bomb(80 * 1024 * 1024, 2);
    assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
    let r = upload(&s, &t, "/api/v1/sources/import/file", "bomb.pdf", &bomb);
    assert_eq!(r.status, 413, "{}", r.text);
    assert!(
        r.json()["detail"].as_str().unwrap().contains("64 MiB"),
        "{}",
        r.text
    );
    let listed = s.get("/api/v1/sources/", Some(&t)).json();
    assert_eq!(listed["total"], 0, "{listed}");
    let conv = new_conversation(&s, &t);
    let r = upload(
        &s,
        &t,
        &format!("/api/v1/chat/conversations/{conv}/upload"),
        "bomb.pdf",
        &bomb,
    );
    assert_eq!(r.status, 413, "{}", r.text);
    // LZW expands runs too (PDF's default early-change variant): refused the same way.
    let lzw = weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8)
        .encode(&vec![0u8; 80 * 1024 * 1024])
        .unwrap();
    let bomb = pdf_with("/LZWDecode", &lzw);
    assert!(bomb.len() < 256 * 1024, "{}", bomb.len());
    let r = upload(&s, &t, "/api/v1/sources/import/file", "lzw.pdf", &bomb);
    assert_eq!(r.status, 413, "{}", r.text);
    // An ordinary PDF of the same shape is still read.
    let fine = pdf_bomb(1024, 1);
    let r = upload(&s, &t, "/api/v1/sources/import/file", "fine.pdf", &fine);
    assert_eq!(r.status, 201, "{}", r.text);
}

#[test]
fn message_history_comes_newest_page_first_and_pages_back_with_before() {
    let s = TestServer::start();
    let t = s.admin_token();
    let fake =
        fake_llm::start(|_| Reply::Stream(fake_llm::openai_text(&["ok"], (1, 1)), Duration::ZERO));
    fake_llm::configure(
        &s,
        &t,
        json!({"openai_base_url": format!("{}/v1", fake.svc.base), "openai_api_key": "sk-test-abcdefghijkl", "default_provider": "openai"}),
    );
    let conv = new_conversation(&s, &t);
    for i in 0..30 {
        let (status, _) = fake_llm::send(&s, &t, &conv, json!({"content": format!("m{i}")}));
        assert_eq!(status, 200);
    }
    let path = format!("/api/v1/chat/conversations/{conv}/messages");
    let page = |query: &str| {
        let r = s.get(&format!("{path}{query}"), Some(&t));
        assert_eq!(r.status, 200, "{}", r.text);
        r.json()
    };
    let contents = |p: &serde_json::Value| -> Vec<String> {
        p["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["content"].as_str().unwrap().to_string())
            .collect()
    };
    // By default: the newest 50 of the 60 messages, oldest first.
    let newest = page("");
    assert_eq!(newest["total"], 60);
    let got = contents(&newest);
    assert_eq!(got.len(), 50);
    assert_eq!(got[0], "m5");
    assert_eq!(got[48], "m29");
    assert_eq!(got[49], "ok");
    let last20 = page("?limit=20");
    assert_eq!(contents(&last20)[0], "m20");
    // Paging back from the oldest message loaded.
    let first = last20["items"][0]["id"].as_str().unwrap();
    let earlier = page(&format!("?limit=20&before={first}"));
    assert_eq!(earlier["total"], 40, "messages before m20");
    let got = contents(&earlier);
    assert_eq!(got.len(), 20);
    assert_eq!(got[0], "m10");
    assert_eq!(got[18], "m19");
    let oldest = page(&format!(
        "?before={}",
        earlier["items"][0]["id"].as_str().unwrap()
    ));
    assert_eq!(oldest["total"], 20);
    assert_eq!(contents(&oldest)[0], "m0");
    let r = s.get(&format!("{path}?before=no-such-message"), Some(&t));
    assert_eq!(
        r.status, 404,
        "an id the conversation does not hold: {}",
        r.text
    );
}
