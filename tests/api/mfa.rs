use crate::helpers::*;
use serde_json::json;
use totp_rs::{Builder, Secret};

fn code_for(secret_b32: &str, unix: u64) -> String {
    let totp = Builder::new()
        .with_secret(Secret::try_from_base32(secret_b32).unwrap())
        .build()
        .unwrap();
    totp.generate(unix).to_string()
}

fn now() -> u64 {
    chrono::Utc::now().timestamp() as u64
}

fn login(s: &TestServer, code: Option<&str>) -> Resp {
    let mut body = json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD });
    if let Some(c) = code {
        body["totp_code"] = json!(c);
    }
    s.post("/api/v1/auth/login", None, &body)
}

#[test]
fn enroll_verify_then_login_needs_a_fresh_code_and_backup_codes_work_once() {
    let s = TestServer::start_with(|c| c.login_per_minute = 100);
    let token = s.admin_token();
    assert_eq!(
        s.get("/api/v1/mfa/status", Some(&token)).json()["enabled"],
        false
    );

    let enroll = s.post("/api/v1/mfa/enroll", Some(&token), &json!({}));
    assert_eq!(enroll.status, 200, "{}", enroll.text);
    let e = enroll.json();
    let secret = e["secret"].as_str().unwrap().to_string();
    assert!(
        e["otpauth_url"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/Neuromancer:admin%40example.com?")
    );
    assert!(
        e["otpauth_url"]
            .as_str()
            .unwrap()
            .contains(&format!("secret={secret}"))
    );
    assert!(e["qr_svg"].as_str().unwrap().contains("<svg"));
    let backups: Vec<String> = e["backup_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(backups.len(), 10);

    // Until verified, login does not ask for a code.
    assert_eq!(login(&s, None).status, 200);

    let bad = s.post(
        "/api/v1/mfa/verify-enrollment",
        Some(&token),
        &json!({ "code": "000000" }),
    );
    assert_eq!(bad.status, 403, "a wrong code");
    let t = now();
    let enroll_code = code_for(&secret, t);
    let ok = s.post(
        "/api/v1/mfa/verify-enrollment",
        Some(&token),
        &json!({ "code": enroll_code }),
    );
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.json()["enabled"], true);
    assert_eq!(ok.json()["backup_codes_remaining"], 10);

    let r = login(&s, None);
    assert_eq!(r.status, 401);
    assert_eq!(r.detail(), "mfa_required");

    // The code used for enrollment is never accepted again.
    assert_eq!(
        login(&s, Some(&enroll_code)).status,
        401,
        "replayed enrollment code"
    );
    // The next step's code (within ±1 step) works once.
    let next = code_for(&secret, t + 30);
    let r = login(&s, Some(&next));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(login(&s, Some(&next)).status, 401, "replayed login code");

    // A backup code works exactly once.
    assert_eq!(login(&s, Some(&backups[3])).status, 200);
    assert_eq!(login(&s, Some(&backups[3])).status, 401);
    assert_eq!(login(&s, Some("zzzzz-zzzzz")).status, 401);
    let fresh = s.admin_token_with(&backups[4]);
    assert_eq!(
        s.get("/api/v1/mfa/status", Some(&fresh)).json()["backup_codes_remaining"],
        8
    );

    // Secrets are not stored in clear: the seed is sealed and backup codes are hashes.
    let conn = s.state.db.conn().unwrap();
    let sealed: String = conn
        .query_row("SELECT mfa_secret FROM users", [], |r| r.get(0))
        .unwrap();
    assert!(!sealed.contains(&secret) && sealed.starts_with("v1:"));
    let hashes: Vec<String> = conn
        .prepare("SELECT code_hash FROM mfa_backup_codes")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(hashes.len(), 10);
    assert!(
        hashes
            .iter()
            .all(|h| !backups.iter().any(|b| h.contains(b.as_str())))
    );
}

#[test]
fn disabling_needs_password_and_code_and_turns_mfa_off() {
    let s = TestServer::start_with(|c| c.login_per_minute = 100);
    let token = s.admin_token();
    let secret = s
        .post("/api/v1/mfa/enroll", Some(&token), &json!({}))
        .json()["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let t = now();
    let on = s.post(
        "/api/v1/mfa/verify-enrollment",
        Some(&token),
        &json!({ "code": code_for(&secret, t - 30) }),
    );
    assert_eq!(on.status, 200);
    // Turning MFA on ended earlier sessions; the answer carries this session's new token.
    let token = on.json()["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        s.post("/api/v1/mfa/enroll", Some(&token), &json!({}))
            .status,
        409,
        "already enabled"
    );

    let wrong_pw = s.post(
        "/api/v1/mfa/disable",
        Some(&token),
        &json!({ "code": code_for(&secret, t), "password": "not-the-password" }),
    );
    assert_eq!(wrong_pw.status, 400);
    let r = s.post(
        "/api/v1/mfa/disable",
        Some(&token),
        &json!({ "code": code_for(&secret, t + 30), "password": ADMIN_PASSWORD }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["enabled"], false);
    assert_eq!(login(&s, None).status, 200);
}

#[test]
fn mfa_disable_is_rate_limited() {
    let s = TestServer::start_with(|c| c.login_per_minute = 100);
    let token = s.admin_token();
    let secret = s
        .post("/api/v1/mfa/enroll", Some(&token), &json!({}))
        .json()["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let on = s.post(
        "/api/v1/mfa/verify-enrollment",
        Some(&token),
        &json!({ "code": code_for(&secret, now()) }),
    );
    assert_eq!(on.status, 200);
    let token = on.json()["access_token"].as_str().unwrap().to_string();
    // verify-enrollment counted once; four more wrong disables, then the limiter answers.
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(
            s.post(
                "/api/v1/mfa/disable",
                Some(&token),
                &json!({ "code": "123456", "password": "wrong-password-x" }),
            )
            .status,
        );
    }
    assert_eq!(&statuses[..4], &[400, 400, 400, 400]);
    assert_eq!(&statuses[4..], &[429, 429], "{statuses:?}");
}

trait MfaLogin {
    fn admin_token_with(&self, code: &str) -> String;
}

impl MfaLogin for TestServer {
    fn admin_token_with(&self, code: &str) -> String {
        let r = login(self, Some(code));
        assert_eq!(r.status, 200, "{}", r.text);
        r.json()["access_token"].as_str().unwrap().to_string()
    }
}
