//! Webhooks: signed Standard Webhooks deliveries, retries, Retry-After, 410, SSRF, durability.
use crate::helpers::*;
use crate::receiver::{Receiver, RetryAfter};
use serde_json::{Value, json};
use std::time::Duration;

mod durability;

pub(super) fn allow_private(c: &Client, t: &str) {
    let r = c.put(
        "/api/v1/settings/",
        Some(t),
        &json!({ "allow_private_network": true }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
}

/// Allow loopback receivers and fan out that settings change before any webhook exists.
pub(super) fn allow_private_now(s: &TestServer, t: &str) {
    allow_private(s, t);
    s.drain_jobs();
}

/// Create a webhook on settings.updated pointing at the receiver; returns (id, secret).
pub(super) fn hook(c: &Client, t: &str, rx: &Receiver, events: Value) -> (String, String) {
    let r = c.post(
        "/api/v1/webhooks/",
        Some(t),
        &json!({ "url": rx.url, "events": events }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let secret = r.json()["secret"].as_str().unwrap().to_string();
    rx.set_secret(&secret);
    (r.json()["id"].as_str().unwrap().to_string(), secret)
}

pub(super) fn change_setting(c: &Client, t: &str, n: usize) {
    let r = c.put(
        "/api/v1/settings/",
        Some(t),
        &json!({ "frontend_url": format!("https://app{n}.example") }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
}

pub(super) fn deliveries(c: &Client, t: &str, id: &str) -> Vec<Value> {
    let r = c.get(&format!("/api/v1/webhooks/{id}/deliveries"), Some(t));
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["items"].as_array().unwrap().clone()
}

#[test]
fn deliveries_are_signed_so_a_third_party_verifies_them_and_the_secret_is_shown_once() {
    let s = TestServer::start();
    let t = s.admin_token();
    allow_private_now(&s, &t);
    let rx = Receiver::start();
    let (id, secret) = hook(&s, &t, &rx, json!(["settings.updated"]));
    assert!(secret.starts_with("whsec_"));
    let shown = s.get(&format!("/api/v1/webhooks/{id}"), Some(&t)).json();
    assert_ne!(shown["secret"], secret, "masked after create");
    assert!(shown["secret"].as_str().unwrap().starts_with("whsec_…"));

    change_setting(&s, &t, 1);
    assert!(rx.got().is_empty(), "sent by the job, not the request");
    s.drain_jobs();
    let got = rx.got();
    assert_eq!(got.len(), 1);
    assert!(
        got[0].verified,
        "signature verifies from raw body + headers"
    );
    assert!(got[0].id.starts_with("msg_"));
    assert_eq!(got[0].body["type"], "settings.updated");
    assert_eq!(got[0].body["data"]["keys"], json!(["frontend_url"]));
    assert!(got[0].body["timestamp"].as_str().unwrap().ends_with('Z'));

    let log = deliveries(&s, &t, &id);
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["delivery_status"], "succeeded");
    assert_eq!(log[0]["status_code"], 200);
    assert_eq!(log[0]["attempt"], 1);
    assert_eq!(log[0]["message_id"], got[0].id.as_str());
    assert_eq!(log[0]["response_body"], "answer 200");
}

#[test]
fn failures_are_retried_on_the_schedule_with_the_same_webhook_id() {
    let s = TestServer::start_with(|c| c.webhook_retry_schedule = vec![Duration::ZERO; 4]);
    let t = s.admin_token();
    allow_private_now(&s, &t);
    let rx = Receiver::start();
    rx.script(&[
        (500, None, Duration::ZERO),
        (502, None, Duration::ZERO),
        (200, None, Duration::ZERO),
    ]);
    let (id, _) = hook(&s, &t, &rx, json!(["*"]));
    change_setting(&s, &t, 1);
    s.drain_jobs();
    let got = rx.got();
    assert_eq!(got.len(), 3);
    assert!(
        got.iter().all(|g| g.id == got[0].id && g.verified),
        "same webhook-id, re-signed each time"
    );
    let log = deliveries(&s, &t, &id);
    let codes: Vec<i64> = log
        .iter()
        .map(|a| a["status_code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, vec![200, 502, 500], "newest attempt first");
    assert!(log.iter().all(|a| a["delivery_status"] == "succeeded"));
    assert!(log[2]["error"].as_str().unwrap().contains("500"));
}

#[test]
fn retry_after_is_honoured_as_seconds_and_as_an_http_date() {
    // (header, earliest and latest wait in ms): HTTP-dates have whole seconds.
    for (after, earliest, latest) in [
        (RetryAfter::Secs(2), 1000, 2000),
        (RetryAfter::DateIn(3), 1000, 3000),
    ] {
        let s = TestServer::start_with(|c| c.webhook_retry_schedule = vec![Duration::ZERO; 3]);
        let t = s.admin_token();
        allow_private_now(&s, &t);
        let rx = Receiver::start();
        rx.script(&[(429, Some(after), Duration::ZERO)]);
        let (id, _) = hook(&s, &t, &rx, json!(["settings.updated"]));
        change_setting(&s, &t, 1);
        s.drain_jobs();
        assert_eq!(
            rx.got().len(),
            1,
            "{after:?}: the schedule says 0 s, Retry-After says later: not yet"
        );
        let log = deliveries(&s, &t, &id);
        assert_eq!(log[0]["delivery_status"], "retrying");
        let next = chrono::DateTime::parse_from_rfc3339(log[0]["next_retry_at"].as_str().unwrap())
            .unwrap();
        let wait = next.timestamp_millis() - chrono::Utc::now().timestamp_millis();
        assert!(wait > earliest && wait <= latest, "{after:?}: {wait} ms");
        std::thread::sleep(Duration::from_millis(wait as u64 + 50));
        s.drain_jobs();
        let got = rx.got();
        assert_eq!(got.len(), 2, "{after:?}");
        assert_eq!(got[0].id, got[1].id);
        assert!(got[1].at - got[0].at >= Duration::from_millis(earliest as u64));
    }
}

fn notifications(c: &Client, t: &str) -> Vec<Value> {
    c.get("/api/v1/notifications/", Some(t)).json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn gone_410_disables_the_endpoint_and_tells_its_owner() {
    let s = TestServer::start();
    let t = s.admin_token();
    allow_private_now(&s, &t);
    let rx = Receiver::start();
    rx.default_reply((410, None, Duration::ZERO));
    let (id, _) = hook(&s, &t, &rx, json!(["settings.updated"]));
    change_setting(&s, &t, 1);
    s.drain_jobs();
    let h = s.get(&format!("/api/v1/webhooks/{id}"), Some(&t)).json();
    assert_eq!(h["active"], false);
    assert!(h["disabled_reason"].as_str().unwrap().contains("410"));
    let n = notifications(&s, &t);
    assert_eq!(n[0]["kind"], "webhook.disabled");
    change_setting(&s, &t, 2);
    s.drain_jobs();
    assert_eq!(rx.got().len(), 1, "a disabled endpoint gets nothing more");
}

#[test]
fn after_the_last_attempt_the_endpoint_is_disabled_and_the_owner_notified() {
    let s = TestServer::start_with(|c| c.webhook_retry_schedule = vec![Duration::ZERO; 2]);
    let t = s.admin_token();
    allow_private_now(&s, &t);
    let rx = Receiver::start();
    rx.default_reply((503, None, Duration::ZERO));
    let (id, _) = hook(&s, &t, &rx, json!(["settings.updated"]));
    change_setting(&s, &t, 1);
    s.drain_jobs();
    assert_eq!(rx.got().len(), 2);
    let log = deliveries(&s, &t, &id);
    assert!(log.iter().all(|a| a["delivery_status"] == "failed"));
    assert_eq!(
        s.get(&format!("/api/v1/webhooks/{id}"), Some(&t)).json()["active"],
        false
    );
    let n = notifications(&s, &t);
    assert!(
        n[0]["body"].as_str().unwrap().contains("after 2 attempts"),
        "{n:?}"
    );
    assert_eq!(
        s.get("/api/v1/notifications/unread-count", Some(&t)).json()["count"],
        1
    );
}

#[test]
fn private_targets_are_refused_at_create_time_and_at_delivery_time() {
    let s = TestServer::start();
    let t = s.admin_token();
    for url in [
        "http://127.0.0.1:9/x",
        "http://localhost:9/x",
        "http://169.254.169.254/latest/meta-data",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://[::ffff:7f00:1]/",
        "http://[::1]/",
        "http://10.0.0.1/",
    ] {
        let r = s.post(
            "/api/v1/webhooks/",
            Some(&t),
            &json!({ "url": url, "events": ["task.created"] }),
        );
        assert_eq!(r.status, 403, "{url}: {}", r.text);
        assert!(r.detail().contains("private"), "{url}: {}", r.detail());
    }
    let r = s.post(
        "/api/v1/webhooks/",
        Some(&t),
        &json!({ "url": "file:///etc/passwd", "events": ["task.created"] }),
    );
    assert_eq!(r.status, 422);

    // Allowed while the admin permits private networks, then refused when the setting goes off.
    allow_private_now(&s, &t);
    let rx = Receiver::start();
    let (id, _) = hook(&s, &t, &rx, json!(["settings.updated"]));
    let r = s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({ "allow_private_network": false }),
    );
    assert_eq!(r.status, 200);
    s.drain_jobs();
    assert!(rx.got().is_empty(), "the guarded agent refused to connect");
    let log = deliveries(&s, &t, &id);
    assert!(
        log[0]["error"]
            .as_str()
            .unwrap()
            .contains("private-network guard"),
        "{log:?}"
    );
    assert!(log[0]["status_code"].is_null());
}

#[test]
fn validation_headers_events_secret_and_admin_only() {
    let s = TestServer::start();
    let t = s.admin_token();
    allow_private_now(&s, &t);
    let rx = Receiver::start();
    let url = rx.url.clone();
    let cases = [
        json!({ "url": url, "events": [] }),
        json!({ "url": url, "events": ["no.such.event"] }),
        json!({ "url": url, "events": ["task.created"], "headers": { "Webhook-Signature": "v1,forged" } }),
        json!({ "url": url, "events": ["task.created"], "secret": "not-a-whsec" }),
    ];
    for c in cases {
        let r = s.post("/api/v1/webhooks/", Some(&t), &c);
        assert_eq!(r.status, 422, "{c}: {}", r.text);
    }
    // A given secret and custom headers are used.
    let secret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    let r = s.post("/api/v1/webhooks/", Some(&t), &json!({ "url": url, "events": ["settings.updated"], "secret": secret, "headers": { "X-Tenant": "acme" } }));
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["secret"], secret);
    rx.set_secret(secret);
    change_setting(&s, &t, 1);
    s.drain_jobs();
    let got = rx.got();
    assert!(got[0].verified);
    assert_eq!(got[0].extra_header.as_deref(), Some("acme"));

    neuromancer::users::admin::add_user(
        &s.state.db,
        "m@example.com",
        "member",
        None,
        "member-pass-123",
    )
    .unwrap();
    let m = s.login("m@example.com", "member-pass-123");
    assert_eq!(s.get("/api/v1/webhooks/", Some(&m)).status, 403);
    let cat = s.get("/api/v1/webhooks/events", Some(&m));
    assert_eq!(cat.status, 200);
    let moved = cat
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "task.moved")
        .cloned()
        .unwrap();
    assert!(moved["example"]["to_column_id"].is_string());
    assert!(moved["description"].as_str().unwrap().len() > 5);
}

#[test]
fn test_ping_and_manual_redelivery_are_logged() {
    let s = TestServer::start_with(|c| c.webhook_retry_schedule = vec![Duration::ZERO]);
    let t = s.admin_token();
    allow_private_now(&s, &t);
    let rx = Receiver::start();
    let (id, _) = hook(&s, &t, &rx, json!(["settings.updated"]));
    let r = s.post(&format!("/api/v1/webhooks/{id}/test"), Some(&t), &json!({}));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["status_code"], 200);
    assert_eq!(rx.got()[0].body["type"], "webhook.test");
    assert!(rx.got()[0].verified);

    rx.script(&[(500, None, Duration::ZERO)]);
    let r = s.put(
        &format!("/api/v1/webhooks/{id}"),
        Some(&t),
        &json!({ "events": ["settings.updated"] }),
    );
    assert_eq!(r.status, 200);
    change_setting(&s, &t, 1);
    s.drain_jobs();
    let failed = deliveries(&s, &t, &id)
        .into_iter()
        .find(|a| a["event_type"] == "settings.updated")
        .unwrap();
    assert_eq!(failed["delivery_status"], "failed");
    // Re-enable (the single-attempt schedule disabled it) and redeliver by hand.
    let r = s.put(
        &format!("/api/v1/webhooks/{id}"),
        Some(&t),
        &json!({ "active": true }),
    );
    assert_eq!(r.json()["disabled_reason"], Value::Null);
    let did = failed["delivery_id"].as_str().unwrap();
    let r = s.post(
        &format!("/api/v1/webhooks/{id}/deliveries/{did}/redeliver"),
        Some(&t),
        &json!({}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["attempt"], 2);
    assert_eq!(r.json()["delivery_status"], "succeeded");
    let got = rx.got();
    assert_eq!(got[1].id, got[2].id, "redelivery keeps the webhook-id");
    assert_eq!(
        s.post(
            &format!("/api/v1/webhooks/{id}/deliveries/nope/redeliver"),
            Some(&t),
            &json!({})
        )
        .status,
        404
    );
    let r = s.raw(
        "DELETE",
        &format!("/api/v1/webhooks/{id}"),
        Some(&t),
        None,
        vec![],
    );
    assert_eq!(r.status, 204);
    assert_eq!(
        s.get(&format!("/api/v1/webhooks/{id}"), Some(&t)).status,
        404
    );
}
