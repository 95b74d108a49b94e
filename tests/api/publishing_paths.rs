//! Publishing paths beyond the happy one: "publish now" through the outbox (200 when it
//! settles in time, 202 with the post to poll otherwise), giving up after the maximum attempts,
//! a post whose fate is `unknown` confirmed by a person, the public approval pages' own rate
//! limit, and accounts owned by a client (its project's members publish with them; outsiders
//! never see them).
use crate::content::events;
use crate::fake_linkedin::{self, FakeLinkedIn};
use crate::helpers::*;
use crate::publishing::{connect_linkedin, content_with};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

fn linkedin_setup() -> (TestServer, String, FakeLinkedIn, String) {
    let s = TestServer::start();
    let admin = s.admin_token();
    let fake = fake_linkedin::start();
    fake_linkedin::configure(&s, &admin, &fake);
    let account = connect_linkedin(&s, &admin, &fake);
    (s, admin, fake, account)
}

fn post(s: &TestServer, t: &str, id: &str) -> Value {
    let r = s.get(&format!("/api/v1/publishing/scheduled/{id}"), Some(t));
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A retry waiting for its backoff becomes due now, and a dispatcher runs.
fn retry_now(s: &TestServer, id: &str) {
    s.state
        .db
        .write_blocking(|tx| -> rusqlite::Result<()> {
            tx.execute(
                "UPDATE publishing_posts SET next_attempt_ms = 0 WHERE id = ?1",
                [id],
            )?;
            neuromancer::jobs::enqueue(tx, "publishing.dispatch", json!({}))?;
            Ok(())
        })
        .unwrap();
    s.drain_jobs();
}

fn notification_titles(s: &TestServer, t: &str) -> Vec<String> {
    s.get("/api/v1/notifications", Some(t)).json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["title"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn publish_now_goes_through_the_outbox_and_answers_202_when_not_settled_in_time() {
    let (s, admin, fake, account) = linkedin_setup();
    let id = content_with(&s, &admin, "linkedin", "Right away");
    let r = s.post(
        "/api/v1/publishing/linkedin/publish",
        Some(&admin),
        &json!({ "content_id": id, "account_id": account, "wait_seconds": 61 }),
    );
    assert_eq!(r.status, 422, "{}", r.text);
    let r = s.post(
        "/api/v1/publishing/scheduled",
        Some(&admin),
        &json!({ "content_id": id, "account_id": account, "link": format!("https://example.com/{}", "a".repeat(2048)),
                 "scheduled_at": (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339() }),
    );
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.detail(), "link must be at most 2048 characters");
    // No wait: answered at once with the post, which goes out in the background (LinkedIn
    // takes a moment to answer, so it cannot have settled yet).
    fake.st
        .answer_delay_ms
        .store(500, std::sync::atomic::Ordering::SeqCst);
    let r = s.post(
        "/api/v1/publishing/linkedin/publish",
        Some(&admin),
        &json!({ "content_id": id, "account_id": account, "wait_seconds": 0 }),
    );
    assert_eq!(r.status, 202, "{}", r.text);
    let p = r.json();
    assert!(
        ["scheduled", "publishing"].contains(&p["status"].as_str().unwrap()),
        "{p}"
    );
    let pid = p["post"]["id"].as_str().unwrap().to_string();
    wait_for("the post to go out", || {
        post(&s, &admin, &pid)["status"] == "published"
    });
    assert_eq!(fake.posts().len(), 1);
    // The dispatcher's backup wake-up finds nothing left to send.
    std::thread::sleep(Duration::from_millis(300));
    s.state
        .db
        .write_blocking(|tx| -> rusqlite::Result<()> {
            neuromancer::jobs::enqueue(tx, "publishing.dispatch", json!({}))?;
            Ok(())
        })
        .unwrap();
    s.drain_jobs();
    assert_eq!(fake.posts().len(), 1, "never twice");
    let h = post(&s, &admin, &pid)["history"].clone();
    assert_eq!(h.as_array().unwrap().len(), 1, "{h}");
    assert_eq!(h[0]["outcome"], "published");
}

#[test]
fn a_post_throttled_every_time_is_given_up_after_the_maximum_attempts() {
    let (s, admin, fake, account) = linkedin_setup();
    let id = content_with(&s, &admin, "linkedin", "Throttled forever");
    fake.script(&[429; 6]);
    let r = s.post(
        "/api/v1/publishing/linkedin/publish",
        Some(&admin),
        &json!({ "content_id": id, "account_id": account }),
    );
    assert_eq!(r.status, 202, "{}", r.text);
    let pid = r.json()["post"]["id"].as_str().unwrap().to_string();
    assert_eq!(r.json()["status"], "scheduled", "queued again: {}", r.text);
    for n in 2..=6 {
        assert_eq!(post(&s, &admin, &pid)["status"], "scheduled");
        retry_now(&s, &pid);
        assert_eq!(post(&s, &admin, &pid)["attempts"], n);
    }
    let p = post(&s, &admin, &pid);
    assert_eq!(p["status"], "failed", "{p}");
    assert!(
        p["last_error"]
            .as_str()
            .unwrap()
            .starts_with("gave up after 6 attempts"),
        "{p}"
    );
    let outcomes: Vec<&str> = p["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        ["retry", "retry", "retry", "retry", "retry", "failed"]
    );
    assert!(fake.posts().is_empty());
    let failed = events(&s, "publishing.failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["post_id"], pid.as_str());
    assert_eq!(failed[0]["status"], "failed");
    s.drain_jobs();
    let titles = notification_titles(&s, &admin);
    assert!(
        titles
            .iter()
            .any(|t| t.contains("could not be published on Ada Lovelace")),
        "{titles:?}"
    );
    // The content is no longer waiting to go out.
    let c = s.get(&format!("/api/v1/content/{id}"), Some(&admin)).json();
    assert_ne!(c["status"], "published");
}

#[test]
fn an_unknown_post_is_confirmed_by_a_person() {
    let (s, admin, fake, account) = linkedin_setup();
    let mut pids = Vec::new();
    for text in ["Did it arrive?", "Or did it not?"] {
        let id = content_with(&s, &admin, "linkedin", text);
        // Accepted by the fake, whose answer never comes; the lookup fails too.
        fake.script(&[0]);
        let r = s.post(
            "/api/v1/publishing/linkedin/publish",
            Some(&admin),
            &json!({ "content_id": id, "account_id": account, "wait_seconds": 0 }),
        );
        assert_eq!(r.status, 202, "{}", r.text);
        let n = pids.len() + 1;
        wait_for("the fake to accept", || fake.posts().len() == n);
        pids.push((id, r.json()["post"]["id"].as_str().unwrap().to_string()));
    }
    *fake.st.lookup_fails.lock().unwrap() = true;
    // As after a restart: what was mid-send is looked up, and cannot be.
    neuromancer::domain::publishing::jobs::recover(&s.state).unwrap();
    s.drain_jobs();
    for (_, pid) in &pids {
        let p = post(&s, &admin, pid);
        assert_eq!(p["status"], "unknown", "{p}");
        assert!(p["last_error"].as_str().unwrap().contains("confirm it"));
    }
    // Not a post whose fate is known.
    let (yes_content, yes) = &pids[0];
    let (no_content, no) = &pids[1];
    let r = s.post(
        &format!("/api/v1/publishing/scheduled/{yes}/confirm"),
        Some(&admin),
        &json!({ "published": true, "url": "https://www.linkedin.com/feed/update/urn:li:share:1/" }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["status"], "published");
    assert_eq!(
        s.get(&format!("/api/v1/content/{yes_content}"), Some(&admin))
            .json()["status"],
        "published"
    );
    let again = s.post(
        &format!("/api/v1/publishing/scheduled/{yes}/confirm"),
        Some(&admin),
        &json!({ "published": false }),
    );
    assert_eq!(again.status, 409);
    let r = s.post(
        &format!("/api/v1/publishing/scheduled/{no}/confirm"),
        Some(&admin),
        &json!({ "published": false }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["status"], "failed");
    let history = post(&s, &admin, no)["history"].clone();
    assert_eq!(
        history.as_array().unwrap().last().unwrap()["detail"],
        "confirmed absent by a person"
    );
    // Absent: it may be sent again (a new attempt on the same content x account).
    *fake.st.lookup_fails.lock().unwrap() = false;
    let r = s.post(
        "/api/v1/publishing/linkedin/publish",
        Some(&admin),
        &json!({ "content_id": no_content, "account_id": account }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(fake.posts().len(), 3);
}

#[test]
fn a_lookup_that_cannot_see_back_to_the_attempt_leaves_the_post_to_a_person() {
    let (s, admin, fake, account) = linkedin_setup();
    let id = content_with(&s, &admin, "linkedin", "Buried under a flood");
    fake.script(&[0]);
    let r = s.post(
        "/api/v1/publishing/linkedin/publish",
        Some(&admin),
        &json!({ "content_id": id, "account_id": account, "wait_seconds": 0 }),
    );
    assert_eq!(r.status, 202, "{}", r.text);
    let pid = r.json()["post"]["id"].as_str().unwrap().to_string();
    wait_for("the fake to accept", || fake.posts().len() == 1);
    // More posts since the attempt than a lookup reads: "not found" would be a guess.
    fake.add_posts(2001, "Flood");
    neuromancer::domain::publishing::jobs::recover(&s.state).unwrap();
    s.drain_jobs();
    let p = post(&s, &admin, &pid);
    assert_eq!(p["status"], "unknown", "{p}");
    assert!(
        p["last_error"]
            .as_str()
            .unwrap()
            .contains("more than 2000 posts"),
        "{p}"
    );
    assert_eq!(fake.posts().len(), 2002, "not sent again");
}

#[test]
fn public_approval_pages_have_their_own_rate_limit() {
    let s = TestServer::start_with(|c| c.public_per_minute = 3);
    let admin = s.admin_token();
    let id = content_with(&s, &admin, "linkedin", "Rate limited review");
    let r = s.post(
        &format!("/api/v1/approvals/content/{id}"),
        Some(&admin),
        &json!({ "reviewer_name": "Client" }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let path = format!(
        "/api/v1/approvals/public/{}",
        r.json()["token"].as_str().unwrap()
    );
    for _ in 0..3 {
        assert_eq!(s.get(&path, None).status, 200);
    }
    let r = s.get(&path, None);
    assert_eq!(r.status, 429, "{}", r.text);
    let after: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&after), "{after}");
    // The decision form is limited too; the API is not.
    let r = s.post(&path, None, &json!({ "decision": "approve" }));
    assert_eq!(r.status, 429, "{}", r.text);
    assert_eq!(
        s.get(&format!("/api/v1/content/{id}"), Some(&admin)).status,
        200
    );
}

#[test]
fn a_client_account_is_used_by_its_project_members_and_hidden_from_others() {
    let (s, admin, fake, account) = linkedin_setup();
    let (mid, member) = s.member("mia@example.com");
    let (_, outsider) = s.member("otto@example.com");
    let client = s
        .post(
            "/api/v1/enterprise/clients",
            Some(&admin),
            &json!({ "name": "Acme" }),
        )
        .json();
    let cid = client["id"].as_str().unwrap();
    let project = s
        .post(
            &format!("/api/v1/enterprise/clients/{cid}/projects"),
            Some(&admin),
            &json!({ "name": "Launch", "member_ids": [mid] }),
        )
        .json();
    let r = s.put(
        &format!("/api/v1/publishing/accounts/{account}"),
        Some(&admin),
        &json!({ "client_id": cid, "project_id": project["id"] }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["client_id"], cid);

    let mine = content_with(&s, &member, "linkedin", "From the Acme team");
    let listed = s.get("/api/v1/publishing/accounts", Some(&member)).json();
    assert_eq!(listed["total"], 1, "{listed}");
    let r = s.post(
        "/api/v1/publishing/linkedin/publish",
        Some(&member),
        &json!({ "content_id": mine, "account_id": account }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(fake.posts().len(), 1);

    let theirs = content_with(&s, &outsider, "linkedin", "Not for Acme");
    assert_eq!(
        s.get(
            &format!("/api/v1/publishing/accounts/{account}"),
            Some(&outsider)
        )
        .status,
        404
    );
    assert_eq!(
        s.get("/api/v1/publishing/accounts", Some(&outsider)).json()["total"],
        0
    );
    let r = s.post(
        "/api/v1/publishing/linkedin/publish",
        Some(&outsider),
        &json!({ "content_id": theirs, "account_id": account }),
    );
    assert_eq!(r.status, 404, "{}", r.text);
    assert_eq!(r.detail(), "account not found");
    let r = s.post(
        "/api/v1/publishing/scheduled",
        Some(&outsider),
        &json!({ "content_id": theirs, "account_id": account, "scheduled_at": (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339() }),
    );
    assert_eq!(r.status, 404, "{}", r.text);
    assert_eq!(fake.posts().len(), 1);
}
