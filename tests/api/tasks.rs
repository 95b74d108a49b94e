//! Kanban: boards, dense atomic moves, subtasks, bad input, visibility, comments, timers, overdue,
//! and the productivity report.
use crate::helpers::*;
use neuromancer::users::admin::add_user;
use serde_json::{Value, json};

pub const PW: &str = "violet-harbor-77";

/// A client + project, with a member inside it and an outsider; returns (admin, member, outsider, project id, client id).
pub fn workspace(s: &TestServer) -> (String, String, String, String, String) {
    let admin = s.admin_token();
    let m = add_user(&s.state.db, "mia@example.com", "member", Some("Mia"), PW).unwrap();
    add_user(
        &s.state.db,
        "oscar@example.com",
        "member",
        Some("Oscar"),
        PW,
    )
    .unwrap();
    let client = s
        .post(
            "/api/v1/enterprise/clients",
            Some(&admin),
            &json!({ "name": "Acme" }),
        )
        .json();
    let project = s
        .post(
            &format!(
                "/api/v1/enterprise/clients/{}/projects",
                client["id"].as_str().unwrap()
            ),
            Some(&admin),
            &json!({ "name": "Launch", "member_ids": [m.id] }),
        )
        .json();
    let member = s.login("mia@example.com", PW);
    let outsider = s.login("oscar@example.com", PW);
    (
        admin,
        member,
        outsider,
        project["id"].as_str().unwrap().into(),
        client["id"].as_str().unwrap().into(),
    )
}

pub fn columns(s: &TestServer, t: &str, project: &str) -> Vec<Value> {
    let r = s.get(
        &format!("/api/v1/tasks/columns?project_id={project}"),
        Some(t),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["items"].as_array().unwrap().clone()
}

pub fn new_task(s: &TestServer, t: &str, body: Value) -> Value {
    let r = s.post("/api/v1/tasks/", Some(t), &body);
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()
}

fn events(s: &TestServer, kind: &str) -> Vec<Value> {
    let c = s.state.db.conn().unwrap();
    let mut st = c
        .prepare("SELECT data FROM events WHERE type = ?1 ORDER BY created_at")
        .unwrap();
    st.query_map([kind], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|d| serde_json::from_str(&d.unwrap()).unwrap())
        .collect()
}

fn positions(s: &TestServer, t: &str, project: &str, column: &str) -> Vec<i64> {
    let list = s
        .get(
            &format!("/api/v1/tasks/?project_id={project}&column_id={column}"),
            Some(t),
        )
        .json()["items"]
        .clone();
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| x["position"].as_i64().unwrap())
        .collect()
}

#[test]
fn a_new_board_has_default_columns_with_one_done_column() {
    let s = TestServer::start();
    let (_, member, _, project, _) = workspace(&s);
    let cols = columns(&s, &member, &project);
    let names: Vec<&str> = cols.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Backlog", "To do", "In progress", "Review", "Done"]);
    assert_eq!(cols.iter().filter(|c| c["is_done"] == true).count(), 1);
    // Asking again does not seed twice.
    assert_eq!(columns(&s, &member, &project).len(), 5);
    // A personal board works without a project.
    assert_eq!(
        s.get("/api/v1/tasks/columns", Some(&member)).json()["items"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
}

#[test]
fn moving_a_task_reorders_densely_and_done_sets_completed_at_with_events() {
    let s = TestServer::start();
    let (_, member, _, project, client) = workspace(&s);
    let cols = columns(&s, &member, &project);
    let (todo, done) = (
        cols[0]["id"].as_str().unwrap(),
        cols[4]["id"].as_str().unwrap(),
    );
    let ids: Vec<String> = (0..4)
        .map(|i| {
            new_task(
                &s,
                &member,
                json!({ "title": format!("T{i}"), "project_id": project }),
            )["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(positions(&s, &member, &project, todo), [0, 1, 2, 3]);
    // Move the last to the top of the same column.
    let r = s.put(
        &format!("/api/v1/tasks/{}/move", ids[3]),
        Some(&member),
        &json!({ "column_id": todo, "position": 0 }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let titles: Vec<String> = s
        .get(
            &format!("/api/v1/tasks/?project_id={project}"),
            Some(&member),
        )
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(titles, ["T3", "T0", "T1", "T2"]);
    // Move one into Done.
    let r = s.put(
        &format!("/api/v1/tasks/{}/move", ids[1]),
        Some(&member),
        &json!({ "column_id": done, "position": 0 }),
    );
    let moved = r.json();
    assert_eq!(moved["column"], "Done");
    assert!(moved["completed_at"].is_string());
    assert_eq!(positions(&s, &member, &project, todo), [0, 1, 2]);
    assert_eq!(positions(&s, &member, &project, done), [0]);
    let ev = events(&s, "task.moved");
    let last = ev.last().unwrap();
    assert_eq!(last["from_column_id"], todo);
    assert_eq!(last["to_column_id"], done);
    assert_eq!(last["project_id"], project.as_str());
    assert_eq!(last["client_id"], client.as_str());
    assert_eq!(events(&s, "task.completed").len(), 1);
    assert_eq!(events(&s, "task.created").len(), 4);
    // Moving back out clears completion.
    let back = s
        .put(
            &format!("/api/v1/tasks/{}/move", ids[1]),
            Some(&member),
            &json!({ "column_id": todo }),
        )
        .json();
    assert!(back["completed_at"].is_null());
    assert_eq!(back["position"], 3);
}

#[test]
fn a_board_travels_gzipped_to_clients_that_take_it_and_stays_current() {
    let s = TestServer::start();
    let (_, member, _, project, _) = workspace(&s);
    for i in 0..30 {
        new_task(
            &s,
            &member,
            json!({ "title": format!("Card {i}"), "project_id": project }),
        );
    }
    let path = format!("/api/v1/tasks/?project_id={project}");
    let ask = |encoding: &str| {
        raw_exchange(
            &s.base,
            &format!(
                "GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {member}\r\nAccept-Encoding: {encoding}\r\nConnection: close\r\n\r\n"
            ),
        )
    };
    let (head, gz) = ask("gzip, deflate, br");
    assert!(head.contains("content-encoding: gzip"), "{head}");
    let mut inflated = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut inflated)
        .unwrap();
    let (head, plain) = ask("identity");
    assert!(!head.contains("content-encoding"), "{head}");
    assert_eq!(inflated.as_bytes(), &plain[..], "same board either way");
    let board: Value = serde_json::from_str(&inflated).unwrap();
    assert_eq!(board["total"], 30);
    let cards = board["items"].as_array().unwrap();
    assert_eq!(cards.len(), 30);
    // A write retires the cached (and compressed) body.
    let id = cards[0]["id"].as_str().unwrap();
    let r = s.put(
        &format!("/api/v1/tasks/{id}"),
        Some(&member),
        &json!({ "title": "Renamed" }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let (_, gz) = ask("gzip");
    let mut inflated = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut inflated)
        .unwrap();
    assert!(inflated.contains("\"Renamed\""));
}

#[test]
fn concurrent_moves_keep_positions_dense_without_duplicates() {
    let s = TestServer::start();
    let (_, member, _, project, _) = workspace(&s);
    let cols = columns(&s, &member, &project);
    let col_ids: Vec<String> = cols
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    let ids: Vec<String> = (0..12)
        .map(|i| {
            new_task(
                &s,
                &member,
                json!({ "title": format!("T{i}"), "project_id": project }),
            )["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    std::thread::scope(|sc| {
        for w in 0..6 {
            let (s, member, ids, col_ids) = (&s, &member, &ids, &col_ids);
            sc.spawn(move || {
                for i in 0..10 {
                    let id = &ids[(w * 7 + i * 5) % ids.len()];
                    let col = &col_ids[(w + i) % 3];
                    let r = s.put(
                        &format!("/api/v1/tasks/{id}/move"),
                        Some(member),
                        &json!({ "column_id": col, "position": (i % 4) }),
                    );
                    assert_eq!(r.status, 200, "{}", r.text);
                }
            });
        }
    });
    let mut total = 0;
    for col in &col_ids {
        let mut p = positions(&s, &member, &project, col);
        p.sort();
        let n = p.len() as i64;
        assert_eq!(p, (0..n).collect::<Vec<_>>(), "column {col} is dense");
        total += n;
    }
    assert_eq!(total, 12);
}

#[test]
fn the_task_list_is_paged_in_board_order_with_a_total() {
    let s = TestServer::start();
    let (_, member, _, project, _) = workspace(&s);
    for i in 0..5 {
        new_task(
            &s,
            &member,
            json!({ "title": format!("Card {i}"), "project_id": project }),
        );
    }
    let page = |q: &str| {
        s.get(
            &format!("/api/v1/tasks/?project_id={project}&{q}"),
            Some(&member),
        )
    };
    let first = page("limit=2").json();
    assert_eq!(first["total"], 5);
    assert_eq!(first["limit"], 2);
    assert_eq!(first["offset"], 0);
    let titles = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(titles(&first), ["Card 0", "Card 1"]);
    assert_eq!(titles(&page("limit=2&offset=4").json()), ["Card 4"]);
    assert_eq!(page("limit=0").status, 422);
    assert_eq!(page("limit=201").status, 422);
}

#[test]
fn subtasks_are_hidden_by_default_counted_on_cards_and_deleted_with_the_parent() {
    let s = TestServer::start();
    let (_, member, _, project, _) = workspace(&s);
    let parent = new_task(
        &s,
        &member,
        json!({ "title": "Parent", "project_id": project }),
    );
    let pid = parent["id"].as_str().unwrap();
    let sub = new_task(
        &s,
        &member,
        json!({ "title": "Child", "parent_task_id": pid }),
    );
    assert_eq!(sub["project_id"], project.as_str());
    new_task(
        &s,
        &member,
        json!({ "title": "Child 2", "parent_task_id": pid }),
    );
    let list = s
        .get(
            &format!("/api/v1/tasks/?project_id={project}"),
            Some(&member),
        )
        .json()["items"]
        .clone();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["subtask_count"], 2);
    assert_eq!(list[0]["subtask_done_count"], 0);
    assert_eq!(
        s.get(
            &format!("/api/v1/tasks/?project_id={project}&include_subtasks=true"),
            Some(&member)
        )
        .json()["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        s.get(
            &format!("/api/v1/tasks/?parent_task_id={pid}"),
            Some(&member)
        )
        .json()["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // A parent that would create a cycle is refused.
    let r = s.put(
        &format!("/api/v1/tasks/{pid}"),
        Some(&member),
        &json!({ "parent_task_id": sub["id"] }),
    );
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.detail().contains("cycle"));
    // Deleting the parent deletes its subtasks.
    assert_eq!(
        s.send(
            "DELETE",
            &format!("/api/v1/tasks/{pid}"),
            Some(&member),
            &json!({})
        )
        .status,
        204
    );
    assert_eq!(
        s.get(
            &format!("/api/v1/tasks/{}", sub["id"].as_str().unwrap()),
            Some(&member)
        )
        .status,
        404
    );
    assert_eq!(events(&s, "task.deleted").len(), 1);
}

#[test]
fn bad_input_is_refused_with_a_clear_detail() {
    let s = TestServer::start();
    let (admin, member, _, project, client) = workspace(&s);
    let other = s
        .post(
            &format!("/api/v1/enterprise/clients/{client}/projects"),
            Some(&admin),
            &json!({ "name": "Other" }),
        )
        .json();
    let other_cols = columns(&s, &admin, other["id"].as_str().unwrap());
    let t = new_task(&s, &member, json!({ "title": "X", "project_id": project }));
    let id = t["id"].as_str().unwrap();
    let r = s.put(
        &format!("/api/v1/tasks/{id}/move"),
        Some(&member),
        &json!({ "column_id": other_cols[0]["id"] }),
    );
    assert_eq!(
        r.status, 404,
        "a column of a project the member is not in is unknown to them: {}",
        r.text
    );
    let r = s.put(
        &format!("/api/v1/tasks/{id}/move"),
        Some(&admin),
        &json!({ "column_id": other_cols[0]["id"] }),
    );
    assert_eq!(r.status, 409, "a column of another board: {}", r.text);
    let r = s.post(
        "/api/v1/tasks/",
        Some(&member),
        &json!({ "title": "X", "project_id": project, "due_date": "next tuesday" }),
    );
    assert_eq!(r.status, 422);
    assert!(r.detail().contains("due_date"));
    let outsider =
        neuromancer::users::admin::add_user(&s.state.db, "zed@example.com", "member", None, PW)
            .unwrap();
    let r = s.post(
        "/api/v1/tasks/",
        Some(&member),
        &json!({ "title": "X", "project_id": project, "assignee_id": outsider.id }),
    );
    assert_eq!(r.status, 400);
    assert!(r.detail().contains("assignee"));
    let r = s.post(
        "/api/v1/tasks/",
        Some(&member),
        &json!({ "title": "X", "priority": "asap" }),
    );
    assert_eq!(r.status, 422);
    let r = s.post(
        "/api/v1/tasks/",
        Some(&member),
        &json!({ "title": "X", "project_id": "nope" }),
    );
    assert_eq!(
        r.status, 404,
        "a project the caller may not use is not found"
    );
    let r = s.post("/api/v1/tasks/", Some(&member), &json!({ "title": "  " }));
    assert_eq!(r.status, 422);
    assert_eq!(s.get("/api/v1/tasks/unknown", Some(&member)).status, 404);
}

#[test]
fn members_see_their_projects_tasks_and_outsiders_get_404() {
    let s = TestServer::start();
    let (admin, member, outsider, project, _) = workspace(&s);
    let t = new_task(
        &s,
        &member,
        json!({ "title": "Secret", "project_id": project }),
    );
    let id = t["id"].as_str().unwrap();
    assert_eq!(
        s.get(&format!("/api/v1/tasks/{id}"), Some(&outsider))
            .status,
        404
    );
    assert_eq!(
        s.put(
            &format!("/api/v1/tasks/{id}"),
            Some(&outsider),
            &json!({ "title": "x" })
        )
        .status,
        404
    );
    assert_eq!(
        s.get(
            &format!("/api/v1/tasks/?project_id={project}"),
            Some(&outsider)
        )
        .json()["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        s.get(
            &format!("/api/v1/tasks/columns?project_id={project}"),
            Some(&outsider)
        )
        .status,
        404
    );
    assert_eq!(
        s.get(&format!("/api/v1/tasks/{id}"), Some(&admin)).status,
        200
    );
    // Joining through a team grants access.
    let oscar = s.get("/api/v1/enterprise/users", Some(&admin)).json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "oscar@example.com")
        .unwrap()["id"]
        .clone();
    let team = s
        .post(
            "/api/v1/enterprise/teams",
            Some(&admin),
            &json!({ "name": "Design", "member_ids": [oscar] }),
        )
        .json();
    let r = s.put(
        &format!("/api/v1/enterprise/projects/{project}"),
        Some(&admin),
        &json!({ "team_ids": [team["id"]] }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        s.get(&format!("/api/v1/tasks/{id}"), Some(&outsider))
            .status,
        200
    );
    // A personal task stays private.
    let mine = new_task(&s, &member, json!({ "title": "Personal" }));
    assert_eq!(
        s.get(
            &format!("/api/v1/tasks/{}", mine["id"].as_str().unwrap()),
            Some(&outsider)
        )
        .status,
        404
    );
}

#[test]
fn comments_are_listed_and_only_the_author_or_an_admin_deletes_them() {
    let s = TestServer::start();
    let (admin, member, _, project, _) = workspace(&s);
    let oscar =
        neuromancer::users::admin::add_user(&s.state.db, "pia@example.com", "member", None, PW)
            .unwrap();
    s.put(
        &format!("/api/v1/enterprise/projects/{project}"),
        Some(&admin),
        &json!({ "member_ids": [oscar.id, s.get("/api/v1/auth/me", Some(&member)).json()["id"]] }),
    );
    let pia = s.login("pia@example.com", PW);
    let t = new_task(
        &s,
        &member,
        json!({ "title": "Discuss", "project_id": project }),
    );
    let id = t["id"].as_str().unwrap();
    let r = s.post(
        &format!("/api/v1/tasks/{id}/comments"),
        Some(&member),
        &json!({ "content": "Looks good" }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let cid = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        s.post(
            &format!("/api/v1/tasks/{id}/comments"),
            Some(&member),
            &json!({ "content": " " })
        )
        .status,
        422
    );
    let list = s
        .get(&format!("/api/v1/tasks/{id}/comments"), Some(&pia))
        .json()["items"]
        .clone();
    assert_eq!(list[0]["content"], "Looks good");
    assert_eq!(list[0]["author_name"], "Mia");
    assert_eq!(
        s.send(
            "DELETE",
            &format!("/api/v1/tasks/comments/{cid}"),
            Some(&pia),
            &json!({})
        )
        .status,
        403
    );
    assert_eq!(
        s.send(
            "DELETE",
            &format!("/api/v1/tasks/comments/{cid}"),
            Some(&admin),
            &json!({})
        )
        .status,
        204
    );
    let ev = events(&s, "comment.created");
    assert_eq!(ev[0]["task_id"], id);
    assert_eq!(ev[0]["project_id"], project.as_str());
}

#[test]
fn one_timer_per_user_and_stopping_records_a_timesheet_entry() {
    let s = TestServer::start();
    let (_, member, _, project, _) = workspace(&s);
    let a = new_task(&s, &member, json!({ "title": "A", "project_id": project }));
    let b = new_task(&s, &member, json!({ "title": "B", "project_id": project }));
    let (a, b) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    let r = s.put(
        &format!("/api/v1/tasks/{a}/timer"),
        Some(&member),
        &json!({ "action": "start" }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["running"], true);
    assert_eq!(
        s.put(
            &format!("/api/v1/tasks/{a}/timer"),
            Some(&member),
            &json!({ "action": "start" })
        )
        .status,
        409
    );
    // Starting on B stops A (recording it).
    let r = s
        .put(
            &format!("/api/v1/tasks/{b}/timer"),
            Some(&member),
            &json!({ "action": "start" }),
        )
        .json();
    assert_eq!(r["task_id"], b);
    assert_eq!(
        s.get("/api/v1/tasks/timer", Some(&member)).json()["task_id"],
        b
    );
    assert_eq!(
        s.put(
            &format!("/api/v1/tasks/{a}/timer"),
            Some(&member),
            &json!({ "action": "stop" })
        )
        .status,
        409
    );
    let r = s
        .put(
            &format!("/api/v1/tasks/{b}/timer"),
            Some(&member),
            &json!({ "action": "stop" }),
        )
        .json();
    assert_eq!(r["running"], false);
    assert_eq!(r["minutes"], 1);
    let entries = s.get("/api/v1/timesheets/", Some(&member)).json()["items"].clone();
    assert_eq!(entries.as_array().unwrap().len(), 2);
    assert!(
        entries
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["source"] == "timer")
    );
    assert_eq!(events(&s, "timer.started").len(), 2);
    assert_eq!(events(&s, "timer.stopped").len(), 2);
    assert_eq!(
        s.put(
            &format!("/api/v1/tasks/{a}/timer"),
            Some(&member),
            &json!({ "action": "pause" })
        )
        .status,
        422
    );
}

#[test]
fn overdue_fires_once_per_task_by_hand_and_from_the_hourly_job() {
    let s = TestServer::start();
    let (admin, member, _, project, _) = workspace(&s);
    new_task(
        &s,
        &member,
        json!({ "title": "Late", "project_id": project, "due_date": "2020-01-01" }),
    );
    new_task(
        &s,
        &member,
        json!({ "title": "Future", "project_id": project, "due_date": "2999-01-01" }),
    );
    let r = s.post("/api/v1/tasks/check-overdue", Some(&member), &json!({}));
    assert_eq!(r.json()["count"], 1);
    assert_eq!(
        s.post("/api/v1/tasks/check-overdue", Some(&member), &json!({}))
            .json()["count"],
        0
    );
    let ev = events(&s, "task.overdue");
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0]["title"], "Late");
    // The recurring job finds new ones without a request.
    new_task(
        &s,
        &admin,
        json!({ "title": "Late 2", "project_id": project, "due_date": "2021-05-05" }),
    );
    s.state
        .db
        .write_blocking(|tx| neuromancer::jobs::enqueue(tx, "tasks.check_overdue", json!({})))
        .unwrap();
    s.drain_jobs();
    assert_eq!(events(&s, "task.overdue").len(), 2);
}

#[test]
fn the_productivity_report_measures_completion_timeliness_and_variance() {
    let s = TestServer::start();
    let (_, member, _, project, _) = workspace(&s);
    let cols = columns(&s, &member, &project);
    let done = cols[4]["id"].as_str().unwrap();
    let a = new_task(
        &s,
        &member,
        json!({ "title": "A", "project_id": project, "estimated_minutes": 60, "due_date": "2999-01-01", "priority": "high" }),
    );
    new_task(
        &s,
        &member,
        json!({ "title": "B", "project_id": project, "priority": "low" }),
    );
    let a = a["id"].as_str().unwrap();
    s.post(
        "/api/v1/timesheets/",
        Some(&member),
        &json!({ "task_id": a, "minutes": 90, "billable": true }),
    );
    s.put(
        &format!("/api/v1/tasks/{a}/move"),
        Some(&member),
        &json!({ "column_id": done }),
    );
    let r = s.get(
        &format!("/api/v1/tasks/productivity-report?days=30&project_id={project}"),
        Some(&member),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let r = r.json();
    assert_eq!(r["total"], 2);
    assert_eq!(r["completion_rate"], 0.5);
    assert_eq!(r["on_time_rate"], 1.0);
    assert_eq!(r["variance_pct"], 50.0);
    assert_eq!(r["by_priority"].as_array().unwrap().len(), 2);
    assert_eq!(r["by_project"][0]["name"], "Launch");
}

#[test]
fn columns_can_be_added_renamed_and_deleted_into_a_target_column() {
    let s = TestServer::start();
    let (_, member, outsider, project, _) = workspace(&s);
    let cols = columns(&s, &member, &project);
    let r = s.post(
        "/api/v1/tasks/columns",
        Some(&member),
        &json!({ "name": "QA", "project_id": project, "position": 3 }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let qa = r.json();
    assert_eq!(qa["position"], 3);
    assert_eq!(
        s.post(
            "/api/v1/tasks/columns",
            Some(&outsider),
            &json!({ "name": "X", "project_id": project })
        )
        .status,
        404
    );
    let names: Vec<String> = columns(&s, &member, &project)
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        ["Backlog", "To do", "In progress", "QA", "Review", "Done"]
    );
    let qid = qa["id"].as_str().unwrap();
    let r = s.put(
        &format!("/api/v1/tasks/columns/{qid}"),
        Some(&member),
        &json!({ "name": "Testing", "wip_limit": 3 }),
    );
    assert_eq!(r.json()["name"], "Testing");
    assert_eq!(r.json()["wip_limit"], 3);
    let t = new_task(
        &s,
        &member,
        json!({ "title": "In QA", "project_id": project, "column_id": qid }),
    );
    new_task(
        &s,
        &member,
        json!({ "title": "Waiting", "project_id": project, "column_id": cols[0]["id"] }),
    );
    let r = s.send(
        "DELETE",
        &format!("/api/v1/tasks/columns/{qid}"),
        Some(&member),
        &json!({}),
    );
    assert_eq!(r.status, 409);
    assert!(r.detail().contains("target_column_id"));
    let backlog = cols[0]["id"].as_str().unwrap();
    let r = s.send(
        "DELETE",
        &format!("/api/v1/tasks/columns/{qid}?target_column_id={backlog}"),
        Some(&member),
        &json!({}),
    );
    assert_eq!(r.status, 204, "{}", r.text);
    let moved = s
        .get(
            &format!("/api/v1/tasks/{}", t["id"].as_str().unwrap()),
            Some(&member),
        )
        .json();
    assert_eq!(moved["column_id"], backlog);
    assert_eq!(positions(&s, &member, &project, backlog), [0, 1]);
    let after: Vec<i64> = columns(&s, &member, &project)
        .iter()
        .map(|c| c["position"].as_i64().unwrap())
        .collect();
    assert_eq!(after, [0, 1, 2, 3, 4]);
}
