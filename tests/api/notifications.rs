//! Notifications: per-user and broadcast, read state per user, fan-out on assignment and
//! comments, and live push over SSE opened with a single-use ticket.
use crate::helpers::*;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::time::Duration;

fn count(c: &Client, t: &str) -> i64 {
    c.get("/api/v1/notifications/unread-count", Some(t)).json()["count"]
        .as_i64()
        .unwrap()
}

fn list(c: &Client, t: &str) -> Vec<Value> {
    c.get("/api/v1/notifications/", Some(t)).json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn broadcast(s: &TestServer, t: &str, message: &str) {
    let r = s.post(
        "/api/v1/automations/",
        Some(t),
        &json!({
            "name": "Announce", "trigger": "settings.updated", "action": "notify",
            "action_config": { "message": message, "target": "broadcast" }
        }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = s.post(
        &format!("/api/v1/automations/{id}/test"),
        Some(t),
        &json!({ "payload": { "keys": [] } }),
    );
    assert_eq!(r.json()["status"], "succeeded", "{}", r.text);
}

#[test]
fn broadcasts_reach_everyone_with_read_and_delete_state_per_user() {
    let s = TestServer::start();
    let t = s.admin_token();
    let (_, m) = s.member("m@example.com");
    broadcast(&s, &t, "Maintenance at noon");
    assert_eq!((count(&s, &t), count(&s, &m)), (1, 1));
    let n = list(&s, &m);
    assert_eq!(n[0]["broadcast"], true);
    assert_eq!(n[0]["body"], "Maintenance at noon");
    let id = n[0]["id"].as_str().unwrap();
    let r = s.put(
        &format!("/api/v1/notifications/{id}/read"),
        Some(&m),
        &json!({}),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["count"], 0);
    assert_eq!(
        (count(&s, &t), count(&s, &m)),
        (1, 0),
        "read state is per user"
    );
    assert_eq!(list(&s, &m)[0]["read"], true);
    let r = s.raw(
        "DELETE",
        &format!("/api/v1/notifications/{id}"),
        Some(&m),
        None,
        vec![],
    );
    assert_eq!(r.status, 204);
    assert!(list(&s, &m).is_empty());
    assert_eq!(
        list(&s, &t).len(),
        1,
        "deleting a broadcast hides it for that user only"
    );
    broadcast(&s, &t, "Second");
    let r = s.put("/api/v1/notifications/read-all", Some(&t), &json!({}));
    assert_eq!(r.json()["count"], 0);
    assert_eq!(count(&s, &m), 1);
    let page = s
        .get("/api/v1/notifications/?unread=true&limit=1", Some(&m))
        .json();
    assert_eq!(
        (
            page["total"].as_i64(),
            page["limit"].as_i64(),
            page["items"].as_array().map(Vec::len)
        ),
        (Some(1), Some(1), Some(1))
    );
}

#[test]
fn assignment_and_comments_notify_the_people_concerned_but_not_the_actor() {
    let s = TestServer::start();
    let t = s.admin_token();
    let (owner_id, owner) = s.member("owner@example.com");
    let (assignee_id, assignee) = s.member("assignee@example.com");
    let task = json!({ "id": "t1", "title": "Write the brief", "owner_id": owner_id, "assignee_id": assignee_id });
    s.state
        .db
        .write_blocking(|tx| -> rusqlite::Result<()> {
            neuromancer::events::emit(
                tx,
                "task.assigned",
                Some(&owner_id),
                json!({ "task": task, "assignee_id": assignee_id }),
            )?;
            neuromancer::events::emit(
                tx,
                "comment.created",
                Some(&assignee_id),
                json!({ "task": task, "comment": { "id": "c1", "body": "On it" } }),
            )?;
            Ok(())
        })
        .unwrap();
    s.drain_jobs();
    let a = list(&s, &assignee);
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0]["kind"], "task.assigned");
    assert!(a[0]["title"].as_str().unwrap().contains("Write the brief"));
    let o = list(&s, &owner);
    assert_eq!(o.len(), 1, "{o:?}");
    assert_eq!(o[0]["kind"], "comment.created");
    assert_eq!(o[0]["body"], "On it");
    assert!(list(&s, &t).is_empty(), "nothing for uninvolved users");
    let other = list(&s, &owner)[0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        s.put(
            &format!("/api/v1/notifications/{other}/read"),
            Some(&assignee),
            &json!({})
        )
        .status,
        404
    );
}

fn ticket(s: &TestServer, t: &str) -> String {
    let r = s.post("/api/v1/notifications/stream-ticket", Some(t), &json!({}));
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["expires_in"], 60);
    r.json()["ticket"].as_str().unwrap().to_string()
}

/// Open the stream on a thread; its lines arrive on the returned channel.
fn open_stream(url: String) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        let agent = ureq::Agent::config_builder().build().new_agent();
        let mut resp = agent.get(&url).call().unwrap();
        assert_eq!(
            resp.headers().get("content-type").unwrap(),
            "text/event-stream"
        );
        let reader = BufReader::new(resp.body_mut().as_reader());
        for line in reader.lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

#[test]
fn new_notifications_are_pushed_live_over_sse_opened_with_a_ticket() {
    let s = TestServer::start();
    let t = s.admin_token();
    assert_eq!(s.get("/api/v1/notifications/stream", None).status, 401);
    let rx = open_stream(format!(
        "{}/api/v1/notifications/stream?ticket={}",
        s.base,
        ticket(&s, &t)
    ));
    let next_data = |event: &str| -> Value {
        let mut current = String::new();
        loop {
            let line = rx
                .recv_timeout(Duration::from_secs(10))
                .expect("an SSE line");
            if let Some(e) = line.strip_prefix("event: ") {
                current = e.to_string();
            } else if let Some(d) = line.strip_prefix("data: ")
                && current == event
            {
                return serde_json::from_str(d).unwrap();
            }
        }
    };
    assert_eq!(next_data("ready")["unread"], 0);
    broadcast(&s, &t, "Live!");
    let n = next_data("notification");
    assert_eq!(n["body"], "Live!");
    assert_eq!(n["broadcast"], true);
}

#[test]
fn a_stream_ticket_opens_the_stream_once_and_login_tokens_stay_out_of_urls() {
    let s = TestServer::start();
    let t = s.admin_token();
    assert_eq!(
        s.post("/api/v1/notifications/stream-ticket", None, &json!({}))
            .status,
        401
    );
    let once = ticket(&s, &t);
    let rx = open_stream(format!(
        "{}/api/v1/notifications/stream?ticket={once}",
        s.base
    ));
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(10)).unwrap(),
        "event: ready"
    );
    let reused = s.get(&format!("/api/v1/notifications/stream?ticket={once}"), None);
    assert_eq!(reused.status, 401, "a ticket works once");
    let forged = s.get("/api/v1/notifications/stream?ticket=forged-ticket", None);
    assert_eq!(forged.status, 401);
    let token_in_url = s.get(
        &format!("/api/v1/notifications/stream?access_token={t}"),
        None,
    );
    assert_eq!(
        token_in_url.status, 401,
        "the login token is never taken from a URL"
    );
    assert_eq!(
        s.get(
            &format!(
                "/api/v1/notifications/unread-count?ticket={}",
                ticket(&s, &t)
            ),
            None
        )
        .status,
        401,
        "only the stream route takes a ticket"
    );
}

#[test]
fn the_spec_documents_the_stream_ticket_and_paged_lists() {
    let s = TestServer::start();
    let spec = s.get("/api/v1/openapi.json", None).json();
    let paths = &spec["paths"];
    let issue = &paths["/api/v1/notifications/stream-ticket"]["post"]["responses"];
    assert!(
        issue["201"].is_object() && issue["401"].is_object(),
        "{issue}"
    );
    let stream = &paths["/api/v1/notifications/stream"]["get"];
    let params: Vec<&str> = stream["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(params, ["ticket"]);
    assert!(stream["responses"]["401"].is_object());
    for path in [
        "/api/v1/notifications/",
        "/api/v1/webhooks/",
        "/api/v1/webhooks/{id}/deliveries",
        "/api/v1/automations/",
        "/api/v1/automations/{id}/runs",
    ] {
        let get = &paths[path]["get"];
        let names: Vec<&str> = get["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(
            names.contains(&"limit") && names.contains(&"offset"),
            "{path}: {names:?}"
        );
        let body = &get["responses"]["200"]["content"]["application/json"]["schema"];
        let name = body["$ref"].as_str().unwrap_or_default();
        let name = name.trim_start_matches("#/components/schemas/");
        let schema = &spec["components"]["schemas"][name];
        for field in ["items", "total", "limit", "offset"] {
            assert!(
                schema["properties"][field].is_object(),
                "{path}: {body} {schema}"
            );
        }
        assert!(get["responses"]["422"].is_object(), "{path}");
    }
}

#[test]
fn the_author_hears_when_someone_else_moves_their_content_along() {
    let s = TestServer::start();
    let t = s.admin_token();
    let (_, m) = s.member("writer@example.com");
    let (done, _) = crate::content::generate(
        &s,
        &m,
        json!({"platform": "linkedin", "brief": "Why we ship one binary"}),
    );
    let id = done["content_id"].as_str().unwrap().to_string();
    // The author's own status change notifies nobody.
    let r = s.put(
        &format!("/api/v1/content/{id}"),
        Some(&m),
        &json!({"status": "in_review"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    s.drain_jobs();
    assert_eq!(count(&s, &m), 0);
    // The admin approves it: the author is told, with a link to the content.
    let r = s.put(
        &format!("/api/v1/content/{id}"),
        Some(&t),
        &json!({"status": "approved"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    s.drain_jobs();
    let n = list(&s, &m);
    assert_eq!(n.len(), 1, "{n:?}");
    assert!(
        n[0]["title"].as_str().unwrap().ends_with("is now approved"),
        "{n:?}"
    );
    assert_eq!(n[0]["link"], format!("/content/{id}"));
    assert_eq!(count(&s, &t), 0, "the actor is never notified");
}
