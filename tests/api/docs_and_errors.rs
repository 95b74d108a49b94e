use crate::helpers::*;
use serde_json::json;

#[test]
fn error_shapes_for_404_405_415_422_400_and_413_are_json_details() {
    let s = TestServer::start_with(|c| c.json_limit = 4096);
    let t = s.admin_token();

    let r = s.get("/api/v1/nothing/here", Some(&t));
    assert_eq!((r.status, r.detail().is_empty()), (404, false));

    let r = s.raw("DELETE", "/api/v1/auth/me", Some(&t), None, vec![]);
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow").as_deref(), Some("GET"));
    assert!(r.detail().contains("not allowed"));
    assert_eq!(
        s.raw("POST", "/api/v1/health", None, None, vec![]).status,
        405
    );

    let r = s.raw(
        "POST",
        "/api/v1/auth/login",
        None,
        Some("text/plain"),
        b"email=a".to_vec(),
    );
    assert_eq!(r.status, 415);
    assert!(r.detail().contains("application/json"));

    let r = s.post(
        "/api/v1/auth/login",
        None,
        &json!({ "email": 42, "password": "x" }),
    );
    assert_eq!(r.status, 422);
    assert!(r.detail().contains("invalid type"));

    let r = s.raw(
        "POST",
        "/api/v1/auth/login",
        None,
        Some("application/json"),
        b"{\"email\": ".to_vec(),
    );
    assert_eq!(r.status, 400);
    assert!(r.detail().contains("malformed JSON"));

    let big = json!({ "frontend_url": format!("https://x.example/{}", "a".repeat(8000)) });
    let r = s.put("/api/v1/settings/", Some(&t), &big);
    assert_eq!(r.status, 413, "{}", r.text);
    assert!(r.detail().contains("4096"));

    let r = s.raw("GET", "/api/v2/whatever", None, None, vec![]);
    assert_eq!(r.status, 404);
    assert!(!r.detail().is_empty());
}

#[test]
fn a_path_works_with_or_without_its_trailing_slash() {
    let s = TestServer::start();
    let t = s.admin_token();
    assert_eq!(s.get("/api/v1/settings/", Some(&t)).status, 200);
    assert_eq!(s.get("/api/v1/settings", Some(&t)).status, 200);
    assert_eq!(s.get("/api/v1/auth/me/", Some(&t)).status, 200);
}

#[test]
fn openapi_swagger_and_redoc_are_served_offline() {
    let s = TestServer::start();
    let spec = s.get("/api/v1/openapi.json", None);
    assert_eq!(spec.status, 200);
    let spec = spec.json();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    assert_eq!(
        spec["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    for path in [
        "/api/v1/auth/login",
        "/api/v1/auth/me",
        "/api/v1/mfa/enroll",
        "/api/v1/settings/",
        "/api/v1/health",
        "/api/v1/auth/supabase-exchange",
    ] {
        assert!(spec["paths"][path].is_object(), "{path} documented");
    }
    assert!(spec["components"]["schemas"]["ErrorBody"].is_object());
    assert_eq!(
        spec["paths"]["/api/v1/auth/login"]["post"]["security"],
        json!([{}]),
        "login is public in the spec"
    );

    let ui = s.get("/api/v1/docs/", None);
    assert_eq!(ui.status, 200);
    assert!(ui.text.contains("swagger-ui"));
    assert_eq!(
        s.get("/api/v1/docs/swagger-ui-bundle.js", None).status,
        200,
        "vendored assets"
    );
    assert_eq!(s.get("/api/v1/docs", None).status, 308);

    let redoc = s.get("/api/v1/redoc", None);
    assert_eq!(redoc.status, 200);
    assert!(
        redoc.text.contains("/api/v1/redoc/redoc.standalone.js") && !redoc.text.contains("cdn.")
    );
    let js = s.get("/api/v1/redoc/redoc.standalone.js", None);
    assert_eq!(js.status, 200);
    assert!(js.text.len() > 500_000 && js.text.contains("Redoc"));
    // It travels gzipped (the client above inflated it)...
    let head = raw_head(
        &s.base,
        "GET /api/v1/redoc/redoc.standalone.js HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip, br\r\nConnection: close\r\n\r\n",
    );
    assert!(head.contains("content-encoding: gzip"), "{head}");
    // ...and a client that does not take gzip gets the same script inflated.
    let mut plain = ureq::get(format!("{}/api/v1/redoc/redoc.standalone.js", s.base))
        .header("Accept-Encoding", "identity")
        .call()
        .unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain
        .body_mut()
        .with_config()
        .limit(10 << 20)
        .read_to_string()
        .unwrap();
    assert_eq!(plain, js.text);

    // Swagger UI's files negotiate the same way: gzip only to a client that takes it.
    for path in ["/api/v1/docs/", "/api/v1/docs/swagger-ui-bundle.js"] {
        let head = raw_head(
            &s.base,
            &format!(
                "GET {path} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n"
            ),
        );
        assert!(head.contains("content-encoding: gzip"), "{path}: {head}");
        for refuse in ["identity", "gzip;q=0"] {
            let mut plain = ureq::get(format!("{}{path}", s.base))
                .header("Accept-Encoding", refuse)
                .call()
                .unwrap();
            assert!(
                plain.headers().get("content-encoding").is_none(),
                "{path} with Accept-Encoding: {refuse}"
            );
            let text = plain
                .body_mut()
                .with_config()
                .limit(10 << 20)
                .read_to_string()
                .unwrap();
            assert!(
                text.contains("swagger") || text.contains("Swagger"),
                "{path} readable as text with Accept-Encoding: {refuse}"
            );
        }
    }
}

#[test]
fn head_answers_like_get_without_a_body() {
    let s = TestServer::start();
    for (path, token) in [
        ("/api/v1/health", None),
        ("/", None),
        ("/api/v1/auth/me", Some(s.admin_token())),
    ] {
        let auth = token
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        let (head, body) = raw_exchange(
            &s.base,
            &format!("HEAD {path} HTTP/1.1\r\nHost: x\r\n{auth}Connection: close\r\n\r\n"),
        );
        assert!(head.starts_with("http/1.1 200"), "{path}: {head}");
        assert!(body.is_empty(), "{path}: no body after HEAD");
    }
    let (head, _) = raw_exchange(
        &s.base,
        "HEAD /api/v1/auth/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(
        head.starts_with("http/1.1 401"),
        "auth still applies: {head}"
    );
    let token = s.admin_token();
    let (head, _) = raw_exchange(
        &s.base,
        &format!(
            "HEAD /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(
        head.starts_with("http/1.1 405") && head.contains("allow: post"),
        "{head}"
    );
}

#[test]
fn the_spa_is_served_with_history_fallback_and_asset_caching() {
    let s = TestServer::start();
    let root = s.get("/", None);
    assert_eq!(root.status, 200);
    assert!(
        root.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(root.header("cache-control").as_deref(), Some("no-cache"));
    let deep = s.get("/tasks/some/deep/link", None);
    assert_eq!(deep.status, 200);
    assert_eq!(deep.text, root.text, "deep links get index.html");
    assert_eq!(s.get("/assets/does-not-exist.js", None).status, 404);
    // Hashed assets (when the SPA is built) are cached for a year.
    if let Some(asset) = root
        .text
        .split("/assets/")
        .nth(1)
        .and_then(|r| r.split('"').next())
    {
        let r = s.get(&format!("/assets/{asset}"), None);
        assert_eq!(r.status, 200);
        assert!(r.header("cache-control").unwrap().contains("immutable"));
    }
}
