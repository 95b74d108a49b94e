//! One context for every generation: active skills, client rules, learnings and the persona in
//! one block; and (once the chat turn calls it) in the provider's system prompt.
use crate::fake_llm::{self, Reply, openai_text};
use crate::helpers::*;
use neuromancer::access::Viewer;
use neuromancer::domain::learnings::context::generation_context;
use serde_json::{Value, json};
use std::time::Duration;

/// A client with rules, the hooks skill on, a learning for the client; returns (client, persona).
fn arrange(s: &TestServer, t: &str) -> (String, String) {
    let client = s
        .post(
            "/api/v1/enterprise/clients",
            Some(t),
            &json!({"name": "Initech"}),
        )
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let rules = json!({"client_id": client, "dos": ["Cite a number"], "donts": ["Never mention competitors"]});
    assert_eq!(
        s.put("/api/v1/learnings/custom-rules", Some(t), &rules)
            .status,
        200
    );
    let skills = s.get("/api/v1/skills/?limit=200", Some(t)).json();
    let hooks = skills["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "Scroll-stopping hooks")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        s.put(
            &format!("/api/v1/skills/{hooks}/toggle"),
            Some(t),
            &json!({"active": true})
        )
        .status,
        200
    );
    let r = s.post(
        "/api/v1/sources/import/paste",
        Some(t),
        &json!({"content": "I ship weekly. #growth #growth", "client_id": client}),
    );
    let src = r.json()["id"].as_str().unwrap().to_string();
    let r = s.post(
        "/api/v1/learnings/generate",
        Some(t),
        &json!({"source_ids": [src], "client_id": client}),
    );
    assert!(r.text.contains("\"done\":true"), "{}", r.text);
    let personas = s.get("/api/v1/personas/", Some(t)).json();
    let persona = personas["items"][0]["id"].as_str().unwrap().to_string();
    (client, persona)
}

#[test]
fn the_generation_context_carries_skills_rules_learnings_and_the_persona() {
    let s = TestServer::start();
    let t = s.admin_token();
    let (client, persona) = arrange(&s, &t);
    let me: Value = s.get("/api/v1/auth/me", Some(&t)).json();
    let v = Viewer {
        user_id: me["id"].as_str().unwrap().into(),
        admin: true,
    };
    let ctx = s
        .state
        .db
        .read_blocking(|c| generation_context(c, &v, Some(&client), None, Some(&persona)))
        .unwrap();
    let block = ctx.render();
    assert!(block.contains("Write the first line last"), "{block}");
    assert!(
        block.contains("Don't: Never mention competitors"),
        "{block}"
    );
    assert!(block.contains("[writing_style]"), "{block}");
    assert!(block.contains("Target persona"), "{block}");
    assert_eq!(
        ctx.learnings[0].client_id.as_deref(),
        Some(client.as_str()),
        "the client's learnings first"
    );
}

#[test]
fn an_active_skill_and_the_clients_donts_reach_the_provider_in_a_chat_turn() {
    let fake =
        fake_llm::start(|_| Reply::Stream(openai_text(&["Noted."], (10, 2)), Duration::ZERO));
    let s = TestServer::start();
    let t = s.admin_token();
    let (client, _) = arrange(&s, &t);
    fake_llm::configure(
        &s,
        &t,
        json!({"openai_base_url": format!("{}/v1", fake.svc.base), "openai_api_key": "sk-test-abcdefghijkl", "default_provider": "openai"}),
    );
    let conv = s
        .post(
            "/api/v1/chat/conversations",
            Some(&t),
            &json!({"client_id": client}),
        )
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, _) = fake_llm::send(
        &s,
        &t,
        &conv,
        json!({"content": "Draft a post about our launch"}),
    );
    assert_eq!(status, 200);
    let system = fake.requests()[0]["messages"][0].to_string();
    assert!(system.contains("Write the first line last"), "{system}");
    assert!(system.contains("Never mention competitors"), "{system}");
}

#[test]
fn the_claude_code_context_carries_the_same_block() {
    let s = TestServer::start();
    let t = s.admin_token();
    let (client, persona) = arrange(&s, &t);
    let r = s.get(
        &format!("/api/v1/claude-code/context?client_id={client}&persona_id={persona}"),
        Some(&t),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let context = r.json()["context"].as_str().unwrap().to_string();
    assert!(context.contains("Write the first line last"), "{context}");
    assert!(context.contains("Never mention competitors"), "{context}");
    let plain = s.get("/api/v1/claude-code/context", Some(&t)).json()["context"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        !plain.contains("Never mention competitors"),
        "no client, no client rules"
    );
}
