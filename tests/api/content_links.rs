//! Contents from every entry point (chat tool, automation, /claude-code/generate), contents in
//! persona simulation, sharing and the preferences learning, and the content events' catalog.
use crate::content::{content, events, generate, openai, paste, stream};
use crate::fake_llm::{self, Reply, has_tool_result, openai_text, send};
use crate::helpers::*;
use serde_json::json;
use std::time::Duration;

#[test]
fn the_chat_tool_create_content_draft_saves_a_real_content() {
    let s = TestServer::start();
    let t = s.admin_token();
    let fake = fake_llm::start(|body| {
        let b = body.to_string();
        if b.contains("## Platform: LinkedIn") {
            Reply::Stream(
                openai_text(&["Hiring ", "two ", "engineers."], (9, 3)),
                Duration::ZERO,
            )
        } else if has_tool_result(body) {
            Reply::Stream(openai_text(&["Draft saved."], (5, 1)), Duration::ZERO)
        } else {
            Reply::Stream(
                fake_llm::openai_tool_call(
                    "create_content_draft",
                    r#"{"platform":"linkedin","brief":"We are hiring two engineers"}"#,
                ),
                Duration::ZERO,
            )
        }
    });
    openai(&s, &t, &fake);
    let conv = fake_llm::new_conversation(&s, &t);
    let (_, frames) = send(
        &s,
        &t,
        &conv,
        json!({"content": "Draft a LinkedIn post: we are hiring", "tools_enabled": true}),
    );
    let done = frames
        .iter()
        .find(|f| f["tool_use"] == "create_content_draft" && f["status"] != "started")
        .expect("the tool ran");
    assert_eq!(done["status"], "finished", "{done}");
    let id = done["result"]["content_id"].as_str().unwrap();
    let c = content(&s, &t, id);
    assert_eq!(c["draft_content"], "Hiring two engineers.");
    assert_eq!(c["brief"], "We are hiring two engineers");
    assert_eq!(events(&s, "content.created").len(), 1);
}

#[test]
fn the_automation_action_generate_content_saves_a_content() {
    let s = TestServer::start();
    let t = s.admin_token();
    paste(
        &s,
        &t,
        "Launch notes",
        "The launch of Atlas 2 is set for March 3. Atlas 2 imports 40,000 rows per second.",
    );
    let r = s.post(
        "/api/v1/automations/",
        Some(&t),
        &json!({ "name": "Draft", "trigger": "task.created", "action": "generate_content",
                 "action_config": { "prompt": "Write about {{task.title}}", "platform": "x" } }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let a = r.json()["id"].as_str().unwrap().to_string();
    let r = s.post(
        &format!("/api/v1/automations/{a}/test"),
        Some(&t),
        &json!({}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["status"], "succeeded", "{}", r.text);
    let out = r.json()["output"].clone();
    let c = content(&s, &t, out["content_id"].as_str().unwrap());
    assert_eq!(c["platform"], "x");
    assert_eq!(c["brief"], out["prompt"]);
    assert_eq!(c["draft_content"], out["text"]);
}

#[test]
fn claude_code_generate_saves_a_content_through_the_same_path() {
    let s = TestServer::start();
    let t = s.admin_token();
    let source = paste(
        &s,
        &t,
        "Backups",
        "Our online backup API keeps 35 daily snapshots for every customer.",
    );
    let r = s.post(
        "/api/v1/claude-code/generate",
        Some(&t),
        &json!({ "brief": "Write about backups and daily snapshots", "platform": "blog" }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let g = r.json();
    assert_eq!(g["platform"], "blog");
    assert!(g["prompt"].as_str().unwrap().contains("online backup API"));
    assert_eq!(g["passages"][0]["doc_id"], source);
    assert!(
        g["draft_content"]
            .as_str()
            .unwrap()
            .contains("35 daily snapshots"),
        "{g}"
    );
    let c = content(&s, &t, g["content_id"].as_str().unwrap());
    assert_eq!(c["draft_content"], g["draft_content"]);
    assert_eq!(c["warnings"], g["warnings"]);
    let r = s.post(
        "/api/v1/claude-code/generate",
        Some(&t),
        &json!({ "brief": "x", "platform": "myspace" }),
    );
    assert_eq!(r.status, 422);
}

#[test]
fn a_persona_simulates_against_a_content_and_not_a_source_id() {
    let s = TestServer::start();
    let t = s.admin_token();
    let source = paste(
        &s,
        &t,
        "Notes",
        "Founders want fewer meetings and faster hiring.",
    );
    let (d, _) = generate(
        &s,
        &t,
        json!({ "platform": "linkedin", "brief": "Founders and hiring" }),
    );
    let persona = s.get("/api/v1/personas/", Some(&t)).json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = s.post(
        &format!("/api/v1/personas/{persona}/simulate"),
        Some(&t),
        &json!({ "content_id": d["content_id"] }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let r = s.post(
        &format!("/api/v1/personas/{persona}/simulate"),
        Some(&t),
        &json!({ "content_id": source }),
    );
    assert_eq!(r.status, 404, "a source id is not a content");
}

#[test]
fn content_feedback_feeds_the_preferences_learning() {
    let s = TestServer::start();
    let t = s.admin_token();
    let source = paste(
        &s,
        &t,
        "Post",
        "I shipped the new onboarding. Activation doubled in a week. #growth",
    );
    let (d, _) = generate(
        &s,
        &t,
        json!({ "platform": "linkedin", "brief": "onboarding activation" }),
    );
    let id = d["content_id"].as_str().unwrap();
    let r = s.post(
        &format!("/api/v1/content/{id}/feedback"),
        Some(&t),
        &json!({ "score": 5, "summary": "Great hook", "tags": ["punchy"] }),
    );
    assert_eq!(r.status, 201);
    let f = stream(
        &s,
        &t,
        "/api/v1/learnings/generate",
        json!({ "source_ids": [source] }),
    );
    let pref = f
        .iter()
        .filter_map(|x| x.get("learning"))
        .find(|l| l["type"] == "preferences")
        .expect("a preferences learning")
        .clone();
    assert_eq!(pref["data"]["content_feedback"]["ratings"], 1);
    assert_eq!(
        pref["data"]["content_feedback"]["by_platform"][0]["platform"],
        "linkedin"
    );
    let text = pref["content"].as_str().unwrap();
    assert!(
        text.contains("LinkedIn drafts score best (5.0/5 over 1)")
            && text.contains("punchy")
            && text.contains("Great hook"),
        "{text}"
    );
}

#[test]
fn contents_are_shared_and_their_events_are_in_the_catalog() {
    let s = TestServer::start();
    let t = s.admin_token();
    let (mid, member) = s.member("mia@example.com");
    let client = s
        .post(
            "/api/v1/enterprise/clients",
            Some(&t),
            &json!({ "name": "Acme" }),
        )
        .json();
    let project = s
        .post(
            &format!(
                "/api/v1/enterprise/clients/{}/projects",
                client["id"].as_str().unwrap()
            ),
            Some(&t),
            &json!({ "name": "Launch", "member_ids": [mid] }),
        )
        .json();
    let (d, _) = generate(
        &s,
        &t,
        json!({ "platform": "linkedin", "brief": "Private draft" }),
    );
    let id = d["content_id"].as_str().unwrap();
    assert_eq!(
        s.get(&format!("/api/v1/content/{id}"), Some(&member))
            .status,
        404
    );
    let r = s.post("/api/v1/enterprise/share", Some(&t), &json!({ "resource_type": "content", "resource_id": id, "target_type": "project", "target_id": project["id"] }));
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        s.get(&format!("/api/v1/content/{id}"), Some(&member))
            .status,
        200
    );
    assert_eq!(
        s.put(
            &format!("/api/v1/content/{id}"),
            Some(&member),
            &json!({ "status": "approved" })
        )
        .status,
        403,
        "a share grants read only"
    );
    let r = s.put("/api/v1/enterprise/associate", Some(&t), &json!({ "resource_type": "content", "resource_id": id, "client_id": client["id"], "project_id": project["id"] }));
    assert!(r.status < 300, "{}", r.text);
    assert_eq!(content(&s, &t, id)["project_id"], project["id"]);
    let catalog = s.get("/api/v1/webhooks/events", Some(&t)).text;
    for e in [
        "content.created",
        "content.updated",
        "content.status_changed",
    ] {
        assert!(catalog.contains(e), "{e}");
    }
}

/// With the planner's `plan` resource registered (the planner area registers it in `app.rs`),
/// generating with `plan_item_id` links the item in the same write: content_id set, status
/// `drafted`. Driven through the domain on a state whose registry has that resource.
#[test]
fn generating_for_a_plan_item_links_it_and_marks_it_drafted() {
    use neuromancer::access::{Resource, Resources, Viewer};
    use neuromancer::domain::content::{
        self,
        generate::{Ask, GenerateRequest, generate_blocking},
    };
    let dir = tempfile::tempdir().unwrap();
    let mut registry = neuromancer::app::registry();
    registry.resources = Resources::new(vec![
        content::RESOURCE,
        Resource::shareable("plan", "plans"),
    ]);
    let state = neuromancer::state::AppState::new(test_config(dir.path()), registry).unwrap();
    let add = |email: &str| {
        let u = neuromancer::users::admin::add_user(
            &state.db,
            email,
            "member",
            None,
            "member-pass-123",
        )
        .unwrap();
        Viewer {
            user_id: u.id,
            admin: false,
        }
    };
    let (owner, other) = (add("owner@example.com"), add("other@example.com"));
    let uid = owner.user_id.clone();
    state
        .db
        .write_blocking(|tx| -> rusqlite::Result<()> {
            tx.execute(
                "INSERT INTO plans (id, owner_id, title, start_date, end_date, created_at, updated_at)
                 VALUES ('p1', ?1, 'Launch', '2026-12-01', '2026-12-31', 'now', 'now')",
                [&uid],
            )?;
            tx.execute(
                "INSERT INTO plan_items (id, plan_id, date, platform, title, brief, created_at, updated_at)
                 VALUES ('i1', 'p1', '2026-12-02', 'linkedin', 'Kick-off', 'Announce the launch', 'now', 'now')",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    let conn = state.db.conn().unwrap();
    let ask = |item: &str| {
        Ask::Generate(GenerateRequest {
            platform: "linkedin".into(),
            brief: "Announce the launch".into(),
            plan_item_id: Some(item.into()),
            ..Default::default()
        })
    };
    let err = generate_blocking(&state, &other, ask("i1")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "plan item not found",
        "another user's plan"
    );
    let err = generate_blocking(&state, &owner, ask("nope")).unwrap_err();
    assert_eq!(err.to_string(), "plan item not found");
    let saved = generate_blocking(&state, &owner, ask("i1")).unwrap();
    let (linked, status): (String, String) = conn
        .query_row(
            "SELECT content_id, status FROM plan_items WHERE id = 'i1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (linked.as_str(), status.as_str()),
        (saved.content_id.as_str(), "drafted")
    );
    let detail = actix_web::rt::System::new()
        .block_on(content::get(&state.db, owner, saved.content_id))
        .unwrap()
        .unwrap();
    assert_eq!(detail.plan_item_id.as_deref(), Some("i1"));
}
