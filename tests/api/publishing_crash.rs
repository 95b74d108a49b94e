//! Never twice, never lost — with the real binary and kill -9: a scheduled post across a crash
//! goes out once, on time or on restart; a post the platform accepted just before the crash is
//! found at the platform on restart and not posted again.
use crate::fake_linkedin::{self, FakeLinkedIn};
use crate::helpers::*;
use crate::publishing::{connect_linkedin, content_with};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

fn spawn(dir: &std::path::Path) -> BinaryServer {
    BinaryServer::spawn_with(
        dir,
        &[
            ("NEUROMANCER_WORKERS", "2"),
            ("NEUROMANCER_RATE_LIMIT", "0"),
        ],
    )
}

fn setup(srv: &BinaryServer, fake: &FakeLinkedIn) -> (String, String) {
    let admin = srv.client.admin_token();
    fake_linkedin::configure(&srv.client, &admin, fake);
    let account = connect_linkedin(&srv.client, &admin, fake);
    (admin, account)
}

fn wait_for(what: &str, limit: Duration, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn posts_of(c: &Client, t: &str, content: &str) -> Vec<Value> {
    c.get(
        &format!("/api/v1/publishing/scheduled?content_id={content}"),
        Some(t),
    )
    .json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_scheduled_post_across_kill_9_goes_out_once_and_on_time() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake_linkedin::start();
    let srv = spawn(dir.path());
    let (admin, account) = setup(&srv, &fake);
    let early = content_with(&srv.client, &admin, "linkedin", "Before the crash");
    let late = content_with(&srv.client, &admin, "linkedin", "After the restart");
    let soon = chrono::Utc::now() + chrono::Duration::milliseconds(1500);
    let after = chrono::Utc::now() + chrono::Duration::milliseconds(2500);
    for (id, at) in [(&early, soon), (&late, after)] {
        let r = srv.client.post(
            "/api/v1/publishing/scheduled",
            Some(&admin),
            &json!({ "content_id": id, "account_id": account, "scheduled_at": at.to_rfc3339() }),
        );
        assert_eq!(r.status, 201, "{}", r.text);
    }
    // The first goes out on time, within a second.
    wait_for("the first post", Duration::from_secs(10), || {
        !fake.posts().is_empty()
    });
    let arrived = chrono::Utc::now();
    assert!(
        (arrived - soon).num_milliseconds() < 1000,
        "late by {} ms",
        (arrived - soon).num_milliseconds()
    );
    srv.kill9();
    // Down while the second is due; back within the grace period.
    std::thread::sleep(Duration::from_millis(1500));
    let srv = spawn(dir.path());
    wait_for("the second post", Duration::from_secs(15), || {
        fake.posts().len() >= 2
    });
    std::thread::sleep(Duration::from_millis(500));
    let texts: Vec<String> = fake
        .posts()
        .iter()
        .map(|(_, b)| b["commentary"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        texts,
        ["Before the crash", "After the restart"],
        "each exactly once"
    );
    for id in [&early, &late] {
        let p = posts_of(&srv.client, &admin, id);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0]["status"], "published", "{}", p[0]);
    }
}

#[test]
fn a_post_accepted_just_before_kill_9_is_found_not_posted_again() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fake_linkedin::start();
    let srv = spawn(dir.path());
    let (admin, account) = setup(&srv, &fake);
    let id = content_with(&srv.client, &admin, "linkedin", "Exactly once");
    // The fake accepts the post but never answers; the server dies waiting.
    fake.script(&[0]);
    let c = srv.client.clone();
    let (t, cid, acc) = (admin.clone(), id.clone(), account.clone());
    std::thread::spawn(move || {
        c.post(
            "/api/v1/publishing/linkedin/publish",
            Some(&t),
            &json!({ "content_id": cid, "account_id": acc }),
        )
    });
    wait_for("the fake to accept", Duration::from_secs(10), || {
        !fake.posts().is_empty()
    });
    srv.kill9();
    let srv = spawn(dir.path());
    wait_for("the post to be resolved", Duration::from_secs(15), || {
        posts_of(&srv.client, &admin, &id)
            .first()
            .is_some_and(|p| p["status"] == "published")
    });
    let p = &posts_of(&srv.client, &admin, &id)[0];
    assert_eq!(p["external_id"], fake.posts()[0].0);
    let history = srv
        .client
        .get(
            &format!("/api/v1/publishing/scheduled/{}", p["id"].as_str().unwrap()),
            Some(&admin),
        )
        .json();
    assert_eq!(
        history["history"].as_array().unwrap().last().unwrap()["outcome"],
        "found"
    );
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(fake.posts().len(), 1, "never posted twice");
    // And the content cannot be sent to that account again.
    let r = srv.client.post(
        "/api/v1/publishing/linkedin/publish",
        Some(&admin),
        &json!({ "content_id": id, "account_id": account }),
    );
    assert_eq!(r.status, 409);
}
