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
        assert_eq!(r.status, 422, "{url}: {}", r.text);
        assert!(r.detail().contains("private"), "{url}: {}", r.detail());
    }
}
