//! Automations: catalogs, trigger → conditions → action runs as jobs, templates, test runs,
//! loop protection, validation.
use crate::helpers::*;
use crate::receiver::Receiver;
use serde_json::{Value, json};

fn create(c: &Client, t: &str, body: Value) -> Value {
    let r = c.post("/api/v1/automations/", Some(t), &body);
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()
}

fn runs(c: &Client, t: &str, id: &str) -> Vec<Value> {
    let r = c.get(&format!("/api/v1/automations/{id}/runs"), Some(t));
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["items"].as_array().unwrap().clone()
}

fn notes(c: &Client, t: &str) -> Vec<Value> {
    c.get("/api/v1/notifications/", Some(t)).json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn catalogs_describe_triggers_with_payloads_and_actions_with_config_forms() {
    let s = TestServer::start();
    let t = s.admin_token();
    let triggers = s.get("/api/v1/automations/triggers", Some(&t)).json();
    let names: Vec<&str> = triggers
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    for n in [
        "task.created",
        "task.moved",
        "task.assigned",
        "comment.created",
        "timer.stopped",
        "settings.updated",
    ] {
        assert!(names.contains(&n), "{n}");
    }
    let moved = triggers
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "task.moved")
        .unwrap();
    assert!(
        moved["fields"]
            .as_array()
            .unwrap()
            .contains(&json!("to_column_id"))
    );
    let actions = s.get("/api/v1/automations/actions", Some(&t)).json();
    let notify = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "notify")
        .unwrap();
    assert_eq!(notify["available"], true);
    let target = notify["config"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "target")
        .unwrap();
    assert_eq!(
        target["options"],
        json!(["owner", "assignee", "user", "broadcast"])
    );
    for a in [
        "create_task",
        "move_task",
        "assign_task",
        "add_comment",
        "send_webhook",
        "generate_content",
    ] {
        assert!(
            actions.as_array().unwrap().iter().any(|x| x["name"] == a),
            "{a}"
        );
    }
}

#[test]
fn a_matching_event_runs_the_action_as_a_job_with_templates_and_conditions() {
    let s = TestServer::start();
    let t = s.admin_token();
    let a = create(
        &s,
        &t,
        json!({
            "name": "Watch the frontend URL",
            "trigger": "settings.updated",
            "conditions": [{ "field": "keys", "op": "contains", "value": "frontend_url" }],
            "action": "notify",
            "action_config": { "message": "Changed: {{keys.0}} by {{event.type}}", "title": "{{automation.name}}" }
        }),
    );
    let id = a["id"].as_str().unwrap();
    // Not matching the condition: no run.
    s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({ "allow_private_network": true }),
    );
    s.drain_jobs();
    assert!(runs(&s, &t, id).is_empty());
    // Matching.
    s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({ "frontend_url": "https://x.example" }),
    );
    s.drain_jobs();
    let r = runs(&s, &t, id);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["status"], "succeeded", "{r:?}");
    assert_eq!(r[0]["trigger"], "settings.updated");
    assert!(r[0]["event_id"].as_str().unwrap().starts_with("evt_"));
    assert!(r[0]["duration_ms"].is_i64());
    let n = notes(&s, &t);
    assert_eq!(n[0]["body"], "Changed: frontend_url by settings.updated");
    assert_eq!(n[0]["title"], "Watch the frontend URL");
    // Inactive automations do not run.
    s.put(
        &format!("/api/v1/automations/{id}"),
        Some(&t),
        &json!({ "active": false }),
    );
    s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({ "frontend_url": "https://y.example" }),
    );
    s.drain_jobs();
    assert_eq!(runs(&s, &t, id).len(), 1);
}

#[test]
fn test_runs_use_the_given_payload_and_notify_the_assignee() {
    let s = TestServer::start();
    let t = s.admin_token();
    let (mid, mt) = s.member("assignee@example.com");
    let a = create(
        &s,
        &t,
        json!({
            "name": "Tell the assignee", "trigger": "task.created", "action": "notify",
            "action_config": { "message": "New task: {{task.title}} ({{task.priority}})", "target": "assignee" }
        }),
    );
    let id = a["id"].as_str().unwrap();
    let r = s.post(&format!("/api/v1/automations/{id}/test"), Some(&t),
        &json!({ "payload": { "task": { "id": "t1", "title": "Ship it", "priority": "high", "assignee_id": mid } } }));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["status"], "succeeded");
    assert_eq!(r.json()["is_test"], true);
    assert_eq!(notes(&s, &mt)[0]["body"], "New task: Ship it (high)");
    // Flat payloads work with the same template.
    let r = s.post(
        &format!("/api/v1/automations/{id}/test"),
        Some(&t),
        &json!({ "payload": { "title": "Flat", "priority": "low", "assignee_id": mid } }),
    );
    assert_eq!(r.json()["output"]["message"], "New task: Flat (low)");
    // No assignee: a clear failure in the run history.
    let r = s.post(
        &format!("/api/v1/automations/{id}/test"),
        Some(&t),
        &json!({ "payload": { "task": { "title": "x" } } }),
    );
    assert_eq!(r.json()["status"], "failed");
    assert!(r.json()["error"].as_str().unwrap().contains("no assignee"));
    assert_eq!(runs(&s, &t, id).len(), 3);
}

#[test]
fn send_webhook_posts_a_signed_one_off_message() {
    let s = TestServer::start();
    let t = s.admin_token();
    s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({ "allow_private_network": true }),
    );
    s.drain_jobs();
    let rx = Receiver::start();
    let secret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    rx.set_secret(secret);
    let a = create(
        &s,
        &t,
        json!({
            "name": "Forward", "trigger": "settings.updated", "action": "send_webhook",
            "action_config": { "url": rx.url, "secret": secret }
        }),
    );
    s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({ "frontend_url": "https://z.example" }),
    );
    s.drain_jobs();
    let got = rx.got();
    assert_eq!(got.len(), 1);
    assert!(got[0].verified);
    assert_eq!(got[0].body["type"], "settings.updated");
    let r = runs(&s, &t, a["id"].as_str().unwrap());
    assert_eq!(r[0]["output"]["status_code"], 200);
}

#[test]
fn unavailable_actions_bad_input_and_member_limits_are_clear_errors() {
    let s = TestServer::start();
    let t = s.admin_token();
    let base = json!({ "name": "x", "trigger": "task.created", "action": "notify", "action_config": { "message": "hi" } });
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    for (body, needle) in [
        (with("trigger", json!("nope")), "unknown trigger"),
        (with("action", json!("teleport")), "unknown action"),
        (with("action_config", json!({})), "message: required"),
        (
            with(
                "action_config",
                json!({ "message": "m", "target": "everyone" }),
            ),
            "one of",
        ),
        (
            with(
                "conditions",
                json!([{ "field": "task.priority", "op": "like", "value": "x" }]),
            ),
            "unknown op",
        ),
        (
            json!({ "name": "g", "trigger": "task.created", "action": "generate_content", "action_config": {} }),
            "prompt: required",
        ),
        (
            json!({ "name": "c", "trigger": "task.created", "action": "create_task", "action_config": {} }),
            "title: required",
        ),
        (
            json!({ "name": "w", "trigger": "task.created", "action": "send_webhook", "action_config": { "url": "http://169.254.169.254/" } }),
            "private",
        ),
    ] {
        let r = s.post("/api/v1/automations/", Some(&t), &body);
        let want = if needle == "private" { 403 } else { 422 };
        assert_eq!(r.status, want, "{body}: {}", r.text);
        assert!(r.detail().contains(needle), "{body}: {}", r.detail());
    }
    let (_, mt) = s.member("m@example.com");
    let r = s.post(
        "/api/v1/automations/",
        Some(&mt),
        &with("trigger", json!("settings.updated")),
    );
    assert_eq!(r.status, 403);
    let r = s.post(
        "/api/v1/automations/",
        Some(&mt),
        &with(
            "action_config",
            json!({ "message": "m", "target": "broadcast" }),
        ),
    );
    assert_eq!(r.status, 403);
    // Members see only their own automations.
    let mine = create(&s, &mt, base.clone());
    let admins = create(&s, &t, base.clone());
    assert_eq!(
        s.get(
            &format!("/api/v1/automations/{}", admins["id"].as_str().unwrap()),
            Some(&mt)
        )
        .status,
        404
    );
    assert_eq!(s.get("/api/v1/automations/", Some(&mt)).json()["total"], 1);
    assert_eq!(s.get("/api/v1/automations/", Some(&t)).json()["total"], 2);
    let r = s.raw(
        "DELETE",
        &format!("/api/v1/automations/{}", mine["id"].as_str().unwrap()),
        Some(&mt),
        None,
        vec![],
    );
    assert_eq!(r.status, 204);
}

#[test]
fn events_caused_by_a_chain_of_automations_stop_at_the_depth_limit() {
    let s = TestServer::start();
    let t = s.admin_token();
    let a = create(
        &s,
        &t,
        json!({ "name": "loop", "trigger": "task.updated", "action": "notify", "action_config": { "message": "m" } }),
    );
    let aid = a["id"].as_str().unwrap();
    let emit = |depth: Option<i64>| {
        s.state
            .db
            .write_blocking(|tx| -> rusqlite::Result<()> {
                let e = neuromancer::events::emit(
                    tx,
                    "task.updated",
                    None,
                    json!({ "task": { "id": "t" } }),
                )?;
                if let Some(d) = depth {
                    tx.execute("INSERT INTO automation_event_origins (event_id, automation_id, depth) VALUES (?1, ?2, ?3)",
                        rusqlite::params![e, aid, d])?;
                }
                Ok(())
            })
            .unwrap();
    };
    emit(Some(1));
    emit(Some(neuromancer::domain::automations::jobs::MAX_DEPTH));
    s.drain_jobs();
    let r = runs(&s, &t, aid);
    let statuses: Vec<(&str, i64)> = r
        .iter()
        .map(|x| (x["status"].as_str().unwrap(), x["depth"].as_i64().unwrap()))
        .collect();
    assert!(statuses.contains(&("succeeded", 2)), "{statuses:?}");
    assert!(statuses.contains(&("skipped", 4)), "{statuses:?}");
    let skipped = r.iter().find(|x| x["status"] == "skipped").unwrap();
    assert!(
        skipped["error"]
            .as_str()
            .unwrap()
            .contains("loop protection")
    );
}
