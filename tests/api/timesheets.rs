//! Timesheets: manual entries, filters, ownership, and the aggregated report with amounts.
use crate::helpers::*;
use crate::tasks::{new_task, workspace};
use serde_json::json;

#[test]
fn entries_validate_input_and_only_their_owner_or_an_admin_edits_them() {
    let s = TestServer::start();
    let (admin, member, outsider, project, _) = workspace(&s);
    let t = new_task(
        &s,
        &member,
        json!({ "title": "Write", "project_id": project }),
    );
    let tid = t["id"].as_str().unwrap();
    assert_eq!(
        s.post(
            "/api/v1/timesheets/",
            Some(&member),
            &json!({ "task_id": tid, "minutes": -5, "billable": true })
        )
        .status,
        422
    );
    assert_eq!(
        s.post(
            "/api/v1/timesheets/",
            Some(&member),
            &json!({ "task_id": tid, "minutes": 5, "date": "yesterday" })
        )
        .status,
        422
    );
    assert_eq!(
        s.post(
            "/api/v1/timesheets/",
            Some(&outsider),
            &json!({ "task_id": tid, "minutes": 5 })
        )
        .status,
        404
    );
    let r = s.post("/api/v1/timesheets/", Some(&member), &json!({ "task_id": tid, "minutes": 45, "billable": false, "description": "draft", "date": "2026-01-05" }));
    assert_eq!(r.status, 201, "{}", r.text);
    let e = r.json();
    assert_eq!(e["project_id"], project.as_str());
    assert_eq!(e["task_title"], "Write");
    let id = e["id"].as_str().unwrap();
    assert_eq!(
        s.get(
            "/api/v1/timesheets/?billable=false&date_from=2026-01-01&date_to=2026-01-31",
            Some(&member)
        )
        .json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.get("/api/v1/timesheets/?billable=true", Some(&member))
            .json()["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        s.get("/api/v1/timesheets/", Some(&outsider)).json()["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        s.put(
            &format!("/api/v1/timesheets/{id}"),
            Some(&outsider),
            &json!({ "minutes": 5 })
        )
        .status,
        404
    );
    let r = s.put(
        &format!("/api/v1/timesheets/{id}"),
        Some(&member),
        &json!({ "minutes": 60, "billable": true }),
    );
    assert_eq!(r.json()["minutes"], 60);
    assert_eq!(
        s.put(
            &format!("/api/v1/timesheets/{id}"),
            Some(&member),
            &json!({ "minutes": 0 })
        )
        .status,
        422
    );
    assert_eq!(
        s.send(
            "DELETE",
            &format!("/api/v1/timesheets/{id}"),
            Some(&admin),
            &json!({})
        )
        .status,
        204
    );
}

#[test]
fn the_report_splits_billable_time_with_amounts_by_user_client_project_and_day() {
    let s = TestServer::start();
    let (admin, member, _, project, client) = workspace(&s);
    let me = s.get("/api/v1/auth/me", Some(&member)).json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    s.put(
        &format!("/api/v1/enterprise/users/{me}"),
        Some(&admin),
        &json!({ "hourly_rate": 60.0 }),
    );
    let t = new_task(
        &s,
        &member,
        json!({ "title": "Build", "project_id": project }),
    );
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    s.post(
        "/api/v1/timesheets/",
        Some(&member),
        &json!({ "task_id": t["id"], "minutes": 90, "billable": true }),
    );
    s.post(
        "/api/v1/timesheets/",
        Some(&member),
        &json!({ "task_id": t["id"], "minutes": 30, "billable": false }),
    );
    let r = s.get(
        &format!("/api/v1/timesheets/report?days=7&client_id={client}"),
        Some(&member),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let r = r.json();
    assert_eq!(r["total_minutes"], 120);
    assert_eq!(r["billable_minutes"], 90);
    assert_eq!(r["non_billable_minutes"], 30);
    assert_eq!(r["billable_amount"], 90.0);
    assert_eq!(r["non_billable_amount"], 30.0);
    assert_eq!(r["by_user"][0]["name"], "Mia");
    assert_eq!(r["by_client"][0]["name"], "Acme");
    assert_eq!(r["by_project"][0]["name"], "Launch");
    assert_eq!(r["daily"].as_array().unwrap().len(), 7);
    assert_eq!(r["daily"][6]["date"], today.as_str());
    assert_eq!(r["daily"][6]["minutes"], 120);
}
