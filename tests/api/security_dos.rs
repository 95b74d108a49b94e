//! Security review, denial of service (10): generation is bounded per user with 429 and
//! `Retry-After` beyond the bound.
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
