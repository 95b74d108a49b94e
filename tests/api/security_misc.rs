//! Security review, smaller findings (13): MFA changes end other sessions, the SSRF guard sees
//! IPv4 inside 6to4 and Teredo addresses.
use crate::helpers::*;
use serde_json::json;
use totp_rs::{Builder, Secret};

fn code_for(secret_b32: &str, unix: u64) -> String {
    Builder::new()
        .with_secret(Secret::try_from_base32(secret_b32).unwrap())
        .build()
        .unwrap()
        .generate(unix)
        .to_string()
}

#[test]
fn turning_mfa_on_or_off_ends_other_sessions_and_hands_this_one_a_fresh_token() {
    let s = TestServer::start_with(|c| c.login_per_minute = 100);
    let here = s.admin_token();
    let elsewhere = s.admin_token();
    let e = s.post("/api/v1/mfa/enroll", Some(&here), &json!({})).json();
    let secret = e["secret"].as_str().unwrap().to_string();
    let now = chrono::Utc::now().timestamp() as u64;
    let r = s.post(
        "/api/v1/mfa/verify-enrollment",
        Some(&here),
        &json!({ "code": code_for(&secret, now) }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        s.get("/api/v1/auth/me", Some(&elsewhere)).status,
        401,
        "the other session ended"
    );
    let here = r.json()["access_token"].as_str().unwrap().to_string();
    assert_eq!(s.get("/api/v1/auth/me", Some(&here)).status, 200);

    let backup = e["backup_codes"][0].as_str().unwrap();
    let login = s.post(
        "/api/v1/auth/login",
        None,
        &json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "totp_code": backup }),
    );
    let elsewhere = login.json()["access_token"].as_str().unwrap().to_string();
    let r = s.post(
        "/api/v1/mfa/disable",
        Some(&here),
        &json!({ "password": ADMIN_PASSWORD, "code": e["backup_codes"][1] }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(s.get("/api/v1/auth/me", Some(&elsewhere)).status, 401);
    let here = r.json()["access_token"].as_str().unwrap().to_string();
    assert_eq!(s.get("/api/v1/auth/me", Some(&here)).status, 200);
}

#[test]
fn six_to_four_and_teredo_addresses_of_private_ipv4_are_refused() {
    let s = TestServer::start();
    let t = s.admin_token();
    for url in [
        "http://[2002:7f00:1::]/",                  // 6to4 of 127.0.0.1
        "http://[2002:a9fe:a9fe::1]/",              // 6to4 of 169.254.169.254
        "http://[2001:0:a00:1::ffff:ffff]/",        // Teredo, server 10.0.0.1
        "http://[2001:0:4136:e378:0:0:3fff:fffe]/", // Teredo, client 192.0.0.1
    ] {
        let r = s.post(
            "/api/v1/webhooks/",
            Some(&t),
            &json!({ "url": url, "events": ["task.created"] }),
        );
        assert_eq!(r.status, 403, "{url}: {}", r.text);
        assert!(r.detail().contains("private"), "{url}: {}", r.detail());
    }
}

#[test]
fn folder_import_is_for_admins_and_a_missing_path_answers_like_an_outside_one() {
    let s = TestServer::start();
    let t = s.admin_token();
    let (_, member) = s.member("fox@example.com");
    let root = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let r = s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({ "import_roots": [root.path()] }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let imp = |token: &str, path: &str| {
        s.post(
            "/api/v1/sources/import/folder",
            Some(token),
            &json!({ "path": path, "recursive": false }),
        )
    };
    let there = outside.path().to_str().unwrap().to_string();
    let missing = format!("{there}/no-such-dir");
    let a = imp(&t, &there);
    let b = imp(&t, &missing);
    assert_eq!(a.status, b.status, "{} / {}", a.text, b.text);
    assert_eq!(
        a.detail().replace(&there, "P"),
        b.detail().replace(&missing, "P")
    );
    let r = imp(&member, root.path().to_str().unwrap());
    assert_eq!(r.status, 403, "{}", r.text);
}

#[test]
fn an_automation_notifies_a_specific_user_only_if_its_owner_shares_a_project_with_them() {
    let s = TestServer::start();
    let admin = s.admin_token();
    let (_, member) = s.member("ann@example.com");
    let (stranger, _) = s.member("zed@example.com");
    let body = |user: &str| {
        json!({ "name": "Ping", "trigger": "task.created", "action": "notify",
                "action_config": { "target": "user", "user_id": user, "message": "hi" } })
    };
    let r = s.post("/api/v1/automations/", Some(&member), &body(&stranger));
    assert_eq!(
        r.status, 404,
        "someone the owner shares nothing with reads as unknown: {}",
        r.text
    );
    let r = s.post("/api/v1/automations/", Some(&admin), &body(&stranger));
    assert_eq!(r.status, 201, "{}", r.text);
}
