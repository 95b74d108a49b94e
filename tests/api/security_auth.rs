//! Security review, sign-in findings: Supabase account takeover (1), TOTP guessing and the
//! lockout (4), lockout that told who exists and locked owners out (11).
use crate::helpers::*;
use crate::supabase::{claims, configure, exchange, hs};
use serde_json::json;
use totp_rs::{Builder, Secret};

const PROJECT: &str = "https://proj.supabase.co";

fn supa_token(sub: &str, email: &str) -> String {
    let mut c = claims(600, json!("authenticated"), "authenticated", email);
    c["sub"] = json!(sub);
    hs(&c)
}

fn exchange_with_code(s: &TestServer, token: &str, code: &str) -> Resp {
    s.post(
        "/api/v1/auth/supabase-exchange",
        None,
        &json!({ "access_token": token, "totp_code": code }),
    )
}

fn now() -> u64 {
    chrono::Utc::now().timestamp() as u64
}

fn code_for(secret_b32: &str, unix: u64) -> String {
    Builder::new()
        .with_secret(Secret::try_from_base32(secret_b32).unwrap())
        .build()
        .unwrap()
        .generate(unix)
        .to_string()
}

/// Turn MFA on for the token's user; its backup codes.
fn enable_mfa(s: &TestServer, token: &str) -> Vec<String> {
    let e = s.post("/api/v1/mfa/enroll", Some(token), &json!({})).json();
    let code = code_for(e["secret"].as_str().unwrap(), now());
    let r = s.post(
        "/api/v1/mfa/verify-enrollment",
        Some(token),
        &json!({ "code": code }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    e["backup_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

/// A sign-in from a given client address (the server trusts one proxy hop: the test client).
fn login_from(s: &TestServer, ip: &str, email: &str, password: &str, code: Option<&str>) -> Resp {
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let mut body = json!({ "email": email, "password": password });
    if let Some(c) = code {
        body["totp_code"] = json!(c);
    }
    let mut r = agent
        .post(&format!("{}/api/v1/auth/login", s.base))
        .header("X-Forwarded-For", ip)
        .send_json(&body)
        .unwrap();
    Resp {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        text: r.body_mut().read_to_string().unwrap_or_default(),
    }
}

#[test]
fn supabase_exchange_with_an_existing_accounts_email_is_409_not_that_account() {
    let s = TestServer::start_with(|c| c.login_per_minute = 100);
    configure(&s, PROJECT);
    let r = exchange(&s, &supa_token("attacker-sub", ADMIN_EMAIL));
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(r.detail().contains("link Supabase"), "{}", r.detail());
    assert!(r.json().get("access_token").is_none());
}

#[test]
fn a_linked_supabase_identity_signs_in_and_still_needs_the_second_factor() {
    let s = TestServer::start_with(|c| c.login_per_minute = 100);
    configure(&s, PROJECT);
    let admin = s.admin_token();
    let token = supa_token("owner-sub", "someone-else@example.com");
    let linked = s.post(
        "/api/v1/auth/supabase-link",
        Some(&admin),
        &json!({ "access_token": token }),
    );
    assert_eq!(linked.status, 200, "{}", linked.text);
    assert_eq!(linked.json()["linked"], true);
    let r = exchange(&s, &token);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["user"]["email"], ADMIN_EMAIL);
    // The identity cannot be linked to a second account.
    let (_, member) = s.member("m@example.com");
    let again = s.post(
        "/api/v1/auth/supabase-link",
        Some(&member),
        &json!({ "access_token": token }),
    );
    assert_eq!(again.status, 409, "{}", again.text);

    let admin = r.json()["access_token"].as_str().unwrap().to_string();
    let backups = enable_mfa(&s, &admin);
    let r = exchange(&s, &token);
    assert_eq!(r.status, 401, "{}", r.text);
    assert_eq!(r.detail(), "mfa_required");
    assert_eq!(exchange_with_code(&s, &token, "000000").status, 401);
    let r = exchange_with_code(&s, &token, &backups[0]);
    assert_eq!(r.status, 200, "{}", r.text);
}

#[test]
fn supabase_tokens_of_another_issuer_disabled_accounts_and_closed_signup_are_refused() {
    let s = TestServer::start_with(|c| c.login_per_minute = 100);
    configure(&s, PROJECT);
    let mut foreign = claims(
        600,
        json!("authenticated"),
        "authenticated",
        "f@example.com",
    );
    foreign["iss"] = json!("https://other.supabase.co/auth/v1");
    assert_eq!(exchange(&s, &hs(&foreign)).status, 401);

    let r = exchange(&s, &supa_token("new-sub", "new@example.com"));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["user"]["role"], "member");
    s.state
        .db
        .write_blocking(|tx| {
            tx.execute(
                "UPDATE users SET active = 0 WHERE email = 'new@example.com'",
                [],
            )
        })
        .unwrap();
    let r = exchange(&s, &supa_token("new-sub", "new@example.com"));
    assert_eq!(r.status, 401, "{}", r.text);

    let admin = s.admin_token();
    let put = s.put(
        "/api/v1/settings/",
        Some(&admin),
        &json!({ "supabase_auto_register": false }),
    );
    assert_eq!(put.status, 200, "{}", put.text);
    let r = exchange(&s, &supa_token("stranger-sub", "stranger@example.com"));
    assert_eq!(r.status, 403, "{}", r.text);
    let n: i64 = s
        .state
        .db
        .conn()
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM users WHERE email = 'stranger@example.com'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 0);
}

#[test]
fn a_password_without_a_code_does_not_clear_failed_codes() {
    let s = TestServer::start_with(|c| c.login_per_minute = 1000);
    let admin = s.admin_token();
    enable_mfa(&s, &admin);
    let attempt = |code: Option<&str>| {
        let mut body = json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD });
        if let Some(c) = code {
            body["totp_code"] = json!(c);
        }
        s.post("/api/v1/auth/login", None, &body)
    };
    for _ in 0..9 {
        assert_eq!(attempt(Some("000000")).status, 401);
    }
    let r = attempt(None);
    assert_eq!(r.detail(), "mfa_required");
    assert_eq!(attempt(Some("111111")).status, 401);
    // Ten wrong codes in a row: the account waits, whatever comes next.
    let r = attempt(Some("222222"));
    assert_eq!(r.status, 429, "{}", r.text);
    assert!(r.header("retry-after").is_some());
}

fn status_and_detail(r: &Resp) -> (u16, String) {
    (r.status, r.detail())
}

#[test]
fn unknown_emails_are_locked_exactly_like_real_accounts() {
    let s = TestServer::start_with(|c| c.login_per_minute = 1000);
    let try_as = |email: &str| {
        s.post(
            "/api/v1/auth/login",
            None,
            &json!({ "email": email, "password": "wrong-wrong-1" }),
        )
    };
    let mut seen: Vec<(u16, String)> = Vec::new();
    for email in [ADMIN_EMAIL, "nobody@example.com"] {
        for _ in 0..10 {
            assert_eq!(try_as(email).status, 401);
        }
        seen.push(status_and_detail(&try_as(email)));
    }
    assert_eq!(seen[0].0, 429);
    assert_eq!(seen[0], seen[1], "known and unknown accounts answer alike");
}

#[test]
fn the_owner_signs_in_from_elsewhere_while_an_attacker_keeps_the_account_locked() {
    let s = TestServer::start_with(|c| {
        c.login_per_minute = 1000;
        c.trust_proxy = true.into();
    });
    for _ in 0..12 {
        let r = login_from(&s, "203.0.113.9", ADMIN_EMAIL, "wrong-wrong-1", None);
        assert_ne!(r.status, 200);
    }
    let attacker = login_from(&s, "203.0.113.9", ADMIN_EMAIL, ADMIN_PASSWORD, None);
    assert_eq!(attacker.status, 429, "the attacker's address stays locked");
    // Another address that guesses wrong once waits, but never more than a minute.
    assert_eq!(
        login_from(&s, "192.0.2.44", ADMIN_EMAIL, "wrong-wrong-2", None).status,
        401
    );
    let r = login_from(&s, "192.0.2.44", ADMIN_EMAIL, "wrong-wrong-3", None);
    assert_eq!(r.status, 429, "{}", r.text);
    let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let owner = login_from(&s, "198.51.100.7", ADMIN_EMAIL, ADMIN_PASSWORD, None);
    assert_eq!(owner.status, 200, "{}", owner.text);
}

#[test]
fn a_forged_left_most_forwarded_hop_does_not_escape_the_login_limiter() {
    let s = TestServer::start_with(|c| c.trust_proxy = true.into());
    let mut statuses = Vec::new();
    for i in 0..6 {
        // The client writes any first hop; our proxy (the test client) appends what it saw.
        let forged = format!("10.9.{}.{}, 198.51.100.1", i / 250, i % 250);
        statuses.push(login_from(&s, &forged, ADMIN_EMAIL, "wrong-wrong-1", None).status);
    }
    assert_eq!(statuses[..5], [401; 5], "{statuses:?}");
    assert_eq!(statuses[5], 429, "{statuses:?}");
    // Another real client behind the same proxy is not affected.
    assert_eq!(
        login_from(
            &s,
            "6.6.6.6, 198.51.100.2",
            ADMIN_EMAIL,
            ADMIN_PASSWORD,
            None
        )
        .status,
        200
    );
}
