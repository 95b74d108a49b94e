use crate::helpers::*;
use base64::Engine;
use serde_json::json;

fn forge(secret: &[u8], alg: jsonwebtoken::Algorithm, claims: serde_json::Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(alg),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret),
    )
    .unwrap()
}

fn server_secret(s: &TestServer) -> Vec<u8> {
    let text = std::fs::read_to_string(s.dir.path().join("jwt.secret")).unwrap();
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .unwrap()
}

#[test]
fn login_returns_a_bearer_token_and_me_returns_the_user() {
    let s = TestServer::start();
    let r = s.post(
        "/api/v1/auth/login",
        None,
        &json!({ "email": "Admin@Example.com", "password": ADMIN_PASSWORD }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let body = r.json();
    assert_eq!(body["token_type"], "bearer");
    assert!(body["expires_in"].as_i64().unwrap() > 0);
    assert_eq!(body["user"]["email"], ADMIN_EMAIL);
    assert_eq!(body["user"]["role"], "admin");
    let token = body["access_token"].as_str().unwrap();
    let me = s.get("/api/v1/auth/me", Some(token));
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["email"], ADMIN_EMAIL);
    assert_eq!(me.json()["mfa_enabled"], false);
    assert!(
        me.header("x-request-id").is_some(),
        "every response carries a request id"
    );
}

#[test]
fn bad_credentials_answer_401_without_saying_which_part_was_wrong() {
    let s = TestServer::start();
    let wrong_pw = s.post(
        "/api/v1/auth/login",
        None,
        &json!({ "email": ADMIN_EMAIL, "password": "nope-nope-nope" }),
    );
    let no_user = s.post(
        "/api/v1/auth/login",
        None,
        &json!({ "email": "ghost@example.com", "password": "nope-nope-nope" }),
    );
    assert_eq!(wrong_pw.status, 401);
    assert_eq!(no_user.status, 401);
    assert_eq!(wrong_pw.detail(), no_user.detail());
}

#[test]
fn forged_expired_and_garbage_tokens_are_refused() {
    let s = TestServer::start();
    let good = s.admin_token();
    let me = s.get("/api/v1/auth/me", Some(&good)).json();
    let id = me["id"].as_str().unwrap();
    let now = chrono::Utc::now().timestamp();
    let secret = server_secret(&s);
    let claims = |exp: i64| json!({ "sub": id, "tv": 1, "iat": now, "exp": exp, "iss": "neuromancer", "jti": "x" });

    let wrong_key = forge(
        b"another-secret-entirely-32-bytes!!",
        jsonwebtoken::Algorithm::HS256,
        claims(now + 600),
    );
    let expired = forge(&secret, jsonwebtoken::Algorithm::HS256, claims(now - 3600));
    let other_alg = forge(&secret, jsonwebtoken::Algorithm::HS512, claims(now + 600));
    let b64 = |v: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let alg_none = format!(
        "{}.{}.",
        b64(json!({ "alg": "none", "typ": "JWT" })),
        b64(claims(now + 600))
    );
    let valid_but_old_version = forge(
        &secret,
        jsonwebtoken::Algorithm::HS256,
        json!({ "sub": id, "tv": 0, "iat": now, "exp": now + 600, "iss": "neuromancer", "jti": "y" }),
    );

    for (name, token) in [
        ("wrong key", wrong_key),
        ("expired", expired),
        ("HS512", other_alg),
        ("alg none", alg_none),
        ("garbage", "not.a.token".to_string()),
        ("old token version", valid_but_old_version),
    ] {
        let r = s.get("/api/v1/auth/me", Some(&token));
        assert_eq!(r.status, 401, "{name} must be refused: {}", r.text);
        assert!(!r.detail().is_empty());
    }
    let correct = forge(&secret, jsonwebtoken::Algorithm::HS256, claims(now + 600));
    assert_eq!(
        s.get("/api/v1/auth/me", Some(&correct)).status,
        200,
        "control: a correctly signed token works"
    );
}

#[test]
fn sixth_login_attempt_in_a_minute_is_429_with_retry_after() {
    let s = TestServer::start();
    for i in 0..5 {
        let r = s.post("/api/v1/auth/login", None, &json!({ "email": ADMIN_EMAIL, "password": if i == 4 { ADMIN_PASSWORD } else { "wrong-wrong-1" } }));
        assert_ne!(r.status, 429, "attempt {} was limited", i + 1);
    }
    let r = s.post(
        "/api/v1/auth/login",
        None,
        &json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }),
    );
    assert_eq!(r.status, 429, "{}", r.text);
    let retry: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "retry-after {retry}");
    assert!(r.detail().contains("too many"));
}

#[test]
fn an_account_is_slowed_down_after_ten_consecutive_failures() {
    let s = TestServer::start_with(|c| c.login_per_minute = 1000);
    for _ in 0..10 {
        assert_eq!(
            s.post(
                "/api/v1/auth/login",
                None,
                &json!({ "email": ADMIN_EMAIL, "password": "wrong-wrong-1" })
            )
            .status,
            401
        );
    }
    // Even the right password waits now: a distributed attack on one account is throttled.
    let r = s.post(
        "/api/v1/auth/login",
        None,
        &json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }),
    );
    assert_eq!(r.status, 429, "{}", r.text);
    assert!(r.header("retry-after").is_some());
}

#[test]
fn changing_the_password_ends_earlier_sessions_and_returns_a_fresh_token() {
    let s = TestServer::start_with(|c| c.login_per_minute = 100);
    let old = s.admin_token();
    let other_session = s.admin_token();

    let wrong = s.put(
        "/api/v1/auth/change-password",
        Some(&old),
        &json!({ "current_password": "not-it-at-all", "new_password": "violet-harbor-77" }),
    );
    assert_eq!(wrong.status, 400, "{}", wrong.text);
    let weak = s.put(
        "/api/v1/auth/change-password",
        Some(&old),
        &json!({ "current_password": ADMIN_PASSWORD, "new_password": "password123" }),
    );
    assert_eq!(weak.status, 422, "{}", weak.text);
    let short = s.put(
        "/api/v1/auth/change-password",
        Some(&old),
        &json!({ "current_password": ADMIN_PASSWORD, "new_password": "short" }),
    );
    assert_eq!(short.status, 422);

    let r = s.put(
        "/api/v1/auth/change-password",
        Some(&old),
        &json!({ "current_password": ADMIN_PASSWORD, "new_password": "violet-harbor-77" }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let fresh = r.json()["access_token"].as_str().unwrap().to_string();

    assert_eq!(
        s.get("/api/v1/auth/me", Some(&old)).status,
        401,
        "the token used for the change stops working"
    );
    assert_eq!(
        s.get("/api/v1/auth/me", Some(&other_session)).status,
        401,
        "other sessions stop working"
    );
    assert_eq!(s.get("/api/v1/auth/me", Some(&fresh)).status, 200);
    assert_eq!(
        s.post(
            "/api/v1/auth/login",
            None,
            &json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD })
        )
        .status,
        401
    );
    s.login(ADMIN_EMAIL, "violet-harbor-77");
}

#[test]
fn every_api_path_outside_the_allow_list_needs_a_token_before_routing() {
    let s = TestServer::start();
    for path in [
        "/api/v1/auth/me",
        "/api/v1/no-such-route",
        "/api/v1/settings/",
        "/api/v1/mfa/status",
    ] {
        let r = s.get(path, None);
        assert_eq!(r.status, 401, "{path}");
        assert!(!r.detail().is_empty());
    }
    let token = s.admin_token();
    assert_eq!(s.get("/api/v1/no-such-route", Some(&token)).status, 404);
    // Public routes stay public.
    assert_eq!(s.get("/api/v1/health", None).status, 200);
    let st = s.get("/api/v1/auth/status", None);
    assert_eq!(st.status, 200);
    assert_eq!(st.json()["auth_enabled"], true);
}

#[test]
fn first_start_without_a_configured_password_generates_one_for_the_admin() {
    let s = TestServer::start_with(|c| {
        c.admin_email = None;
        c.admin_password = None;
    });
    let conn = s.state.db.conn().unwrap();
    let (email, role, hash): (String, String, String) = conn
        .query_row("SELECT email, role, password_hash FROM users", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(email, "admin@localhost");
    assert_eq!(role, "admin");
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
}
