//! Skills (seeding once, toggling, folders, generate) and personas (seeding, simulation).
use crate::helpers::*;
use serde_json::{Value, json};

fn skills(s: &TestServer, t: &str) -> Value {
    let r = s.get("/api/v1/skills/?limit=200", Some(t));
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

fn active(s: &TestServer, t: &str) -> Value {
    s.get("/api/v1/skills/active-instructions", Some(t)).json()
}

#[test]
fn twelve_skills_are_seeded_once_and_toggling_changes_the_active_instructions() {
    let s = TestServer::start();
    let t = s.admin_token();
    let first = skills(&s, &t);
    assert_eq!(first["total"], 12);
    assert!(
        first["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["builtin"] == true && k["active"] == false)
    );
    let id = first["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        s.raw(
            "DELETE",
            &format!("/api/v1/skills/{id}"),
            Some(&t),
            None,
            vec![]
        )
        .status,
        204
    );
    assert_eq!(
        skills(&s, &t)["total"],
        11,
        "seeding happens once; a deleted built-in stays deleted"
    );
    assert_eq!(active(&s, &t), json!({"instructions": "", "skill_ids": []}));
    let hooks = skills(&s, &t)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "Scroll-stopping hooks")
        .unwrap()
        .clone();
    let hid = hooks["id"].as_str().unwrap();
    let r = s.raw(
        "PUT",
        &format!("/api/v1/skills/{hid}/toggle"),
        Some(&t),
        None,
        vec![],
    );
    assert_eq!(r.json()["active"], true, "no body flips it: {}", r.text);
    let a = active(&s, &t);
    assert_eq!(a["skill_ids"], json!([hid]));
    assert!(
        a["instructions"]
            .as_str()
            .unwrap()
            .contains("Write the first line last")
    );
    let r = s.put(
        &format!("/api/v1/skills/{hid}/toggle"),
        Some(&t),
        &json!({"active": false}),
    );
    assert_eq!(r.json()["active"], false);
    assert_eq!(active(&s, &t)["skill_ids"], json!([]));
    // Another user's workspace gets its own built-ins.
    let (_, m) = s.member("mia@example.com");
    assert_eq!(skills(&s, &m)["total"], 12);
    assert_eq!(
        s.put(
            &format!("/api/v1/skills/{hid}/toggle"),
            Some(&m),
            &json!({})
        )
        .status,
        404
    );
}

#[test]
fn skills_move_into_folders_and_back_to_the_root_when_the_folder_goes() {
    let s = TestServer::start();
    let t = s.admin_token();
    let r = s.post("/api/v1/skills/", Some(&t), &json!({"name": "House style", "instructions": "Write in British English. Never use exclamation marks.", "skill_type": "editing"}));
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        s.post(
            "/api/v1/skills/",
            Some(&t),
            &json!({"name": "x", "instructions": "y", "skill_type": "poetry"})
        )
        .status,
        422
    );
    let folder = s
        .post(
            "/api/v1/skills/folders",
            Some(&t),
            &json!({"name": "Brand"}),
        )
        .json();
    let fid = folder["id"].as_str().unwrap();
    let moved = s
        .put(
            &format!("/api/v1/skills/{id}/move"),
            Some(&t),
            &json!({"folder_id": fid}),
        )
        .json();
    assert_eq!(moved["folder_id"], fid);
    assert_eq!(
        s.put(
            &format!("/api/v1/skills/{id}/move"),
            Some(&t),
            &json!({"folder_id": "nope"})
        )
        .status,
        404
    );
    assert_eq!(s.get("/api/v1/skills/folders", Some(&t)).json()["total"], 1);
    assert_eq!(
        s.raw(
            "DELETE",
            &format!("/api/v1/skills/folders/{fid}"),
            Some(&t),
            None,
            vec![]
        )
        .status,
        204
    );
    assert!(s.get(&format!("/api/v1/skills/{id}"), Some(&t)).json()["folder_id"].is_null());
}

#[test]
fn a_skill_is_generated_offline_from_its_description_with_the_template() {
    let s = TestServer::start();
    let t = s.admin_token();
    let r = s.post(
        "/api/v1/skills/generate",
        Some(&t),
        &json!({"description": "Write punchy LinkedIn posts about B2B sales for founders"}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let k = r.json();
    assert_eq!(k["skill_type"], "platform");
    assert!(
        k["instructions"]
            .as_str()
            .unwrap()
            .contains("B2B sales for founders")
    );
    assert!(k["instructions"].as_str().unwrap().contains("linkedin"));
}

#[test]
fn five_personas_are_seeded_and_simulation_ranks_matching_content_above_unrelated() {
    let s = TestServer::start();
    let t = s.admin_token();
    let list = s.get("/api/v1/personas/", Some(&t)).json();
    assert_eq!(list["total"], 5);
    assert_eq!(
        s.get("/api/v1/personas/", Some(&t)).json()["total"],
        5,
        "seeded once"
    );
    let dev = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Senior software engineer")
        .unwrap();
    let path = format!("/api/v1/personas/{}/simulate", dev["id"].as_str().unwrap());
    let good = s.post(&path, Some(&t), &json!({"content": "How we made our Rust service 3x faster: database indexes, performance profiling and fewer flaky tests in the build. Benchmarks inside."})).json();
    let bad = s.post(&path, Some(&t), &json!({"content": "Our bakery's autumn menu: pumpkin bread, apple pie and a cosy new window seat for the weekend."})).json();
    let (g, b) = (
        good["relevance_score"].as_f64().unwrap(),
        bad["relevance_score"].as_f64().unwrap(),
    );
    assert!(g > b + 25.0, "{good} vs {bad}");
    assert!((0.0..=100.0).contains(&g));
    assert!(
        good["strengths"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x.as_str().unwrap().contains("performance")),
        "{good}"
    );
    assert!(
        !bad["weaknesses"].as_array().unwrap().is_empty()
            && !bad["suggestions"].as_array().unwrap().is_empty()
    );
    let again = s.post(&path, Some(&t), &json!({"content": "Our bakery's autumn menu: pumpkin bread, apple pie and a cosy new window seat for the weekend."})).json();
    assert_eq!(again, bad, "deterministic");
    assert_eq!(s.post(&path, Some(&t), &json!({})).status, 422);
}

#[test]
fn personas_are_created_generated_and_guarded() {
    let s = TestServer::start();
    let t = s.admin_token();
    let r = s.post("/api/v1/personas/generate", Some(&t), &json!({"description": "Head of growth at a fintech startup. Wants predictable pipeline. Struggles with attribution across LinkedIn and newsletter campaigns."}));
    assert_eq!(r.status, 201, "{}", r.text);
    let p = r.json();
    assert!(
        p["platforms"]
            .as_array()
            .unwrap()
            .contains(&json!("linkedin"))
    );
    assert!(
        p["pain_points"][0]
            .as_str()
            .unwrap()
            .contains("attribution")
    );
    let (_, m) = s.member("max@example.com");
    let path = format!("/api/v1/personas/{}", p["id"].as_str().unwrap());
    assert_eq!(s.get(&path, Some(&m)).status, 404);
    assert_eq!(
        s.post("/api/v1/personas/", Some(&t), &json!({"name": ""}))
            .status,
        422
    );
}

#[test]
fn with_a_model_simulation_answers_validated_json_and_twice_invalid_is_a_502() {
    let answers = std::sync::Arc::new(std::sync::Mutex::new(vec![
        json!({"relevance_score": 82, "reaction": "Would share it with the team.", "strengths": ["Concrete numbers"], "weaknesses": [], "suggestions": ["Add a chart"]}).to_string(),
        "not json".to_string(),
        json!({"relevance_score": 400}).to_string(),
    ]));
    let fake = crate::fake_llm::start(move |_| {
        let text = answers.lock().unwrap().remove(0);
        crate::fake_llm::Reply::Stream(
            crate::fake_llm::openai_text(&[&text], (30, 10)),
            std::time::Duration::ZERO,
        )
    });
    let s = TestServer::start();
    let t = s.admin_token();
    let id = s.get("/api/v1/personas/", Some(&t)).json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    crate::fake_llm::configure(
        &s,
        &t,
        json!({"openai_base_url": format!("{}/v1", fake.svc.base), "openai_api_key": "sk-test-abcdefghijkl", "default_provider": "openai"}),
    );
    let path = format!("/api/v1/personas/{id}/simulate");
    let ok = s.post(
        &path,
        Some(&t),
        &json!({"content": "Our Q3 numbers: churn down 12%."}),
    );
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.json()["relevance_score"], 82.0);
    let bad = s.post(
        &path,
        Some(&t),
        &json!({"content": "Our Q3 numbers: churn down 12%."}),
    );
    assert_eq!(bad.status, 502, "{}", bad.text);
    assert!(bad.detail().contains("relevance_score"), "{}", bad.text);
    assert_eq!(fake.requests().len(), 3, "one retry");
}

#[test]
fn with_a_model_skills_and_personas_are_written_by_it() {
    let skill = json!({"name": "Data storytelling", "description": "Lead with one number.", "skill_type": "writing",
        "instructions": "Open with the single most surprising number. Explain what it means for the reader. End with what to do next."});
    let persona = json!({"name": "CFO", "role": "Chief financial officer", "description": "Watches cash.", "goals": ["extend runway"],
        "pain_points": ["surprise costs"], "interests": ["finance"], "objections": ["what's the ROI?"], "tone": "formal", "platforms": ["linkedin"]});
    let answers = std::sync::Arc::new(std::sync::Mutex::new(vec![
        skill.to_string(),
        persona.to_string(),
    ]));
    let fake = crate::fake_llm::start(move |_| {
        let text = answers.lock().unwrap().remove(0);
        crate::fake_llm::Reply::Stream(
            crate::fake_llm::openai_text(&[&text], (30, 10)),
            std::time::Duration::ZERO,
        )
    });
    let s = TestServer::start();
    let t = s.admin_token();
    crate::fake_llm::configure(
        &s,
        &t,
        json!({"openai_base_url": format!("{}/v1", fake.svc.base), "openai_api_key": "sk-test-abcdefghijkl", "default_provider": "openai"}),
    );
    let k = s.post(
        "/api/v1/skills/generate",
        Some(&t),
        &json!({"description": "Turn metrics into stories"}),
    );
    assert_eq!(k.status, 201, "{}", k.text);
    assert_eq!(k.json()["name"], "Data storytelling");
    let p = s.post(
        "/api/v1/personas/generate",
        Some(&t),
        &json!({"description": "A finance leader at a scale-up"}),
    );
    assert_eq!(p.status, 201, "{}", p.text);
    assert_eq!(p.json()["objections"][0], "what's the ROI?");
    assert_eq!(fake.requests().len(), 2);
}
