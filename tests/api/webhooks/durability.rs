//! Webhook delivery under load and failure: slow endpoints, distant retries, kill -9.
use super::{allow_private, allow_private_now, change_setting, deliveries, hook};
use crate::helpers::*;
use crate::receiver::{Receiver, RetryAfter};
use serde_json::json;
use std::time::Duration;

#[test]
fn a_slow_endpoint_does_not_delay_the_others() {
    let s = TestServer::start();
    let t = s.admin_token();
    allow_private_now(&s, &t);
    let slow = Receiver::start();
    slow.default_reply((200, None, Duration::from_secs(3)));
    let fast = Receiver::start();
    hook(&s, &t, &slow, json!(["settings.updated"]));
    hook(&s, &t, &fast, json!(["settings.updated"]));
    let pool = neuromancer::jobs::start_workers(&s.state, 4).unwrap();
    let started = std::time::Instant::now();
    for i in 0..4 {
        change_setting(&s, &t, i);
    }
    fast.wait_for(4, Duration::from_secs(3));
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
    slow.wait_for(4, Duration::from_secs(20));
    pool.shutdown();
}

#[test]
fn a_delivery_pending_across_kill_9_arrives_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let s = BinaryServer::spawn(dir.path());
    let t = s.client.admin_token();
    allow_private(&s.client, &t);
    let rx = Receiver::start();
    rx.script(&[(503, Some(RetryAfter::Secs(3)), Duration::ZERO)]);
    hook(&s.client, &t, &rx, json!(["settings.updated"]));
    change_setting(&s.client, &t, 1);
    let first = rx.wait_for(1, Duration::from_secs(10));
    s.kill9();
    let s = BinaryServer::spawn(dir.path());
    let got = rx.wait_for(2, Duration::from_secs(15));
    assert_eq!(got.len(), 2, "delivered once more, not duplicated");
    assert_eq!(got[1].id, first[0].id);
    assert!(got[1].verified);
    drop(s);
}

#[test]
fn a_delivery_waiting_for_its_retry_does_not_hold_back_new_ones() {
    let s = TestServer::start();
    let t = s.admin_token();
    allow_private_now(&s, &t);
    let rx = Receiver::start();
    rx.script(&[(503, Some(RetryAfter::Secs(600)), Duration::ZERO)]);
    let (id, _) = hook(&s, &t, &rx, json!(["settings.updated"]));
    change_setting(&s, &t, 1);
    s.drain_jobs();
    change_setting(&s, &t, 2);
    s.drain_jobs();
    let got = rx.got();
    assert_eq!(got.len(), 2, "the new event went out at once");
    assert_ne!(got[0].id, got[1].id);
    let log = deliveries(&s, &t, &id);
    let statuses: Vec<&str> = log
        .iter()
        .map(|a| a["delivery_status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["succeeded", "retrying"]);
}

#[test]
fn an_endpoint_deleted_while_its_test_ping_is_in_flight_answers_404_not_500() {
    let s = TestServer::start();
    let t = s.admin_token();
    allow_private_now(&s, &t);
    let slow = Receiver::start();
    slow.default_reply((200, None, Duration::from_millis(1500)));
    let (id, _) = hook(&s, &t, &slow, json!(["settings.updated"]));
    let ping = std::thread::spawn({
        let (base, t, id) = (s.base.clone(), t.clone(), id.clone());
        move || {
            Client::new(&base).post(&format!("/api/v1/webhooks/{id}/test"), Some(&t), &json!({}))
        }
    });
    slow.wait_for(1, Duration::from_secs(10));
    let r = s.send(
        "DELETE",
        &format!("/api/v1/webhooks/{id}"),
        Some(&t),
        &json!(null),
    );
    assert_eq!(r.status, 204, "{}", r.text);
    let r = ping.join().unwrap();
    assert_eq!(r.status, 404, "{}", r.text);
    assert!(r.detail().contains("not found"), "{}", r.text);
}
