//! Approval links: the token is shown once and only its SHA-256 is stored; the public page as
//! JSON and as server-rendered HTML (escaped), one decision per link (409 after), expiry (410),
//! revocation and unknown tokens (404), the content's status, feedback, the owner's
//! notification, events, and a schedule held until approval.
use crate::fake_linkedin;
use crate::helpers::*;
use crate::publishing::{connect_linkedin, content_with};
use serde_json::{Value, json};

fn link(s: &TestServer, t: &str, content: &str, body: Value) -> Value {
    let r = s.post(
        &format!("/api/v1/approvals/content/{content}"),
        Some(t),
        &body,
    );
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()
}

fn public_path(token: &str) -> String {
    format!("/api/v1/approvals/public/{token}")
}

#[test]
fn an_approval_link_stores_only_the_hash_and_takes_one_decision() {
    let s = TestServer::start();
    let (member_id, member) = s.member("owner@example.com");
    let id = content_with(&s, &member, "linkedin", "Our <new> roast & more");
    let a = link(
        &s,
        &member,
        &id,
        json!({ "reviewer_name": "Client Co", "reviewer_email": "c@example.com", "message": "Please check" }),
    );
    let token = a["token"].as_str().unwrap();
    assert!(token.len() >= 43, "at least 256 bits: {token}");
    assert!(
        token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    );
    assert!(a["url"].as_str().unwrap().ends_with(&public_path(token)));
    // The database never holds the token, only its SHA-256.
    let c = s.state.db.conn().unwrap();
    let stored: String = c
        .query_row("SELECT token_hash FROM approvals", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, neuromancer::crypto::sha256_hex(token.as_bytes()));
    let dump: String = c
        .query_row(
            "SELECT group_concat(coalesce(id,'') || token_hash || coalesce(message,''), '|') FROM approvals",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!dump.contains(token));
    assert_eq!(
        s.get(&format!("/api/v1/content/{id}"), Some(&member))
            .json()["status"],
        "in_review"
    );
    // The listing never shows the token again.
    let list = s.get(&format!("/api/v1/approvals/content/{id}"), Some(&member));
    assert!(!list.text.contains(token));
    assert_eq!(list.json()["items"][0]["status"], "pending");
    // Public JSON view.
    let v = s.get(&public_path(token), None);
    assert_eq!(v.status, 200, "{}", v.text);
    assert_eq!(
        v.json()["content"]["draft_content"],
        "Our <new> roast & more"
    );
    assert_eq!(v.json()["status"], "pending");
    assert_eq!(v.json()["message"], "Please check");
    // Public HTML view: escaped, a form that needs no script.
    let h = {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent();
        let mut resp = agent
            .get(format!("{}{}", s.base, public_path(token)))
            .header("Accept", "text/html")
            .call()
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert!(
            resp.headers()
                .get("content-type")
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert_eq!(
            resp.headers().get("referrer-policy").unwrap(),
            "no-referrer"
        );
        resp.body_mut().read_to_string().unwrap()
    };
    assert!(h.contains("Our &lt;new&gt; roast &amp; more"), "{h}");
    assert!(h.contains("Launch &lt;b&gt;day&lt;&#x2f;b&gt;"), "{h}");
    assert!(!h.contains("<script"));
    assert!(h.contains("name=\"decision\" value=\"approve\""));
    // Approve through the form, as a browser without JavaScript does.
    let r = s.client.raw(
        "POST",
        &public_path(token),
        None,
        Some("application/x-www-form-urlencoded"),
        b"decision=approve&comment=Looks+great+%3Cb%3E&name=Jo".to_vec(),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.contains("you approved this post"));
    assert!(r.text.contains("Looks great &lt;b&gt;"));
    // A second decision is refused.
    let again = s.post(&public_path(token), None, &json!({ "decision": "reject" }));
    assert_eq!(again.status, 409, "{}", again.text);
    let x = s
        .get(&format!("/api/v1/content/{id}"), Some(&member))
        .json();
    assert_eq!(x["status"], "approved");
    assert!(
        x["feedback"][0]["summary"]
            .as_str()
            .unwrap()
            .contains("Looks great")
    );
    let list = s
        .get(&format!("/api/v1/approvals/content/{id}"), Some(&member))
        .json();
    let a0 = &list["items"][0];
    assert_eq!(a0["status"], "approved");
    assert_eq!(a0["decision"], "approve");
    assert_eq!(a0["decided_name"], "Jo");
    s.drain_jobs();
    assert_eq!(crate::content::events(&s, "approval.approved").len(), 1);
    let n = s.get("/api/v1/notifications", Some(&member)).json();
    let titles: Vec<String> = n["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_string())
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t == "Jo approved “Launch <b>day</b>”"),
        "{titles:?} for {member_id}"
    );
}

#[test]
fn rejected_expired_revoked_and_unknown_links() {
    let s = TestServer::start();
    let admin = s.admin_token();
    let id = content_with(&s, &admin, "linkedin", "Draft");
    let a = link(&s, &admin, &id, json!({}));
    let token = a["token"].as_str().unwrap();
    let r = s.post(
        &public_path(token),
        None,
        &json!({ "decision": "reject", "comment": "Shorter, please" }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["status"], "rejected");
    let x = s.get(&format!("/api/v1/content/{id}"), Some(&admin)).json();
    assert_eq!(x["status"], "draft");
    assert!(
        x["feedback"][0]["summary"]
            .as_str()
            .unwrap()
            .contains("Shorter, please")
    );
    // Bad decision.
    let b = link(&s, &admin, &id, json!({ "expires_in_hours": 1 }));
    let bt = b["token"].as_str().unwrap();
    assert_eq!(
        s.post(&public_path(bt), None, &json!({ "decision": "maybe" }))
            .status,
        422
    );
    // Expired → 410.
    s.state
        .db
        .write_blocking(|tx| {
            tx.execute(
                "UPDATE approvals SET expires_at = '2000-01-01T00:00:00.000Z' WHERE id = ?1",
                [b["id"].as_str().unwrap()],
            )
        })
        .unwrap();
    assert_eq!(s.get(&public_path(bt), None).status, 410);
    assert_eq!(
        s.post(&public_path(bt), None, &json!({ "decision": "approve" }))
            .status,
        410
    );
    // Revoked → 404.
    let c = link(&s, &admin, &id, json!({}));
    let ct = c["token"].as_str().unwrap();
    let r = s.send(
        "DELETE",
        &format!("/api/v1/approvals/{}", c["id"].as_str().unwrap()),
        Some(&admin),
        &json!({}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["status"], "revoked");
    assert_eq!(s.get(&public_path(ct), None).status, 404);
    assert_eq!(
        s.post(&public_path(ct), None, &json!({ "decision": "approve" }))
            .status,
        404
    );
    // Unknown.
    assert_eq!(s.get(&public_path("nope"), None).status, 404);
    assert_eq!(s.get(&public_path(&"x".repeat(500)), None).status, 404);
    // Validation.
    let r = s.post(
        &format!("/api/v1/approvals/content/{id}"),
        Some(&admin),
        &json!({ "expires_in_hours": 0 }),
    );
    assert_eq!(r.status, 422);
    let (_, member) = s.member("other@example.com");
    let r = s.post(
        &format!("/api/v1/approvals/content/{id}"),
        Some(&member),
        &json!({}),
    );
    assert_eq!(r.status, 404);
    assert_eq!(r.detail(), "content not found");
}

#[test]
fn approving_releases_a_schedule_held_for_approval() {
    let s = TestServer::start();
    let admin = s.admin_token();
    let fake = fake_linkedin::start();
    fake_linkedin::configure(&s, &admin, &fake);
    let account = connect_linkedin(&s, &admin, &fake);
    let id = content_with(&s, &admin, "linkedin", "Held post");
    let at = (chrono::Utc::now() + chrono::Duration::milliseconds(200)).to_rfc3339();
    let r = s.post(
        "/api/v1/publishing/scheduled",
        Some(&admin),
        &json!({ "content_id": id, "account_id": account, "scheduled_at": at, "requires_approval": true }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["status"], "awaiting_approval");
    let pid = r.json()["id"].as_str().unwrap().to_string();
    std::thread::sleep(std::time::Duration::from_millis(400));
    s.drain_jobs();
    assert!(fake.posts().is_empty(), "held until approved");
    let a = link(&s, &admin, &id, json!({}));
    let r = s.post(
        &public_path(a["token"].as_str().unwrap()),
        None,
        &json!({ "decision": "approve" }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    // Released now: the dispatcher's wake-up is the next 200 ms step.
    std::thread::sleep(std::time::Duration::from_millis(300));
    s.drain_jobs();
    assert_eq!(fake.posts().len(), 1);
    let p = s
        .get(&format!("/api/v1/publishing/scheduled/{pid}"), Some(&admin))
        .json();
    assert_eq!(p["status"], "published", "{p}");
}
