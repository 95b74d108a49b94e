//! Security review finding 8: an automation's webhook secret and a webhook's custom header values
//! are sealed at rest, masked in every answer, kept when an edit sends the masked value back, and
//! still used to send; plain values from before are sealed on start.
use crate::helpers::*;
use crate::receiver::Receiver;
use serde_json::{Value, json};

const SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const OTHER_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const TOKEN: &str = "Bearer tok-very-secret-4321";

fn allow_private(s: &TestServer, t: &str) {
    let r = s.put(
        "/api/v1/settings/",
        Some(t),
        &json!({ "allow_private_network": true }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    s.drain_jobs();
}

/// Every text column of the row, as stored.
fn raw_row(s: &TestServer, table: &str, id: &str) -> String {
    let conn = s.state.db.conn().unwrap();
    let sql = match table {
        "webhooks" => "SELECT secret || ' ' || headers FROM webhooks WHERE id = ?1",
        _ => "SELECT action_config FROM automations WHERE id = ?1",
    };
    conn.query_row(sql, [id], |r| r.get::<_, String>(0))
        .unwrap()
}

/// The base64 key of a `whsec_` secret: what would leak it, whatever the prefix.
fn key_of(secret: &str) -> &str {
    secret.trim_start_matches("whsec_")
}

/// Fire `settings.updated` and deliver what it causes.
fn fire(s: &TestServer, t: &str, n: usize) {
    let r = s.put(
        "/api/v1/settings/",
        Some(t),
        &json!({ "frontend_url": format!("https://app{n}.example") }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    s.drain_jobs();
}

fn assert_hidden(what: &str, text: &str, plain: &str) {
    assert!(!text.contains(plain), "{what} shows {plain:?}: {text}");
}

#[test]
fn an_automations_webhook_secret_is_sealed_masked_and_kept_by_an_edit_that_sends_it_back() {
    let s = TestServer::start();
    let t = s.admin_token();
    allow_private(&s, &t);
    let rx = Receiver::start();
    rx.set_secret(SECRET);
    let r = s.post(
        "/api/v1/automations/",
        Some(&t),
        &json!({
            "name": "Forward", "trigger": "settings.updated", "action": "send_webhook",
            "action_config": { "url": rx.url, "secret": SECRET }
        }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let shown = r.json()["action_config"]["secret"].clone();
    assert_eq!(
        shown,
        json!(format!("whsec_…{}", &SECRET[SECRET.len() - 4..]))
    );
    assert_hidden("the create answer", &r.text, key_of(SECRET));
    assert_hidden("the row", &raw_row(&s, "automations", &id), key_of(SECRET));
    let one = s.get(&format!("/api/v1/automations/{id}"), Some(&t));
    assert_eq!(one.json()["action_config"]["secret"], shown);
    assert_hidden("GET", &one.text, key_of(SECRET));
    assert_hidden(
        "the list",
        &s.get("/api/v1/automations/", Some(&t)).text,
        key_of(SECRET),
    );

    // The runner signs with the secret it opens.
    fire(&s, &t, 1);
    let got = rx.got();
    assert_eq!(got.len(), 1);
    assert!(got[0].verified, "signed with the stored secret");

    // An edit that sends the config back as shown keeps the secret.
    let mut back = one.json();
    back["name"] = json!("Forward, renamed");
    let r = s.put(&format!("/api/v1/automations/{id}"), Some(&t), &back);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["action_config"]["secret"], shown);
    // So does one that leaves the secret out, or the config altogether.
    let r = s.put(
        &format!("/api/v1/automations/{id}"),
        Some(&t),
        &json!({ "action_config": { "url": rx.url, "event_type": "forwarded" } }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["action_config"]["secret"], shown);
    let r = s.put(
        &format!("/api/v1/automations/{id}"),
        Some(&t),
        &json!({ "active": true }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_hidden(
        "the row after edits",
        &raw_row(&s, "automations", &id),
        key_of(SECRET),
    );
    fire(&s, &t, 2);
    let got = rx.got();
    assert_eq!(got.len(), 2);
    assert!(got[1].verified, "still signed after the edits");
    assert_eq!(got[1].body["type"], "forwarded");

    // A new value replaces it.
    let r = s.put(
        &format!("/api/v1/automations/{id}"),
        Some(&t),
        &json!({ "action_config": { "url": rx.url, "secret": OTHER_SECRET } }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_hidden("the update answer", &r.text, key_of(OTHER_SECRET));
    assert_hidden(
        "the row",
        &raw_row(&s, "automations", &id),
        key_of(OTHER_SECRET),
    );
    rx.set_secret(OTHER_SECRET);
    fire(&s, &t, 3);
    assert!(rx.got()[2].verified, "signed with the new secret");

    // A masked value that is not the stored one is refused, not stored.
    let r = s.put(
        &format!("/api/v1/automations/{id}"),
        Some(&t),
        &json!({ "action_config": { "url": rx.url, "secret": "whsec_…zzzz" } }),
    );
    assert_eq!(r.status, 422, "{}", r.text);
}

#[test]
fn a_webhooks_header_values_are_sealed_masked_and_still_sent() {
    let s = TestServer::start();
    let t = s.admin_token();
    allow_private(&s, &t);
    let rx = Receiver::start();
    let r = s.post(
        "/api/v1/webhooks/",
        Some(&t),
        &json!({
            "url": rx.url, "events": ["settings.updated"],
            "headers": { "Authorization": TOKEN, "X-Tenant": "acme" }
        }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let created = r.json();
    let id = created["id"].as_str().unwrap().to_string();
    let secret = created["secret"].as_str().unwrap().to_string();
    rx.set_secret(&secret);
    assert_eq!(created["headers"]["Authorization"], "Bea…4321");
    assert_eq!(created["headers"]["X-Tenant"], "••••");
    assert_hidden("the create answer", &r.text, TOKEN);
    let row = raw_row(&s, "webhooks", &id);
    assert_hidden("the row", &row, "tok-very-secret");
    assert_hidden("the row", &row, "acme");
    assert_hidden("the row", &row, key_of(&secret));
    let one = s.get(&format!("/api/v1/webhooks/{id}"), Some(&t));
    assert_eq!(one.json()["headers"], created["headers"]);
    assert_hidden("GET", &one.text, "tok-very-secret");
    assert_hidden("GET", &one.text, key_of(&secret));
    let list = s.get("/api/v1/webhooks/", Some(&t)).text;
    assert_hidden("the list", &list, "tok-very-secret");
    assert_hidden("the list", &list, key_of(&secret));

    // The delivery worker opens them: the header arrives, the signature verifies.
    fire(&s, &t, 1);
    let got = rx.got();
    assert_eq!(got.len(), 1);
    assert!(got[0].verified);
    assert_eq!(got[0].authorization.as_deref(), Some(TOKEN));
    assert_eq!(got[0].extra_header.as_deref(), Some("acme"));

    // An edit sending the masked Authorization back keeps it; a new X-Tenant replaces that one.
    let r = s.put(
        &format!("/api/v1/webhooks/{id}"),
        Some(&t),
        &json!({ "headers": { "Authorization": "Bea…4321", "X-Tenant": "beta" } }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["headers"]["Authorization"], "Bea…4321");
    assert_hidden(
        "the row after the edit",
        &raw_row(&s, "webhooks", &id),
        "beta",
    );
    let r = s.post(&format!("/api/v1/webhooks/{id}/test"), Some(&t), &json!({}));
    assert_eq!(r.status, 200, "{}", r.text);
    let got = rx.got();
    assert_eq!(got.len(), 2);
    assert!(got[1].verified);
    assert_eq!(got[1].authorization.as_deref(), Some(TOKEN));
    assert_eq!(got[1].extra_header.as_deref(), Some("beta"));

    // A masked value under a name that has no stored value conflicts with what is stored.
    let r = s.put(
        &format!("/api/v1/webhooks/{id}"),
        Some(&t),
        &json!({ "headers": { "X-Other": "Bea…4321" } }),
    );
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(r.text.contains("masked"), "{}", r.text);
    // The masked secret an answer shows keeps the secret; another masked one is a conflict.
    let shown = one.json()["secret"].as_str().unwrap().to_string();
    assert!(shown.starts_with("whsec_…"), "{shown}");
    let path = format!("/api/v1/webhooks/{id}");
    let r = s.put(&path, Some(&t), &json!({ "secret": shown }));
    assert_eq!(r.status, 200, "{}", r.text);
    let r = s.put(&path, Some(&t), &json!({ "secret": "whsec_…zzzz" }));
    assert_eq!(r.status, 409, "{}", r.text);
    fire(&s, &t, 3);
    assert!(rx.got()[2].verified, "still signed with the first secret");
}

#[test]
fn plain_secrets_written_before_sealing_are_sealed_on_start_and_still_work() {
    let s = TestServer::start();
    let t = s.admin_token();
    allow_private(&s, &t);
    let rx = Receiver::start();
    let r = s.post(
        "/api/v1/webhooks/",
        Some(&t),
        &json!({ "url": rx.url, "events": ["settings.updated"], "secret": SECRET }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let hook_id = r.json()["id"].as_str().unwrap().to_string();
    let r = s.post(
        "/api/v1/automations/",
        Some(&t),
        &json!({
            "name": "Forward", "trigger": "settings.updated", "action": "send_webhook",
            "action_config": { "url": rx.url }
        }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let auto_id = r.json()["id"].as_str().unwrap().to_string();
    // What an older version wrote: header values and the automation's secret in plain text.
    let headers = json!({ "Authorization": TOKEN }).to_string();
    let config = json!({ "url": rx.url, "secret": SECRET }).to_string();
    s.state
        .db
        .write_blocking(|tx| -> rusqlite::Result<()> {
            tx.execute(
                "UPDATE webhooks SET headers = ?2 WHERE id = ?1",
                [&hook_id, &headers],
            )?;
            tx.execute(
                "UPDATE automations SET action_config = ?2 WHERE id = ?1",
                [&auto_id, &config],
            )?;
            Ok(())
        })
        .unwrap();
    assert!(raw_row(&s, "webhooks", &hook_id).contains(TOKEN));

    // A start on that database seals them before serving.
    let restarted = neuromancer::app::state(test_config(s.dir.path())).expect("start");
    drop(restarted);
    assert_hidden(
        "the webhook row",
        &raw_row(&s, "webhooks", &hook_id),
        "tok-very-secret",
    );
    assert_hidden(
        "the automation row",
        &raw_row(&s, "automations", &auto_id),
        key_of(SECRET),
    );
    let one: Value = s
        .get(&format!("/api/v1/webhooks/{hook_id}"), Some(&t))
        .json();
    assert_eq!(one["headers"]["Authorization"], "Bea…4321");
    let one: Value = s
        .get(&format!("/api/v1/automations/{auto_id}"), Some(&t))
        .json();
    assert_eq!(
        one["action_config"]["secret"],
        json!(format!("whsec_…{}", &SECRET[SECRET.len() - 4..]))
    );

    // Both still sign with the secret, and the header still arrives.
    rx.set_secret(SECRET);
    fire(&s, &t, 1);
    let got = rx.got();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got.iter().all(|g| g.verified), "{got:?}");
    assert!(
        got.iter()
            .any(|g| g.authorization.as_deref() == Some(TOKEN))
    );
}
