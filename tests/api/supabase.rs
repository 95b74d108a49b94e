//! Supabase exchange against a loopback fake of the project's JWKS endpoint.
use crate::helpers::*;
use actix_web::{HttpResponse, web};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

const JWT_SECRET: &str = "super-secret-jwt-token-with-at-least-32-characters-long";
const ES256_PEM: &str = include_str!("fixtures/supabase-es256.pem");
const JWKS: &str = include_str!("fixtures/supabase-jwks.json");

/// The claims of a token issued by the project at `base` (the exchange checks `iss`).
pub fn with_iss(mut c: Value, base: &str) -> Value {
    c["iss"] = json!(format!("{base}/auth/v1"));
    c
}

pub fn claims(exp_offset: i64, aud: Value, role: &str, email: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({ "iss": "https://proj.supabase.co/auth/v1", "sub": "5f6c1a1e-0000-4000-8000-000000000001", "aud": aud,
            "exp": now + exp_offset, "iat": now, "role": role, "email": email, "aal": "aal1",
            "user_metadata": { "full_name": "Supa User" } })
}

pub fn hs(c: &Value) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        c,
        &EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .unwrap()
}

fn es(c: &Value, kid: &str) -> String {
    let mut h = Header::new(Algorithm::ES256);
    h.kid = Some(kid.into());
    jsonwebtoken::encode(
        &h,
        c,
        &EncodingKey::from_ec_pem(ES256_PEM.as_bytes()).unwrap(),
    )
    .unwrap()
}

fn fake_supabase() -> FakeService {
    FakeService::start(|cfg| {
        cfg.route(
            "/auth/v1/.well-known/jwks.json",
            web::get().to(|| async {
                HttpResponse::Ok()
                    .content_type("application/json")
                    .body(JWKS)
            }),
        );
    })
}

pub fn configure(s: &TestServer, url: &str) {
    let admin = s.admin_token();
    let r = s.put("/api/v1/settings/", Some(&admin), &json!({ "supabase_url": url, "supabase_anon_key": "anon-public-key", "supabase_jwt_secret": JWT_SECRET }));
    assert_eq!(r.status, 200, "{}", r.text);
}

pub fn exchange(s: &TestServer, token: &str) -> Resp {
    s.post(
        "/api/v1/auth/supabase-exchange",
        None,
        &json!({ "access_token": token }),
    )
}

#[test]
fn public_config_is_null_until_set_then_shows_url_and_anon_key_only() {
    let s = TestServer::start();
    let r = s.get("/api/v1/auth/supabase-config", None);
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({ "url": null, "anon_key": null }));
    assert_eq!(exchange(&s, "x.y.z").status, 409, "not configured");
    configure(&s, "https://proj.supabase.co");
    let r = s.get("/api/v1/auth/supabase-config", None).json();
    assert_eq!(
        r,
        json!({ "url": "https://proj.supabase.co", "anon_key": "anon-public-key" })
    );
    assert!(!r.to_string().contains(JWT_SECRET));
}

#[test]
fn hs256_token_creates_a_member_and_signs_them_in() {
    let s = TestServer::start_with(|c| c.login_per_minute = 100);
    configure(&s, "https://proj.supabase.co");
    let r = exchange(
        &s,
        &hs(&claims(
            600,
            json!("authenticated"),
            "authenticated",
            "Supa@Example.com",
        )),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let body = r.json();
    assert_eq!(body["user"]["email"], "supa@example.com");
    assert_eq!(body["user"]["role"], "member");
    assert_eq!(body["user"]["name"], "Supa User");
    let me = s.get("/api/v1/auth/me", body["access_token"].as_str());
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["email"], "supa@example.com");
    // Same person again: same user, not a duplicate.
    let again = exchange(
        &s,
        &hs(&claims(
            600,
            json!(["authenticated"]),
            "authenticated",
            "supa@example.com",
        )),
    )
    .json();
    assert_eq!(again["user"]["id"], body["user"]["id"]);
}

#[test]
fn es256_token_is_verified_with_the_projects_jwks() {
    let fake = fake_supabase();
    let s = TestServer::start_with(|c| c.login_per_minute = 100);
    configure(&s, &fake.base);
    let r = exchange(
        &s,
        &es(
            &with_iss(
                claims(
                    600,
                    json!("authenticated"),
                    "authenticated",
                    "es@example.com",
                ),
                &fake.base,
            ),
            "test-key-1",
        ),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["user"]["email"], "es@example.com");
    let unknown_kid = exchange(
        &s,
        &es(
            &with_iss(
                claims(
                    600,
                    json!("authenticated"),
                    "authenticated",
                    "es@example.com",
                ),
                &fake.base,
            ),
            "rotated-away",
        ),
    );
    assert_eq!(unknown_kid.status, 401);
}

#[test]
fn bad_expired_wrong_audience_and_anon_key_tokens_are_refused() {
    let fake = fake_supabase();
    let s = TestServer::start_with(|c| c.login_per_minute = 100);
    configure(&s, &fake.base);
    let forged = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims(
            600,
            json!("authenticated"),
            "authenticated",
            "x@example.com",
        ),
        &EncodingKey::from_secret(b"not-the-project-secret-not-the-project-secret"),
    )
    .unwrap();
    let expired = hs(&claims(
        -3600,
        json!("authenticated"),
        "authenticated",
        "x@example.com",
    ));
    let wrong_aud = hs(&claims(
        600,
        json!("anon"),
        "authenticated",
        "x@example.com",
    ));
    let wrong_role = hs(&claims(
        600,
        json!("authenticated"),
        "service_role",
        "x@example.com",
    ));
    let now = chrono::Utc::now().timestamp();
    let anon_key = hs(
        &json!({ "iss": "supabase", "ref": "proj", "role": "anon", "iat": now, "exp": now + 600 }),
    );
    let hs512 = jsonwebtoken::encode(
        &Header::new(Algorithm::HS512),
        &claims(
            600,
            json!("authenticated"),
            "authenticated",
            "x@example.com",
        ),
        &EncodingKey::from_secret(JWT_SECRET.as_bytes()),
    )
    .unwrap();
    for (name, token) in [
        ("forged", forged),
        ("expired", expired),
        ("wrong aud", wrong_aud),
        ("wrong role", wrong_role),
        ("anon key", anon_key),
        ("HS512", hs512),
        ("garbage", "garbage".into()),
    ] {
        let r = exchange(&s, &token);
        assert_eq!(r.status, 401, "{name}: {}", r.text);
    }
    let conn = s.state.db.conn().unwrap();
    let n: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM users WHERE email = 'x@example.com'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 0, "no user is created from a refused token");
}
