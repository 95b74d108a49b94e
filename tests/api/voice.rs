//! The voice's learnings: offline stylometry on known texts, model-backed JSON through the fake
//! provider, feedback, merge, bulk delete, member isolation and client rules.
use crate::fake_llm::{self, Reply, frames, openai_text};
use crate::helpers::*;
use serde_json::{Value, json};
use std::time::Duration;

pub fn paste(s: &TestServer, t: &str, content: &str) -> String {
    let r = s.post(
        "/api/v1/sources/import/paste",
        Some(t),
        &json!({ "content": content }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()["id"].as_str().unwrap().to_string()
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

pub fn learnings(s: &TestServer, t: &str, query: &str) -> Value {
    let r = s.get(&format!("/api/v1/learnings/?{query}"), Some(t));
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

const POST_A: &str = "Why do most launches flop?\n\nI learned this the hard way. I shipped too early.\n\n- I skipped user interviews\n- I ignored churn\n\n#growth #startups #growth";
const POST_B: &str = "I rewrote my onboarding last week. I cut it from ten steps to three.\n\nMy activation rate doubled. #growth";

fn style_of(f: &[Value]) -> Value {
    f.iter()
        .filter_map(|x| x.get("learning"))
        .find(|l| l["type"] == "writing_style")
        .cloned()
        .expect("a writing_style learning")
}

#[test]
fn offline_generation_measures_the_writing_style_of_known_texts() {
    let s = TestServer::start();
    let t = s.admin_token();
    let ids = vec![paste(&s, &t, POST_A), paste(&s, &t, POST_B)];
    let f = stream(
        &s,
        &t,
        "/api/v1/learnings/generate",
        json!({ "source_ids": ids }),
    );
    assert!(
        f[0]["stage"].is_string() && f[0]["progress"].is_number(),
        "{f:?}"
    );
    let done = f.last().unwrap();
    assert_eq!(done["done"], true, "{f:?}");
    assert_eq!(done["learning_ids"].as_array().unwrap().len(), 2);
    let style = style_of(&f);
    let d = &style["data"];
    assert_eq!(d["top_hashtags"][0], "#growth");
    assert_eq!(d["point_of_view"], "first_singular");
    assert_eq!(d["question_hook_rate"], 0.5);
    for key in [
        "avg_sentence_words",
        "avg_paragraph_sentences",
        "reading_ease",
        "emoji_per_100_words",
    ] {
        assert!(d[key].is_number(), "{key} in {d}");
    }
    assert!(d["signature_phrases"].is_array() && d["formatting"]["list_post_rate"].is_number());
    assert!(
        style["content"].as_str().unwrap().contains("first person"),
        "{style}"
    );
    let mut sorted = style["source_ids"].as_array().unwrap().clone();
    sorted.sort_by_key(|v| v.as_str().unwrap().to_string());
    let mut want = ids.clone();
    want.sort();
    assert_eq!(sorted, want.iter().map(|i| json!(i)).collect::<Vec<_>>());
    let all = learnings(&s, &t, "type=writing_style");
    assert_eq!(all["total"], 1);
    let by_source = learnings(&s, &t, &format!("source_id={}", ids[1]));
    assert_eq!(by_source["total"], 2);
    assert_eq!(s.get("/api/v1/learnings/?limit=500", Some(&t)).status, 422);
}

#[test]
fn generation_without_sources_reports_an_error_frame_and_saves_nothing() {
    let s = TestServer::start();
    let t = s.admin_token();
    let f = stream(&s, &t, "/api/v1/learnings/generate", json!({}));
    assert!(
        f.last().unwrap()["error"]
            .as_str()
            .unwrap()
            .contains("no sources"),
        "{f:?}"
    );
    assert_eq!(learnings(&s, &t, "")["total"], 0);
}

fn with_fake(replies: Vec<String>) -> (fake_llm::FakeLlm, TestServer, String) {
    let replies = std::sync::Arc::new(std::sync::Mutex::new(replies));
    let fake = fake_llm::start(move |_| {
        let mut r = replies.lock().unwrap();
        let text = if r.len() > 1 {
            r.remove(0)
        } else {
            r[0].clone()
        };
        Reply::Stream(openai_text(&[&text], (50, 20)), Duration::ZERO)
    });
    let s = TestServer::start();
    let t = s.admin_token();
    fake_llm::configure(
        &s,
        &t,
        json!({"openai_base_url": format!("{}/v1", fake.svc.base), "openai_api_key": "sk-test-abcdefghijkl", "default_provider": "openai"}),
    );
    (fake, s, t)
}

#[test]
fn model_backed_generation_saves_valid_json_with_the_measured_figures() {
    let answer = json!({"style_title": "Candid founder voice", "style_summary": "Short, personal, lesson-driven.",
        "style_observations": ["Admits mistakes early"], "preferences_title": "Short posts",
        "preferences_summary": "Prefers short posts about growth.", "preferences_observations": ["Ends on a number"]});
    let (fake, s, t) = with_fake(vec![format!("```json\n{answer}\n```")]);
    let ids = vec![paste(&s, &t, POST_A), paste(&s, &t, POST_B)];
    let f = stream(
        &s,
        &t,
        "/api/v1/learnings/generate",
        json!({ "source_ids": ids }),
    );
    assert_eq!(f.last().unwrap()["done"], true, "{f:?}");
    let style = style_of(&f);
    assert_eq!(style["title"], "Candid founder voice");
    assert_eq!(style["data"]["observations"][0], "Admits mistakes early");
    assert_eq!(
        style["data"]["top_hashtags"][0], "#growth",
        "measured, not guessed"
    );
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 1);
    assert!(
        reqs[0].to_string().contains("#growth"),
        "the model saw the posts"
    );
}

#[test]
fn invalid_model_json_twice_is_an_error_frame_and_nothing_is_saved() {
    let (fake, s, t) = with_fake(vec![
        "Sure! Here is the style: short and punchy.".into(),
        "{\"style_title\": 3}".into(),
    ]);
    paste(&s, &t, POST_A);
    let f = stream(&s, &t, "/api/v1/learnings/generate", json!({}));
    let err = f.last().unwrap()["error"]
        .as_str()
        .unwrap_or_else(|| panic!("{f:?}"));
    assert!(err.contains("twice"), "{err}");
    assert_eq!(fake.requests().len(), 2, "one retry");
    assert_eq!(learnings(&s, &t, "")["total"], 0);
}

#[test]
fn feedback_moves_confidence_and_merge_and_bulk_delete_consolidate() {
    let s = TestServer::start();
    let t = s.admin_token();
    let a = paste(&s, &t, POST_A);
    let b = paste(&s, &t, POST_B);
    stream(
        &s,
        &t,
        "/api/v1/learnings/generate",
        json!({ "source_ids": [a] }),
    );
    stream(
        &s,
        &t,
        "/api/v1/learnings/generate",
        json!({ "source_ids": [b] }),
    );
    let styles = learnings(&s, &t, "type=writing_style")["items"].clone();
    let (x, y) = (
        styles[0]["id"].as_str().unwrap(),
        styles[1]["id"].as_str().unwrap(),
    );
    let before = styles[0]["confidence"].as_f64().unwrap();
    let up = s
        .post(
            &format!("/api/v1/learnings/{x}/feedback"),
            Some(&t),
            &json!({"score": 1, "comment": "spot on"}),
        )
        .json();
    assert!(up["confidence"].as_f64().unwrap() > before);
    assert_eq!(up["feedback"][0]["comment"], "spot on");
    assert_eq!(
        s.post(
            &format!("/api/v1/learnings/{x}/feedback"),
            Some(&t),
            &json!({"score": 5})
        )
        .status,
        422
    );
    let pref = learnings(&s, &t, "type=preferences")["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        s.post(
            "/api/v1/learnings/merge",
            Some(&t),
            &json!({"ids": [x, pref]})
        )
        .status,
        422,
        "types differ"
    );
    let r = s.post(
        "/api/v1/learnings/merge",
        Some(&t),
        &json!({"ids": [x, y], "title": "My voice"}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let m = r.json();
    assert_eq!(m["type"], "merged_writing_style");
    assert_eq!(m["source_ids"].as_array().unwrap().len(), 2);
    assert_eq!(m["data"]["top_hashtags"][0], "#growth");
    assert_eq!(
        s.get(&format!("/api/v1/learnings/{x}"), Some(&t)).status,
        404,
        "inputs removed"
    );
    assert_eq!(learnings(&s, &t, "type=merged_writing_style")["total"], 1);
    let all: Vec<Value> = learnings(&s, &t, "")["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].clone())
        .collect();
    let r = s.post(
        "/api/v1/learnings/bulk-delete",
        Some(&t),
        &json!({"ids": all}),
    );
    assert_eq!(r.json()["deleted"], 3, "{}", r.text);
    assert_eq!(learnings(&s, &t, "")["total"], 0);
}

#[test]
fn members_cannot_edit_or_delete_other_users_learnings() {
    let s = TestServer::start();
    let (_, alice) = s.member("alice@example.com");
    let (_, bob) = s.member("bob@example.com");
    paste(&s, &alice, POST_B);
    stream(&s, &alice, "/api/v1/learnings/generate", json!({}));
    let id = learnings(&s, &alice, "")["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/learnings/{id}");
    assert_eq!(
        s.send("PATCH", &path, Some(&bob), &json!({"title": "mine now"}))
            .status,
        404
    );
    assert_eq!(s.raw("DELETE", &path, Some(&bob), None, vec![]).status, 404);
    assert_eq!(
        s.post(
            "/api/v1/learnings/bulk-delete",
            Some(&bob),
            &json!({"ids": [id]})
        )
        .json()["deleted"],
        0
    );
    assert_eq!(learnings(&s, &bob, "")["total"], 0);
    let r = s.send(
        "PATCH",
        &path,
        Some(&alice),
        &json!({"title": "Still mine"}),
    );
    assert_eq!(r.json()["title"], "Still mine", "{}", r.text);
    assert_eq!(
        s.raw("DELETE", &path, Some(&alice), None, vec![]).status,
        204
    );
}

#[test]
fn client_rules_are_edited_by_the_clients_members_only() {
    let s = TestServer::start();
    let admin = s.admin_token();
    let (alice_id, alice) = s.member("alice@example.com");
    let (_, bob) = s.member("bob@example.com");
    let client = s
        .post(
            "/api/v1/enterprise/clients",
            Some(&admin),
            &json!({"name": "Initech"}),
        )
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let m = json!({"scope_type": "client", "scope_id": client, "principal_type": "user", "principal_id": alice_id});
    assert_eq!(
        s.post("/api/v1/enterprise/memberships", Some(&admin), &m)
            .status,
        204
    );
    let rules = json!({"client_id": client, "dos": ["Cite a number"], "donts": ["Never mention competitors"]});
    let r = s.put("/api/v1/learnings/custom-rules", Some(&alice), &rules);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        s.put("/api/v1/learnings/custom-rules", Some(&bob), &rules)
            .status,
        404
    );
    let got = s
        .get(
            &format!("/api/v1/learnings/custom-rules?client_id={client}"),
            Some(&admin),
        )
        .json();
    assert_eq!(got["donts"][0], "Never mention competitors");
    let own = s.get("/api/v1/learnings/custom-rules", Some(&bob)).json();
    assert_eq!(own, json!({"client_id": null, "dos": [], "donts": []}));
}
