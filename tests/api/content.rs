//! The content studio: offline generation grounded in the user's sources, generation through
//! the fake provider (frames, prompt, provenance), platform rules and X threads, versions,
//! edits, events, feedback, templates and member isolation.
use crate::fake_llm::{self, Reply, frames, openai_text, streamed_text};
use crate::helpers::*;
use serde_json::{Value, json};
use std::time::Duration;

pub fn paste(s: &TestServer, t: &str, title: &str, content: &str) -> String {
    let r = s.post(
        "/api/v1/sources/import/paste",
        Some(t),
        &json!({ "title": title, "content": content }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_string();
    s.drain_jobs();
    id
}

/// POST an SSE route; its frames (panics unless 200).
pub fn stream(s: &TestServer, t: &str, path: &str, body: Value) -> Vec<Value> {
    let r = s.post(path, Some(t), &body);
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        r.header("content-type")
            .unwrap_or_default()
            .starts_with("text/event-stream")
    );
    frames(&r.text)
}

/// Generate and return (done frame, every frame).
pub fn generate(s: &TestServer, t: &str, body: Value) -> (Value, Vec<Value>) {
    let f = stream(s, t, "/api/v1/content/generate", body);
    let done = f.last().cloned().unwrap();
    assert_eq!(done["done"], true, "{f:?}");
    (done, f)
}

pub fn content(s: &TestServer, t: &str, id: &str) -> Value {
    let r = s.get(&format!("/api/v1/content/{id}"), Some(t));
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

pub fn events(s: &TestServer, kind: &str) -> Vec<Value> {
    let c = s.state.db.conn().unwrap();
    let mut st = c
        .prepare("SELECT data FROM events WHERE type = ?1 ORDER BY created_at")
        .unwrap();
    st.query_map([kind], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|d| serde_json::from_str(&d.unwrap()).unwrap())
        .collect()
}

pub fn openai(s: &TestServer, t: &str, fake: &fake_llm::FakeLlm) {
    fake_llm::configure(
        s,
        t,
        json!({"openai_base_url": format!("{}/v1", fake.svc.base), "openai_api_key": "sk-test-abcdefghijkl", "default_provider": "openai"}),
    );
}

const WAREHOUSE: &str = "The Lyon warehouse shipped 73,914 parcels in October.\n\nNadia Okafor, who runs the night shift, cut the average picking time to 41 seconds. Returns dropped to 1.8% after the new packing line went live.";

#[test]
fn offline_generation_quotes_the_users_source_and_saves_the_draft() {
    let s = TestServer::start();
    let t = s.admin_token();
    let source = paste(&s, &t, "Lyon warehouse report", WAREHOUSE);
    paste(
        &s,
        &t,
        "Bread",
        "Sourdough needs a lively starter and a long proof.",
    );
    let (done, f) = generate(
        &s,
        &t,
        json!({ "platform": "linkedin", "brief": "Write a LinkedIn post about the Lyon warehouse parcels in October" }),
    );
    assert_eq!(f[0]["stage"], "retrieving", "{f:?}");
    assert!(f.iter().any(|x| x["stage"] == "drafting"));
    assert!(f.iter().any(|x| x["stage"] == "checking"));
    assert!(f.iter().filter(|x| x["content"].is_string()).count() > 1);
    assert_eq!(done["version"], 1);
    let id = done["content_id"].as_str().unwrap();
    let c = content(&s, &t, id);
    let draft = c["draft_content"].as_str().unwrap();
    assert!(
        draft.contains("73,914"),
        "the number only the source has:\n{draft}"
    );
    assert_eq!(streamed_text(&f).trim(), draft);
    assert!(draft.chars().count() <= 3000);
    assert_eq!(c["warnings"], json!([]), "{draft}");
    assert_eq!(c["status"], "draft");
    assert_eq!(c["platform"], "linkedin");
    assert_eq!(c["provider"], "local");
    assert_eq!(c["versions_count"], 1);
    assert_eq!(c["assets"], json!([]));
    let prov = c["provenance"].as_array().unwrap();
    assert!(
        prov.iter().any(|p| p["kind"] == "chunk"
            && p["source_id"] == source
            && p["weight"].as_f64().unwrap() > 0.0),
        "{prov:?}"
    );
    assert!(
        prov.iter()
            .any(|p| p["kind"] == "model" && p["ref_id"] == "local/local-draft")
    );
    let created = events(&s, "content.created");
    assert_eq!(created.len(), 1);
    assert_eq!(created[0]["content_id"], id);
    assert_eq!(created[0]["platform"], "linkedin");
}

#[test]
fn the_fake_model_gets_template_persona_and_passages_and_provenance_is_recorded() {
    let s = TestServer::start();
    let t = s.admin_token();
    let source = paste(&s, &t, "Lyon warehouse report", WAREHOUSE);
    let learned = stream(
        &s,
        &t,
        "/api/v1/learnings/generate",
        json!({ "source_ids": [source] }),
    );
    assert_eq!(learned.last().unwrap()["done"], true, "{learned:?}");
    let persona = s.get("/api/v1/personas/", Some(&t)).json()["items"][0].clone();
    let fake = fake_llm::start(|_| {
        Reply::Stream(
            openai_text(&["Parcels ", "flew ", "out ", "of ", "Lyon."], (50, 5)),
            Duration::ZERO,
        )
    });
    openai(&s, &t, &fake);
    let (done, f) = generate(
        &s,
        &t,
        json!({ "platform": "linkedin", "brief": "The Lyon warehouse in October", "template_id": "case_study", "persona_id": persona["id"], "temperature": 0.25 }),
    );
    assert_eq!(streamed_text(&f), "Parcels flew out of Lyon.");
    assert_eq!(
        fake.requests()[0]["temperature"],
        0.25,
        "the temperature reaches the provider"
    );
    let req = fake.requests()[0].to_string();
    for section in ["Challenge", "Solution", "Results", "Next step"] {
        assert!(
            req.contains(section),
            "template section {section} in the prompt"
        );
    }
    assert!(
        req.contains("73,914"),
        "the retrieved passage is in the prompt"
    );
    assert!(req.contains(persona["name"].as_str().unwrap()));
    assert!(
        req.contains("3,000 characters"),
        "the platform rules are in the prompt"
    );
    let c = content(&s, &t, done["content_id"].as_str().unwrap());
    assert_eq!(c["draft_content"], "Parcels flew out of Lyon.");
    assert_eq!(c["template_id"], "case_study");
    assert_eq!(c["provider"], "openai");
    let kinds: Vec<&str> = c["provenance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    for k in ["chunk", "learning", "persona", "template", "model"] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    let logs = s.get("/api/v1/ai-logs", Some(&t));
    assert!(logs.text.contains("content.generate"), "{}", logs.text);
    // A refinement sends the current draft and the instructions, and is a new version.
    let id = done["content_id"].as_str().unwrap();
    let f = stream(
        &s,
        &t,
        "/api/v1/content/refine",
        json!({ "content_id": id, "instructions": "Mention the night shift" }),
    );
    assert_eq!(f.last().unwrap()["version"], 2, "{f:?}");
    let req = fake.requests()[1].to_string();
    assert!(req.contains("Parcels flew out of Lyon.") && req.contains("Mention the night shift"));
    assert!(
        req.contains("Results"),
        "the template still shapes a refinement"
    );
    let c = content(&s, &t, id);
    assert_eq!(c["version"], 2);
    assert!(
        c["provenance"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["kind"] == "model" && p["version"] == 2)
    );
    assert!(
        s.get("/api/v1/ai-logs", Some(&t))
            .text
            .contains("content.refine")
    );
}

#[test]
fn platform_rules_make_x_threads_warn_on_limits_and_reject_unknown_platforms() {
    let s = TestServer::start();
    let t = s.admin_token();
    let r = s.post(
        "/api/v1/content/generate",
        Some(&t),
        &json!({ "platform": "myspace", "brief": "hello" }),
    );
    assert_eq!(r.status, 422);
    assert!(
        r.detail().contains("known platforms: linkedin, x"),
        "{}",
        r.detail()
    );
    let long: Vec<String> = (0..120).map(|i| format!("Point {i} matters. ")).collect();
    let fake = fake_llm::start(move |body| {
        let words: Vec<&str> = if body.to_string().contains("Platform: X") {
            long.iter().map(String::as_str).collect()
        } else {
            vec!["A", " hook"]
        };
        Reply::Stream(openai_text(&words, (1, 1)), Duration::ZERO)
    });
    openai(&s, &t, &fake);
    let (done, _) = generate(&s, &t, json!({ "platform": "twitter", "brief": "points" }));
    let c = content(&s, &t, done["content_id"].as_str().unwrap());
    assert_eq!(c["platform"], "x");
    let posts: Vec<&str> = c["draft_content"].as_str().unwrap().split("\n\n").collect();
    assert!(posts.len() > 3);
    for (i, p) in posts.iter().enumerate() {
        assert!(p.starts_with(&format!("{}/{} ", i + 1, posts.len())), "{p}");
        assert!(p.chars().count() <= 280);
    }
    assert_eq!(c["warnings"], json!([]));
    let (done, _) = generate(&s, &t, json!({ "platform": "email", "brief": "points" }));
    assert_eq!(done["warnings"][0], "no \"Subject:\" line");
    let id = done["content_id"].as_str().unwrap();
    let r = s.put(
        &format!("/api/v1/content/{id}"),
        Some(&t),
        &json!({ "draft_content": format!("Subject: {}\n\nHi", "s".repeat(90)) }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.json()["warnings"][0].as_str().unwrap().contains("90"));
}

#[test]
fn a_client_that_disconnects_mid_stream_still_gets_the_whole_draft_saved() {
    let s = TestServer::start();
    let t = s.admin_token();
    let words: Vec<String> = (0..150).map(|i| format!("w{i} ")).collect();
    let fake = fake_llm::start(move |_| {
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        Reply::Stream(openai_text(&refs, (1, 1)), Duration::from_millis(5))
    });
    openai(&s, &t, &fake);
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .new_agent();
    let mut resp = agent
        .post(&format!("{}/api/v1/content/generate", s.base))
        .header("Authorization", format!("Bearer {t}"))
        .send_json(json!({"platform": "blog", "brief": "a long story"}))
        .unwrap();
    let mut reader = resp.body_mut().as_reader();
    let mut seen = String::new();
    let mut buf = [0u8; 256];
    while !seen.contains("\"content\"") {
        let n = std::io::Read::read(&mut reader, &mut buf).unwrap();
        assert!(n > 0, "stream ended before a content frame: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    drop(reader);
    drop(resp);
    let mut items = json!([]);
    for _ in 0..250 {
        items = s.get("/api/v1/content/", Some(&t)).json()["items"].clone();
        if !items.as_array().unwrap().is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let draft = items[0]["draft_content"]
        .as_str()
        .expect("saved after the disconnect");
    assert!(
        draft.starts_with("w0 ") && draft.ends_with("w149"),
        "{draft}"
    );
}

#[test]
fn refine_adds_a_version_and_restore_brings_the_first_back_as_a_new_one() {
    let s = TestServer::start();
    let t = s.admin_token();
    paste(&s, &t, "Lyon warehouse report", &WAREHOUSE.repeat(3));
    let (done, _) = generate(
        &s,
        &t,
        json!({ "platform": "newsletter", "brief": "The Lyon warehouse" }),
    );
    let id = done["content_id"].as_str().unwrap().to_string();
    let first = content(&s, &t, &id)["draft_content"].clone();
    let f = stream(
        &s,
        &t,
        "/api/v1/content/refine",
        json!({ "content_id": id, "instructions": "make it shorter, focus on returns" }),
    );
    let done = f.last().unwrap();
    assert_eq!(done["done"], true, "{f:?}");
    assert_eq!(done["version"], 2);
    let versions = s
        .get(&format!("/api/v1/content/{id}/versions"), Some(&t))
        .json();
    assert_eq!(versions["total"], 2);
    assert_eq!(versions["items"][0]["origin"], "refine");
    assert_eq!(
        versions["items"][0]["instructions"],
        "make it shorter, focus on returns"
    );
    assert_eq!(versions["items"][1]["origin"], "generate");
    let r = s.post(
        &format!("/api/v1/content/{id}/versions/1/restore"),
        Some(&t),
        &json!({}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["version"], 3);
    assert_eq!(r.json()["draft_content"], first);
    let v = s
        .get(&format!("/api/v1/content/{id}/versions?limit=1"), Some(&t))
        .json();
    assert_eq!(v["items"][0]["origin"], "restore");
    assert_eq!(v["items"][0]["instructions"], "restored from version 1");
    assert_eq!(v["total"], 3);
    let r = s.post(
        &format!("/api/v1/content/{id}/versions/9/restore"),
        Some(&t),
        &json!({}),
    );
    assert_eq!(r.status, 404);
    // Provenance is per version; a restore carries the restored version's over.
    let c = content(&s, &t, &id);
    assert_eq!(c["versions_count"], 3);
    let prov = c["provenance"].as_array().unwrap();
    assert!(prov.iter().all(|p| p["version"] == 3), "{prov:?}");
    assert!(prov.iter().any(|p| p["kind"] == "chunk"), "{prov:?}");
    assert_eq!(events(&s, "content.updated").len(), 2);
}

#[test]
fn edits_make_versions_status_changes_emit_and_lists_filter() {
    let s = TestServer::start();
    let t = s.admin_token();
    let (a, _) = generate(
        &s,
        &t,
        json!({ "platform": "threads", "brief": "Our Berlin meetup on Friday" }),
    );
    let (b, _) = generate(
        &s,
        &t,
        json!({ "platform": "linkedin", "brief": "Hiring two engineers" }),
    );
    let a = a["content_id"].as_str().unwrap();
    let r = s.put(
        &format!("/api/v1/content/{a}"),
        Some(&t),
        &json!({ "draft_content": "See you in Berlin on Friday!", "title": "Berlin meetup", "status": "in_review" }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["version"], 2);
    let v = s
        .get(&format!("/api/v1/content/{a}/versions"), Some(&t))
        .json();
    assert_eq!(v["items"][0]["origin"], "edit");
    assert_eq!(v["items"][0]["title"], "Berlin meetup");
    let changed = events(&s, "content.status_changed");
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["status"], "in_review");
    assert_eq!(changed[0]["previous_status"], "draft");
    let r = s.put(
        &format!("/api/v1/content/{a}"),
        Some(&t),
        &json!({ "status": "approved" }),
    );
    assert_eq!(
        r.json()["version"],
        2,
        "a status change is not a new version"
    );
    assert_eq!(
        s.put(
            &format!("/api/v1/content/{a}"),
            Some(&t),
            &json!({ "status": "viral" })
        )
        .status,
        422
    );
    let list = |q: &str| s.get(&format!("/api/v1/content/?{q}"), Some(&t)).json();
    assert_eq!(list("")["total"], 2);
    assert_eq!(list("")["items"][0]["id"], a, "newest updated first");
    assert_eq!(list("status=approved")["items"][0]["id"], a);
    assert_eq!(list("platform=linkedin")["items"][0]["id"], b["content_id"]);
    assert_eq!(list("q=berlin")["total"], 1);
    assert_eq!(s.get("/api/v1/content/?status=viral", Some(&t)).status, 422);
    assert_eq!(
        s.send(
            "DELETE",
            &format!("/api/v1/content/{a}"),
            Some(&t),
            &json!({})
        )
        .status,
        204
    );
    assert_eq!(s.get(&format!("/api/v1/content/{a}"), Some(&t)).status, 404);
    let r = s.post(
        "/api/v1/content/generate",
        Some(&t),
        &json!({ "platform": "x", "brief": "hi", "plan_item_id": "nope" }),
    );
    assert_eq!(r.status, 404);
    assert_eq!(r.detail(), "plan item not found");
}

#[test]
fn feedback_is_listed_on_the_content() {
    let s = TestServer::start();
    let t = s.admin_token();
    let (d, _) = generate(
        &s,
        &t,
        json!({ "platform": "facebook", "brief": "Our new opening hours" }),
    );
    let id = d["content_id"].as_str().unwrap();
    let r = s.post(
        &format!("/api/v1/content/{id}/feedback"),
        Some(&t),
        &json!({ "score": 4, "summary": "Good, a bit long", "tags": ["too long", "on-brand"] }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["score"], 4);
    let bad = s.post(
        &format!("/api/v1/content/{id}/feedback"),
        Some(&t),
        &json!({ "score": 6 }),
    );
    assert_eq!(bad.status, 422);
    let c = content(&s, &t, id);
    assert_eq!(c["feedback"][0]["summary"], "Good, a bit long");
    assert_eq!(c["feedback"][0]["tags"], json!(["too long", "on-brand"]));
}

#[test]
fn templates_list_builtins_then_custom_ones_and_guard_the_builtins() {
    let s = TestServer::start();
    let t = s.admin_token();
    let (_, member) = s.member("mia@example.com");
    let platforms = s.get("/api/v1/content/platforms", Some(&t)).json();
    assert_eq!(platforms.as_array().unwrap().len(), 10);
    assert_eq!(platforms[0]["name"], "linkedin");
    assert_eq!(platforms[0]["max_chars"], 3000);
    let list = s.get("/api/v1/content/templates", Some(&t)).json();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    for id in [
        "creative_brief",
        "media_brief",
        "email",
        "newsletter",
        "blog_post",
        "linkedin_post",
        "x_thread",
        "press_release",
        "case_study",
        "product_launch",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
    assert!(
        list[0]["builtin"] == true && list[0]["structure"]["sections"][0]["guidance"].is_string()
    );
    let body = json!({ "name": "Weekly win", "platform": "linkedin", "structure": { "sections": [
        { "name": "Win", "guidance": "What went well, with a number" },
        { "name": "Thanks", "guidance": "Who made it happen" } ] } });
    let r = s.post("/api/v1/content/templates", Some(&t), &body);
    assert_eq!(r.status, 201, "{}", r.text);
    let custom = r.json()["id"].as_str().unwrap().to_string();
    let list = s.get("/api/v1/content/templates", Some(&t)).json();
    assert_eq!(list.as_array().unwrap().last().unwrap()["id"], custom);
    assert_eq!(list.as_array().unwrap().last().unwrap()["builtin"], false);
    let theirs = s.get("/api/v1/content/templates", Some(&member)).json();
    assert!(
        !theirs.to_string().contains(&custom),
        "a member never sees another's template"
    );
    let bad = json!({ "name": "x", "platform": "myspace", "structure": { "sections": [{ "name": "a", "guidance": "b" }] } });
    assert_eq!(
        s.post("/api/v1/content/templates", Some(&t), &bad).status,
        422
    );
    // Offline generation follows the custom template's sections.
    paste(&s, &t, "Lyon warehouse report", WAREHOUSE);
    let (d, _) = generate(
        &s,
        &t,
        json!({ "platform": "linkedin", "brief": "Lyon warehouse October parcels", "template_id": custom }),
    );
    let draft = content(&s, &t, d["content_id"].as_str().unwrap())["draft_content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        draft.contains("Win:") && draft.contains("Thanks:"),
        "{draft}"
    );
    let r = s.post(
        "/api/v1/content/generate",
        Some(&member),
        &json!({ "platform": "linkedin", "brief": "x", "template_id": custom }),
    );
    assert_eq!(r.status, 404);
    let del = |id: &str, tok: &str| {
        s.send(
            "DELETE",
            &format!("/api/v1/content/templates/{id}"),
            Some(tok),
            &json!({}),
        )
        .status
    };
    assert_eq!(del("linkedin_post", &t), 403);
    assert_eq!(del(&custom, &member), 404);
    assert_eq!(del(&custom, &t), 204);
    assert_eq!(del(&custom, &t), 404);
}

#[test]
fn a_member_never_sees_or_uses_another_users_content() {
    let s = TestServer::start();
    let t = s.admin_token();
    let (_, member) = s.member("mia@example.com");
    let (d, _) = generate(
        &s,
        &t,
        json!({ "platform": "linkedin", "brief": "Admin's secret plan" }),
    );
    let id = d["content_id"].as_str().unwrap();
    let task = s
        .post(
            "/api/v1/tasks/",
            Some(&t),
            &json!({ "title": "Admin task" }),
        )
        .json();
    assert_eq!(
        s.get(&format!("/api/v1/content/{id}"), Some(&member))
            .status,
        404
    );
    assert_eq!(s.get("/api/v1/content/", Some(&member)).json()["total"], 0);
    assert_eq!(
        s.put(
            &format!("/api/v1/content/{id}"),
            Some(&member),
            &json!({ "status": "archived" })
        )
        .status,
        404
    );
    assert_eq!(
        s.get(&format!("/api/v1/content/{id}/versions"), Some(&member))
            .status,
        404
    );
    assert_eq!(
        s.post(
            &format!("/api/v1/content/{id}/feedback"),
            Some(&member),
            &json!({ "score": 1 })
        )
        .status,
        404
    );
    assert_eq!(
        s.post(
            &format!("/api/v1/content/{id}/versions/1/restore"),
            Some(&member),
            &json!({})
        )
        .status,
        404
    );
    assert_eq!(
        s.send(
            "DELETE",
            &format!("/api/v1/content/{id}"),
            Some(&member),
            &json!({})
        )
        .status,
        404
    );
    let r = s.post(
        "/api/v1/content/refine",
        Some(&member),
        &json!({ "content_id": id, "instructions": "shorter" }),
    );
    assert_eq!(r.status, 404);
    assert_eq!(r.detail(), "content not found");
    let r = s.post(
        "/api/v1/content/generate",
        Some(&member),
        &json!({ "platform": "x", "brief": "hi", "task_id": task["id"] }),
    );
    assert_eq!((r.status, r.detail()), (404, "task not found".to_string()));
    let r = s.post(
        "/api/v1/content/generate",
        Some(&member),
        &json!({ "platform": "x", "brief": "hi", "client_id": "someone-elses" }),
    );
    assert_eq!(
        (r.status, r.detail()),
        (404, "client not found".to_string())
    );
    let (mine, _) = generate(&s, &member, json!({ "platform": "x", "brief": "Mine" }));
    let r = s.put(
        &format!("/api/v1/content/{}", mine["content_id"].as_str().unwrap()),
        Some(&member),
        &json!({ "task_id": task["id"] }),
    );
    assert_eq!(r.status, 404);
    assert_eq!(
        s.get("/api/v1/content/", Some(&t)).json()["total"],
        2,
        "an admin sees every content"
    );
}

#[test]
fn a_spent_budget_refuses_generation_before_it_streams() {
    let s = TestServer::start();
    let t = s.admin_token();
    let fake = fake_llm::start(|_| Reply::Stream(openai_text(&["Hi"], (500, 500)), Duration::ZERO));
    openai(&s, &t, &fake);
    generate(&s, &t, json!({ "platform": "x", "brief": "first" }));
    fake_llm::configure(&s, &t, json!({ "monthly_token_budget": "10" }));
    let r = s.post(
        "/api/v1/content/generate",
        Some(&t),
        &json!({ "platform": "x", "brief": "second" }),
    );
    assert_eq!(r.status, 429, "{}", r.text);
    assert_eq!(s.get("/api/v1/content/", Some(&t)).json()["total"], 1);
}
