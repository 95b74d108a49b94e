//! Enterprise: admin-only structure, memberships, users (deactivation ends sessions), org chart
//! cycles, teams, allocation, shares, associations and the legacy subtask route.
use crate::helpers::*;
use crate::tasks::{PW, new_task, workspace};
use neuromancer::users::admin::add_user;
use serde_json::json;

#[test]
fn clients_and_projects_are_admin_managed_and_members_see_only_theirs() {
    let s = TestServer::start();
    let (admin, member, outsider, project, client) = workspace(&s);
    assert_eq!(
        s.post(
            "/api/v1/enterprise/clients",
            Some(&member),
            &json!({ "name": "Nope" })
        )
        .status,
        403
    );
    let other = s
        .post(
            "/api/v1/enterprise/clients",
            Some(&admin),
            &json!({ "name": "Globex", "status": "paused" }),
        )
        .json();
    assert_eq!(other["status"], "paused");
    let mine = s.get("/api/v1/enterprise/clients", Some(&member)).json()["items"].clone();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["id"], client.as_str());
    assert_eq!(
        s.get(
            &format!(
                "/api/v1/enterprise/clients/{}",
                other["id"].as_str().unwrap()
            ),
            Some(&member)
        )
        .status,
        404
    );
    assert_eq!(
        s.get("/api/v1/enterprise/clients", Some(&admin)).json()["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        s.get(
            &format!("/api/v1/enterprise/projects/{project}"),
            Some(&outsider)
        )
        .status,
        404
    );
    assert_eq!(
        s.get("/api/v1/enterprise/projects", Some(&member)).json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.get(
            &format!("/api/v1/enterprise/projects?client_id={client}&q=laun"),
            Some(&admin)
        )
        .json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.get(
            &format!("/api/v1/enterprise/clients/{client}/projects"),
            Some(&member)
        )
        .json()["items"][0]["name"],
        "Launch"
    );
    // Groups.
    let g = s
        .post(
            &format!("/api/v1/enterprise/clients/{client}/groups"),
            Some(&admin),
            &json!({ "name": "Q3" }),
        )
        .json();
    let r = s.put(
        &format!("/api/v1/enterprise/projects/{project}"),
        Some(&admin),
        &json!({ "group_id": g["id"], "due_date": "2030-01-31" }),
    );
    assert_eq!(r.json()["group_id"], g["id"]);
    let r = s.put(
        &format!("/api/v1/enterprise/projects/{project}"),
        Some(&admin),
        &json!({ "group_id": "nope" }),
    );
    assert_eq!(r.status, 404, "a group the client does not have");
    let r = s.put(
        &format!("/api/v1/enterprise/projects/{project}"),
        Some(&admin),
        &json!({ "status": "sideways" }),
    );
    assert_eq!(r.status, 422);
    assert_eq!(
        s.get(
            &format!("/api/v1/enterprise/clients/{client}/groups"),
            Some(&member)
        )
        .json()["items"][0]["name"],
        "Q3"
    );
    // Membership routes.
    let oscar = s.get("/api/v1/auth/me", Some(&outsider)).json()["id"].clone();
    let body = json!({ "scope_type": "client", "scope_id": client, "principal_type": "user", "principal_id": oscar });
    assert_eq!(
        s.post("/api/v1/enterprise/memberships", Some(&admin), &body)
            .status,
        204
    );
    assert_eq!(
        s.get(
            &format!("/api/v1/enterprise/projects/{project}"),
            Some(&outsider)
        )
        .status,
        200
    );
    assert_eq!(
        s.send(
            "DELETE",
            "/api/v1/enterprise/memberships",
            Some(&admin),
            &body
        )
        .status,
        204
    );
    assert_eq!(
        s.get(
            &format!("/api/v1/enterprise/projects/{project}"),
            Some(&outsider)
        )
        .status,
        404
    );
    // Deleting a client removes its projects and tasks.
    new_task(&s, &member, json!({ "title": "T", "project_id": project }));
    assert_eq!(
        s.send(
            "DELETE",
            &format!("/api/v1/enterprise/clients/{client}"),
            Some(&admin),
            &json!({})
        )
        .status,
        204
    );
    assert_eq!(
        s.get(
            &format!("/api/v1/enterprise/projects/{project}"),
            Some(&admin)
        )
        .status,
        404
    );
}

#[test]
fn users_are_admin_only_and_deactivating_ends_their_sessions() {
    let s = TestServer::start_with(|c| c.login_per_minute = 1000);
    let admin = s.admin_token();
    let r = s.post("/api/v1/enterprise/users", Some(&admin), &json!({
        "email": "lee@example.com", "name": "Lee", "password": PW, "title": "Designer", "hourly_rate": 80.0, "capacity_hours": 32 }));
    assert_eq!(r.status, 201, "{}", r.text);
    let lee = r.json();
    assert_eq!(lee["role"], "member");
    assert_eq!(lee["capacity_hours"], 32.0);
    let lee_token = s.login("lee@example.com", PW);
    assert_eq!(
        s.get("/api/v1/enterprise/users", Some(&lee_token)).status,
        403
    );
    assert_eq!(
        s.post(
            "/api/v1/enterprise/users",
            Some(&admin),
            &json!({ "email": "lee@example.com" })
        )
        .status,
        409
    );
    assert_eq!(
        s.post(
            "/api/v1/enterprise/users",
            Some(&admin),
            &json!({ "email": "bad" })
        )
        .status,
        422
    );
    // Invite without password.
    let inv = s
        .post(
            "/api/v1/enterprise/users",
            Some(&admin),
            &json!({ "email": "new@example.com" }),
        )
        .json();
    assert_eq!(inv["has_password"], false);
    let id = lee["id"].as_str().unwrap();
    let r = s.put(
        &format!("/api/v1/enterprise/users/{id}"),
        Some(&admin),
        &json!({ "active": false }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(s.get("/api/v1/auth/me", Some(&lee_token)).status, 401);
    let me = s.get("/api/v1/auth/me", Some(&admin)).json();
    let r = s.put(
        &format!("/api/v1/enterprise/users/{}", me["id"].as_str().unwrap()),
        Some(&admin),
        &json!({ "active": false }),
    );
    assert_eq!(r.status, 400);
    assert_eq!(
        s.send(
            "DELETE",
            &format!("/api/v1/enterprise/users/{}", inv["id"].as_str().unwrap()),
            Some(&admin),
            &json!({})
        )
        .status,
        204
    );
}

#[test]
fn the_org_chart_is_a_tree_and_cycles_are_refused() {
    let s = TestServer::start();
    let admin = s.admin_token();
    let mk = |e: &str| add_user(&s.state.db, e, "member", None, PW).unwrap().id;
    let (a, b, c) = (
        mk("a@example.com"),
        mk("b@example.com"),
        mk("c@example.com"),
    );
    assert_eq!(
        s.put(
            &format!("/api/v1/enterprise/users/{b}"),
            Some(&admin),
            &json!({ "reports_to": a })
        )
        .status,
        200
    );
    assert_eq!(
        s.put(
            &format!("/api/v1/enterprise/users/{c}"),
            Some(&admin),
            &json!({ "reports_to": b })
        )
        .status,
        200
    );
    let r = s.put(
        &format!("/api/v1/enterprise/users/{a}"),
        Some(&admin),
        &json!({ "reports_to": c }),
    );
    assert_eq!(r.status, 422);
    assert!(r.detail().contains("cycle"));
    assert_eq!(
        s.put(
            &format!("/api/v1/enterprise/users/{a}"),
            Some(&admin),
            &json!({ "reports_to": a })
        )
        .status,
        422
    );
    let tree = s.get("/api/v1/enterprise/orgchart", Some(&admin)).json();
    let root = tree
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == a.as_str())
        .unwrap();
    assert_eq!(root["reports"][0]["id"], b.as_str());
    assert_eq!(root["reports"][0]["reports"][0]["id"], c.as_str());
}

#[test]
fn allocation_compares_open_estimates_with_capacity_and_logged_time() {
    let s = TestServer::start();
    let (admin, member, _, project, _) = workspace(&s);
    let me = s.get("/api/v1/auth/me", Some(&member)).json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    s.put(
        &format!("/api/v1/enterprise/users/{me}"),
        Some(&admin),
        &json!({ "capacity_hours": 20 }),
    );
    let t = new_task(
        &s,
        &member,
        json!({ "title": "Big", "project_id": project, "assignee_id": me, "estimated_minutes": 600 }),
    );
    s.post(
        "/api/v1/timesheets/",
        Some(&member),
        &json!({ "task_id": t["id"], "minutes": 90 }),
    );
    let list = s.get("/api/v1/enterprise/allocation", Some(&member)).json()["items"].clone();
    let row = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["user_id"] == me.as_str())
        .unwrap();
    assert_eq!(row["open_tasks"], 1);
    assert_eq!(row["estimated_hours"], 10.0);
    assert_eq!(row["utilization_pct"], 50.0);
    assert_eq!(row["logged_hours_week"], 1.5);
}

#[test]
fn sharing_a_task_with_another_project_makes_it_visible_there() {
    let s = TestServer::start();
    let (admin, member, outsider, project, client) = workspace(&s);
    let oscar = s.get("/api/v1/auth/me", Some(&outsider)).json()["id"].clone();
    let me = s.get("/api/v1/auth/me", Some(&member)).json()["id"].clone();
    let other = s
        .post(
            &format!("/api/v1/enterprise/clients/{client}/projects"),
            Some(&admin),
            &json!({ "name": "Other", "member_ids": [oscar, me] }),
        )
        .json();
    let t = new_task(
        &s,
        &member,
        json!({ "title": "Shared", "project_id": project }),
    );
    let tid = t["id"].as_str().unwrap();
    assert_eq!(
        s.get(&format!("/api/v1/tasks/{tid}"), Some(&outsider))
            .status,
        404
    );
    let body = json!({ "resource_type": "task", "resource_id": tid, "target_type": "project", "target_id": other["id"] });
    assert_eq!(
        s.post("/api/v1/enterprise/share", Some(&outsider), &body)
            .status,
        404,
        "cannot share what one cannot see"
    );
    let r = s.post("/api/v1/enterprise/share", Some(&member), &body);
    assert_eq!(r.status, 201, "{}", r.text);
    let share_id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        s.get(&format!("/api/v1/tasks/{tid}"), Some(&outsider))
            .status,
        200
    );
    let r = s.put(
        &format!("/api/v1/tasks/{tid}"),
        Some(&outsider),
        &json!({ "title": "Mine now" }),
    );
    assert_eq!(r.status, 403, "a share grants read only: {}", r.text);
    assert_eq!(
        s.send(
            "DELETE",
            &format!("/api/v1/tasks/{tid}"),
            Some(&outsider),
            &json!({})
        )
        .status,
        403
    );
    assert_eq!(
        s.get(
            &format!("/api/v1/enterprise/shares?resource_id={tid}"),
            Some(&outsider)
        )
        .json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.send(
            "DELETE",
            &format!("/api/v1/enterprise/shares/{share_id}"),
            Some(&outsider),
            &json!({})
        )
        .status,
        403
    );
    assert_eq!(
        s.send(
            "DELETE",
            &format!("/api/v1/enterprise/shares/{share_id}"),
            Some(&member),
            &json!({})
        )
        .status,
        204
    );
    assert_eq!(
        s.get(&format!("/api/v1/tasks/{tid}"), Some(&outsider))
            .status,
        404
    );
    let bad = json!({ "resource_type": "spaceship", "resource_id": tid, "target_type": "project", "target_id": other["id"] });
    let r = s.post("/api/v1/enterprise/share", Some(&member), &bad);
    assert_eq!(r.status, 422);
    assert!(
        r.detail().starts_with("resource_type must be one of") && r.detail().contains("task"),
        "the registered kinds are listed: {}",
        r.detail()
    );
}

#[test]
fn associating_a_personal_task_moves_it_onto_the_project_board() {
    let s = TestServer::start();
    let (_, member, outsider, project, client) = workspace(&s);
    let t = new_task(&s, &member, json!({ "title": "Loose" }));
    let sub = new_task(
        &s,
        &member,
        json!({ "title": "Loose child", "parent_task_id": t["id"] }),
    );
    let tid = t["id"].as_str().unwrap();
    let body = json!({ "resource_type": "task", "resource_id": tid, "client_id": client, "project_id": project });
    assert_eq!(
        s.put("/api/v1/enterprise/associate", Some(&outsider), &body)
            .status,
        404
    );
    let r = s.put("/api/v1/enterprise/associate", Some(&member), &body);
    assert_eq!(r.status, 200, "{}", r.text);
    let moved = s.get(&format!("/api/v1/tasks/{tid}"), Some(&member)).json();
    assert_eq!(moved["project_id"], project.as_str());
    assert_eq!(moved["column"], "Backlog");
    let child = s
        .get(
            &format!("/api/v1/tasks/{}", sub["id"].as_str().unwrap()),
            Some(&member),
        )
        .json();
    assert_eq!(child["project_id"], project.as_str());
    let r = s.put(
        "/api/v1/enterprise/associate",
        Some(&member),
        &json!({ "resource_type": "task", "resource_id": tid, "project_id": "nope" }),
    );
    assert_eq!(
        r.status, 404,
        "a project the caller may not use is not found"
    );
}

#[test]
fn the_legacy_subtask_route_creates_a_kanban_task() {
    let s = TestServer::start();
    let (_, member, outsider, project, _) = workspace(&s);
    let parent = new_task(
        &s,
        &member,
        json!({ "title": "Parent", "project_id": project }),
    );
    let r = s.post(
        &format!("/api/v1/enterprise/projects/{project}/subtasks"),
        Some(&member),
        &json!({ "title": "Step 1", "parent_task_id": parent["id"] }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["parent_task_id"], parent["id"]);
    let list = s
        .get(
            &format!("/api/v1/tasks/?project_id={project}"),
            Some(&member),
        )
        .json()["items"]
        .clone();
    assert_eq!(list[0]["subtask_count"], 1);
    assert_eq!(
        s.post(
            &format!("/api/v1/enterprise/projects/{project}/subtasks"),
            Some(&outsider),
            &json!({ "title": "x" })
        )
        .status,
        404
    );
}
