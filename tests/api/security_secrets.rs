//! Security review, integration tokens: members do not borrow the admin's tokens (6), and a token
//! given for an import is not kept in plain text in the job queue (8).
use crate::helpers::*;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;
use std::sync::{Arc, Mutex};

/// A fake Notion API that records the Authorization header of each request.
fn fake_notion(seen: Arc<Mutex<Vec<String>>>) -> FakeService {
    FakeService::start(move |cfg| {
        let seen = seen.clone();
        cfg.route(
            "/v1/search",
            web::post().to(move |req: HttpRequest| {
                let seen = seen.clone();
                async move {
                    let auth = req
                        .headers()
                        .get("Authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string();
                    seen.lock().unwrap().push(auth);
                    HttpResponse::Ok().json(json!({ "results": [], "has_more": false }))
                }
            }),
        );
    })
}

fn job_payloads(s: &TestServer) -> String {
    let conn = s.state.db.conn().unwrap();
    let mut st = conn.prepare("SELECT payload FROM jobs").unwrap();
    st.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_members_import_without_a_token_does_not_use_the_admins() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let fake = fake_notion(seen.clone());
    let s = TestServer::start();
    let admin = s.admin_token();
    let (_, member) = s.member("mo@example.com");
    let r = s.put(
        "/api/v1/settings/",
        Some(&admin),
        &json!({ "notion_api_url": fake.base, "notion_token": "secret_admin_token" }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let r = s.post("/api/v1/platforms/notion/import", Some(&member), &json!({}));
    assert_eq!(r.status, 202, "{}", r.text);
    s.drain_jobs();
    assert!(
        !seen
            .lock()
            .unwrap()
            .iter()
            .any(|a| a.contains("secret_admin_token")),
        "the member's import used the admin's token"
    );

    let r = s.put(
        "/api/v1/settings/",
        Some(&admin),
        &json!({ "share_integration_tokens": true }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let r = s.post("/api/v1/platforms/notion/import", Some(&member), &json!({}));
    assert_eq!(r.status, 202, "{}", r.text);
    s.drain_jobs();
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .any(|a| a.contains("secret_admin_token")),
        "shared on purpose by the admin"
    );
}

#[test]
fn an_import_token_is_sealed_in_the_queue_and_gone_once_the_job_ends() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let fake = fake_notion(seen.clone());
    let s = TestServer::start();
    let admin = s.admin_token();
    let (_, member) = s.member("mo@example.com");
    let r = s.put(
        "/api/v1/settings/",
        Some(&admin),
        &json!({ "notion_api_url": fake.base }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let r = s.post(
        "/api/v1/platforms/notion/import",
        Some(&member),
        &json!({ "token": "secret_member_token" }),
    );
    assert_eq!(r.status, 202, "{}", r.text);
    assert!(!job_payloads(&s).contains("secret_member_token"));
    s.drain_jobs();
    assert!(
        seen.lock()
            .unwrap()
            .iter()
            .any(|a| a.contains("secret_member_token")),
        "the import still uses the token"
    );
    let payloads = job_payloads(&s);
    assert!(!payloads.contains("secret_member_token"), "{payloads}");
    assert!(!payloads.contains("\"sealed\""), "{payloads}");
}
