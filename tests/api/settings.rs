use crate::helpers::*;
use serde_json::json;

#[test]
fn secrets_are_masked_on_read_and_sealed_at_rest() {
    let s = TestServer::start();
    let t = s.admin_token();
    let r = s.put("/api/v1/settings/", Some(&t), &json!({ "supabase_jwt_secret": "sk-live-abcdefghijklmnop-1234", "frontend_url": "https://studio.example.com" }));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["supabase_jwt_secret"], "sk-…1234");
    assert_eq!(r.json()["frontend_url"], "https://studio.example.com");
    let g = s.get("/api/v1/settings/", Some(&t)).json();
    assert_eq!(g["supabase_jwt_secret"], "sk-…1234");
    assert!(
        g.as_object().unwrap().contains_key("supabase_url"),
        "unset keys are listed as null"
    );
    let conn = s.state.db.conn().unwrap();
    let raw: String = conn
        .query_row(
            "SELECT value FROM settings WHERE key = 'supabase_jwt_secret'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(!raw.contains("abcdefghijklmnop"), "stored sealed: {raw}");
    // The key is outside the database.
    assert!(s.dir.path().join("secret.key").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(s.dir.path().join("secret.key"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn the_schema_lists_every_setting_with_its_kind() {
    let s = TestServer::start();
    let t = s.admin_token();
    let schema = s.get("/api/v1/settings/schema", Some(&t)).json();
    let kind_of = |k: &str| {
        schema
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["key"] == k)
            .map(|d| d["kind"].clone())
    };
    assert_eq!(kind_of("supabase_jwt_secret"), Some(json!("secret")));
    assert_eq!(kind_of("allow_private_network"), Some(json!("bool")));
    assert_eq!(kind_of("frontend_url"), Some(json!("url")));
}

#[test]
fn partial_updates_keep_other_keys_and_null_unsets() {
    let s = TestServer::start();
    let t = s.admin_token();
    s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({ "frontend_url": "https://a.example", "supabase_anon_key": "anon" }),
    );
    let r = s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({ "supabase_anon_key": null }),
    );
    assert_eq!(r.json()["frontend_url"], "https://a.example");
    assert_eq!(r.json()["supabase_anon_key"], serde_json::Value::Null);
}

#[test]
fn unknown_keys_and_bad_values_are_422_and_change_nothing() {
    let s = TestServer::start();
    let t = s.admin_token();
    let r = s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({ "frontend_url": "https://ok.example", "no_such_key": 1 }),
    );
    assert_eq!(r.status, 422);
    assert!(r.detail().contains("no_such_key"));
    assert_eq!(
        s.get("/api/v1/settings/", Some(&t)).json()["frontend_url"],
        serde_json::Value::Null,
        "nothing applied"
    );
    for bad in [
        json!({ "frontend_url": "javascript:alert(1)" }),
        json!({ "frontend_url": 5 }),
        json!({ "supabase_anon_key": [1] }),
    ] {
        assert_eq!(
            s.put("/api/v1/settings/", Some(&t), &bad).status,
            422,
            "{bad}"
        );
    }
    assert_eq!(
        s.put("/api/v1/settings/", Some(&t), &json!([1, 2])).status,
        422,
        "body must be an object"
    );
}

#[test]
fn members_cannot_read_or_change_settings() {
    let s = TestServer::start_with(|c| c.login_per_minute = 100);
    neuromancer::users::admin::add_user(
        &s.state.db,
        "member@example.com",
        "member",
        None,
        "lilac-meadow-58",
    )
    .unwrap();
    let m = s.login("member@example.com", "lilac-meadow-58");
    assert_eq!(s.get("/api/v1/settings/", Some(&m)).status, 403);
    assert_eq!(
        s.put(
            "/api/v1/settings/",
            Some(&m),
            &json!({ "frontend_url": "https://x.example" })
        )
        .status,
        403
    );
}
