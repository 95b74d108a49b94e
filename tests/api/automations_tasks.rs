//! Actions that go through other areas as the automation's owner: tasks (comments, assignment
//! notifications, moves, a self-triggering chain stopped by the depth limit) and AI generation.
use crate::helpers::*;
use serde_json::{Value, json};

fn automation(c: &Client, t: &str, body: Value) -> String {
    let r = c.post("/api/v1/automations/", Some(t), &body);
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()["id"].as_str().unwrap().to_string()
}

fn task(c: &Client, t: &str, body: Value) -> Value {
    let r = c.post("/api/v1/tasks/", Some(t), &body);
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()
}

fn runs(c: &Client, t: &str, id: &str) -> Vec<Value> {
    c.get(&format!("/api/v1/automations/{id}/runs"), Some(t))
        .json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn an_urgent_task_gets_a_templated_comment_and_is_assigned_with_a_notification() {
    let s = TestServer::start();
    let t = s.admin_token();
    let m = neuromancer::users::admin::add_user(
        &s.state.db,
        "m@example.com",
        "member",
        None,
        "member-pass-123",
    )
    .unwrap();
    let mt = s.login("m@example.com", "member-pass-123");
    // A project the member belongs to: assignees must be members of the task's project.
    let client = s.post(
        "/api/v1/enterprise/clients",
        Some(&t),
        &json!({ "name": "Acme" }),
    );
    assert_eq!(client.status, 201, "{}", client.text);
    let cid = client.json()["id"].as_str().unwrap().to_string();
    let project = s.post(
        &format!("/api/v1/enterprise/clients/{cid}/projects"),
        Some(&t),
        &json!({ "name": "Ops" }),
    );
    assert_eq!(project.status, 201, "{}", project.text);
    let pid = project.json()["id"].as_str().unwrap().to_string();
    let r = s.post("/api/v1/enterprise/memberships", Some(&t), &json!({ "scope_type": "project", "scope_id": pid, "principal_type": "user", "principal_id": m.id }));
    assert_eq!(r.status, 204, "{}", r.text);
    let comment = automation(
        &s,
        &t,
        json!({
            "name": "Flag urgent", "trigger": "task.created",
            "conditions": [{ "field": "priority", "op": "eq", "value": "urgent" }],
            "action": "add_comment", "action_config": { "body": "Auto: “{{task.title}}” needs eyes" }
        }),
    );
    let route = automation(
        &s,
        &t,
        json!({
            "name": "Route urgent", "trigger": "task.created",
            "conditions": [{ "field": "priority", "op": "in", "value": ["urgent"] }],
            "action": "assign_task", "action_config": { "assignee_id": m.id }
        }),
    );
    let calm = task(
        &s,
        &t,
        json!({ "title": "Tidy up", "priority": "low", "project_id": pid }),
    );
    let hot = task(
        &s,
        &t,
        json!({ "title": "Prod is down", "priority": "urgent", "project_id": pid }),
    );
    s.drain_jobs();

    let hot_id = hot["id"].as_str().unwrap();
    let comments = s
        .get(&format!("/api/v1/tasks/{hot_id}/comments"), Some(&t))
        .json()["items"]
        .clone();
    let texts: Vec<&str> = comments
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["content"].as_str().unwrap())
        .collect();
    assert_eq!(texts, vec!["Auto: “Prod is down” needs eyes"]);
    let calm_id = calm["id"].as_str().unwrap();
    assert!(
        s.get(&format!("/api/v1/tasks/{calm_id}/comments"), Some(&t))
            .json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        s.get(&format!("/api/v1/tasks/{hot_id}"), Some(&t)).json()["assignee_id"],
        m.id.as_str(),
        "{:?}",
        runs(&s, &t, &route)
    );
    assert_eq!(runs(&s, &t, &comment)[0]["status"], "succeeded");

    // The assignment (a real task.assigned event) notified the member.
    let n = s.get("/api/v1/notifications/", Some(&mt)).json()["items"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        n.iter().any(|x| x["kind"] == "task.assigned"
            && x["title"].as_str().unwrap().contains("Prod is down")),
        "{n:?}"
    );
}

#[test]
fn move_task_moves_the_triggering_task_and_failures_are_explained() {
    let s = TestServer::start();
    let t = s.admin_token();
    let cols = s.get("/api/v1/tasks/columns", Some(&t)).json()["items"].clone();
    let last = cols.as_array().unwrap().last().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let id = automation(
        &s,
        &t,
        json!({
            "name": "Straight to the end", "trigger": "task.created",
            "action": "move_task", "action_config": { "column_id": last }
        }),
    );
    let created = task(&s, &t, json!({ "title": "Movable" }));
    s.drain_jobs();
    let tid = created["id"].as_str().unwrap();
    assert_eq!(
        s.get(&format!("/api/v1/tasks/{tid}"), Some(&t)).json()["column_id"],
        last.as_str()
    );
    let r = runs(&s, &t, &id);
    assert_eq!(r[0]["status"], "succeeded", "{r:?}");
    // A test run without a task says why.
    let r = s.post(
        &format!("/api/v1/automations/{id}/test"),
        Some(&t),
        &json!({ "payload": { "title": "no id" } }),
    );
    assert_eq!(r.json()["status"], "failed");
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("no task to act on"),
        "{}",
        r.text
    );
}

#[test]
fn an_automation_that_triggers_itself_stops_at_the_depth_limit() {
    let s = TestServer::start();
    let t = s.admin_token();
    let id = automation(
        &s,
        &t,
        json!({
            "name": "Echo", "trigger": "task.created",
            "action": "create_task", "action_config": { "title": "Re: {{title}}" }
        }),
    );
    task(&s, &t, json!({ "title": "Seed" }));
    s.drain_jobs();
    let r = runs(&s, &t, &id);
    let depth = neuromancer::domain::automations::jobs::MAX_DEPTH;
    let ok = r.iter().filter(|x| x["status"] == "succeeded").count() as i64;
    let skipped: Vec<&Value> = r.iter().filter(|x| x["status"] == "skipped").collect();
    assert_eq!(ok, depth + 1, "{r:?}");
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0]["depth"], depth + 1);
    let conn = s.state.db.conn().unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM tasks", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, depth + 2, "the seed plus one task per allowed hop");
    let title: String = conn
        .query_row(
            "SELECT title FROM tasks ORDER BY created_at DESC, id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(title, "Re: Re: Re: Re: Seed");
}

#[test]
fn generate_content_writes_with_the_configured_model_into_the_run_output() {
    let s = TestServer::start();
    let t = s.admin_token();
    let a = automation(
        &s,
        &t,
        json!({
            "name": "Draft", "trigger": "task.created", "action": "generate_content",
            "action_config": { "prompt": "Write a teaser for {{task.title}}" }
        }),
    );
    // The default provider is the offline local one: no network needed.
    let r = s.post(
        &format!("/api/v1/automations/{}/test", a),
        Some(&t),
        &json!({}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["status"], "succeeded", "{}", r.text);
    assert_eq!(
        r.json()["output"]["prompt"],
        "Write a teaser for Draft the launch post"
    );
    assert!(r.json()["output"]["text"].as_str().unwrap().len() > 20);
    assert!(
        r.json()["output"]["usage"]["total_tokens"]
            .as_i64()
            .unwrap()
            > 0
    );
}
