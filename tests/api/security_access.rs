//! Security review, access findings: shares are read-only on tasks (2), claude-code patterns only
//! read visible sources (3).
use crate::helpers::*;
use crate::tasks::{new_task, workspace};
use serde_json::json;

#[test]
fn a_task_shared_with_you_cannot_be_commented_on_or_given_subtasks() {
    let s = TestServer::start();
    let (admin, member, outsider, project, client) = workspace(&s);
    let oscar = s.get("/api/v1/auth/me", Some(&outsider)).json()["id"].clone();
    let mia = s.get("/api/v1/auth/me", Some(&member)).json()["id"].clone();
    let other = s
        .post(
            &format!("/api/v1/enterprise/clients/{client}/projects"),
            Some(&admin),
            &json!({ "name": "Other", "member_ids": [oscar, mia] }),
        )
        .json();
    let t = new_task(
        &s,
        &member,
        json!({ "title": "Plan", "project_id": project }),
    );
    let tid = t["id"].as_str().unwrap();
    let share = json!({ "resource_type": "task", "resource_id": tid, "target_type": "project", "target_id": other["id"] });
    assert_eq!(
        s.post("/api/v1/enterprise/share", Some(&member), &share)
            .status,
        201
    );
    assert_eq!(
        s.get(&format!("/api/v1/tasks/{tid}/comments"), Some(&outsider))
            .status,
        200,
        "a share still reads"
    );
    let r = s.post(
        &format!("/api/v1/tasks/{tid}/comments"),
        Some(&outsider),
        &json!({ "content": "I was here" }),
    );
    assert_eq!(r.status, 403, "{}", r.text);
    let r = s.post(
        "/api/v1/tasks/",
        Some(&outsider),
        &json!({ "title": "Sneaky subtask", "parent_task_id": tid }),
    );
    assert_eq!(r.status, 403, "{}", r.text);
    // The project member still can.
    let r = s.post(
        &format!("/api/v1/tasks/{tid}/comments"),
        Some(&member),
        &json!({ "content": "On it" }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
}

#[test]
fn claude_code_patterns_read_only_the_sources_the_caller_may_see() {
    let s = TestServer::start();
    let (admin, member, _, project, _) = workspace(&s);
    let col = s
        .post(
            "/api/v1/collections",
            Some(&admin),
            &json!({ "name": "Shared shelf" }),
        )
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = s.post(
        "/api/v1/sources/import/paste",
        Some(&admin),
        &json!({ "title": "Private", "content": "Confidential salary plan for the board.", "collection_id": col }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    s.drain_jobs();
    let share = json!({ "resource_type": "collection", "resource_id": col, "target_type": "project", "target_id": project });
    let r = s.post("/api/v1/enterprise/share", Some(&admin), &share);
    assert_eq!(r.status, 201, "{}", r.text);

    let mine = s.get(&format!("/api/v1/claude-code/patterns/{col}"), Some(&admin));
    assert_eq!(mine.json()["sources"], 1, "{}", mine.text);
    let theirs = s.get(
        &format!("/api/v1/claude-code/patterns/{col}"),
        Some(&member),
    );
    assert_eq!(theirs.status, 200, "{}", theirs.text);
    assert_eq!(theirs.json()["sources"], 0, "{}", theirs.text);
    assert!(!theirs.text.contains("salary"), "{}", theirs.text);
}

#[test]
fn members_see_only_colleagues_in_people_views_and_never_their_rates() {
    let s = TestServer::start();
    let (admin, member, outsider, project, _) = workspace(&s);
    let oscar = s.get("/api/v1/auth/me", Some(&outsider)).json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let admin_id = s.get("/api/v1/auth/me", Some(&admin)).json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let now = chrono::Utc::now().to_rfc3339();
    s.state
        .db
        .write_blocking(|tx| {
            tx.execute(
                "INSERT INTO ai_logs (id, provider, model, function, user_id, status, latency_ms, total_tokens, created_at)
                 VALUES ('log-oscar', 'openai', 'm', 'chat', ?1, 'ok', 5, 100, ?2)",
                rusqlite::params![oscar, now],
            )
        })
        .unwrap();
    let team = s.post(
        "/api/v1/enterprise/teams",
        Some(&admin),
        &json!({ "name": "Night shift", "member_ids": [oscar] }),
    );
    assert_eq!(team.status, 201, "{}", team.text);
    let team = team.json()["id"].as_str().unwrap().to_string();

    for path in [
        "/api/v1/enterprise/orgchart",
        "/api/v1/enterprise/allocation",
        "/api/v1/enterprise/teams",
        "/api/v1/ai-logs/leaderboard?period=all",
    ] {
        let r = s.get(path, Some(&member));
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        assert!(
            !r.text.contains(&oscar),
            "{path} shows an outsider: {}",
            r.text
        );
        let all = s.get(path, Some(&admin));
        assert!(all.text.contains(&oscar), "{path}: the admin sees everyone");
    }
    assert_eq!(
        s.get(&format!("/api/v1/enterprise/teams/{team}"), Some(&member))
            .status,
        404
    );

    let r = s.put(
        &format!("/api/v1/enterprise/users/{admin_id}"),
        Some(&admin),
        &json!({ "hourly_rate": 150.0 }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let t = new_task(
        &s,
        &admin,
        json!({ "title": "Billable", "project_id": project }),
    );
    let r = s.post(
        "/api/v1/timesheets/",
        Some(&admin),
        &json!({ "task_id": t["id"], "minutes": 60 }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let seen = s.get("/api/v1/timesheets/", Some(&member)).json();
    assert_eq!(seen["items"].as_array().unwrap().len(), 1, "{seen}");
    assert_eq!(seen["items"][0]["hourly_rate"], serde_json::Value::Null);
    let report = s.get("/api/v1/timesheets/report", Some(&member)).json();
    assert_eq!(report["billable_amount"], 0.0, "{report}");
    let own = s.get("/api/v1/timesheets/", Some(&admin)).json();
    assert_eq!(own["items"][0]["hourly_rate"], 150.0);
}

#[test]
fn knowledge_tools_in_a_shared_conversation_return_only_what_every_member_may_see() {
    use crate::fake_llm::{new_conversation, send};
    let s = TestServer::start();
    let admin = s.admin_token();
    let (member_id, _) = s.member("pat@example.com");
    let r = s.post(
        "/api/v1/sources/import/paste",
        Some(&admin),
        &json!({"title": "Pricing notes", "content": "Our studio plan costs forty euros per seat and includes unlimited drafts."}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    s.drain_jobs();
    let ask =
        json!({"content": "Search my sources for studio plan seat price", "tools_enabled": true});
    let text = |frames: &[serde_json::Value]| {
        frames
            .iter()
            .filter_map(|f| f["delta"].as_str().or(f["text"].as_str()))
            .collect::<String>()
            + &serde_json::to_string(frames).unwrap()
    };
    let alone = new_conversation(&s, &admin);
    let (_, frames) = send(&s, &admin, &alone, ask.clone());
    assert!(text(&frames).contains("forty euros"), "control: {frames:?}");

    let shared = new_conversation(&s, &admin);
    let r = s.post(
        &format!("/api/v1/chat/conversations/{shared}/share"),
        Some(&admin),
        &json!({ "user_id": member_id }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let (_, frames) = send(&s, &admin, &shared, ask);
    assert!(!text(&frames).contains("forty euros"), "{frames:?}");
}
