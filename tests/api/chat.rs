//! Chat: streaming replies from fake OpenAI/Anthropic/Gemini servers, the tool loop, errors,
//! disconnects, the offline provider, sharing/isolation and the events stream.
use crate::fake_llm::{self, Reply, has_tool_result, new_conversation, send, streamed_text};
use crate::helpers::*;
use serde_json::{Value, json};
use std::sync::atomic::Ordering;
use std::time::Duration;

fn openai(s: &TestServer, t: &str, fake: &fake_llm::FakeLlm) {
    fake_llm::configure(
        s,
        t,
        json!({"openai_base_url": format!("{}/v1", fake.svc.base), "openai_api_key": "sk-test-abcdefghijkl", "default_provider": "openai"}),
    );
}

#[test]
fn a_reply_streams_from_an_openai_compatible_provider_and_is_stored() {
    let s = TestServer::start();
    let t = s.admin_token();
    let fake = fake_llm::start(|_| {
        // Keep-alive comment, CRLF frames and a usage chunk with null choices.
        let mut pieces = vec![": OPENROUTER PROCESSING\r\n\r\n".to_string()];
        pieces.extend(
            fake_llm::openai_text(&["Hello", ", ", "world", "!"], (7, 4))
                .into_iter()
                .map(|p| p.replace("\n\n", "\r\n\r\n")),
        );
        Reply::Stream(pieces, Duration::from_millis(1))
    });
    openai(&s, &t, &fake);
    let conv = new_conversation(&s, &t);
    let (status, frames) = send(
        &s,
        &t,
        &conv,
        json!({"content": "Say hello", "tools_enabled": true}),
    );
    assert_eq!(status, 200);
    assert_eq!(streamed_text(&frames), "Hello, world!");
    let done = frames.last().unwrap();
    assert_eq!(done["done"], true);
    assert_eq!(done["usage"]["total_tokens"], 11);
    // The request was in OpenAI's format, with the tools and the bearer key.
    let req = &fake.requests()[0];
    assert_eq!(req["stream"], true);
    assert_eq!(
        req["messages"].as_array().unwrap().last().unwrap()["content"],
        "Say hello"
    );
    assert!(
        req["tools"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["function"]["name"] == "create_task")
    );
    assert_eq!(
        fake.header(0, "authorization").as_deref(),
        Some("Bearer sk-test-abcdefghijkl")
    );
    let history = s
        .get(
            &format!("/api/v1/chat/conversations/{conv}/messages"),
            Some(&t),
        )
        .json()["items"]
        .clone();
    let msgs = history.as_array().unwrap();
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[1]["content"], "Hello, world!");
    assert_eq!(msgs[1]["id"], done["message_id"]);
    assert_eq!(msgs[1]["provider"], "openai");
    // The first message titles the conversation.
    let c = s
        .get(&format!("/api/v1/chat/conversations/{conv}"), Some(&t))
        .json();
    assert_eq!(c["title"], "Say hello");
}

#[test]
fn a_tool_call_with_split_arguments_creates_a_real_task_and_its_result_goes_back_to_the_model() {
    let s = TestServer::start();
    let t = s.admin_token();
    let fake = fake_llm::start(|body| {
        if has_tool_result(body) {
            Reply::Stream(
                fake_llm::openai_text(&["Task created."], (30, 3)),
                Duration::ZERO,
            )
        } else {
            Reply::Stream(
                fake_llm::openai_tool_call("create_task", r#"{"title":"Review the Q3 report"}"#),
                Duration::ZERO,
            )
        }
    });
    openai(&s, &t, &fake);
    let conv = new_conversation(&s, &t);
    let (_, frames) = send(
        &s,
        &t,
        &conv,
        json!({"content": "Create a task to review the Q3 report", "tools_enabled": true}),
    );
    let tool: Vec<&Value> = frames
        .iter()
        .filter(|f| f.get("tool_use").is_some())
        .collect();
    assert_eq!(tool[0]["tool_use"], "create_task");
    assert_eq!(tool[0]["status"], "started");
    assert_eq!(tool[0]["input"]["title"], "Review the Q3 report");
    assert_eq!(tool[1]["status"], "finished", "{:?}", tool[1]);
    assert_eq!(tool[1]["result"]["title"], "Review the Q3 report");
    assert_eq!(streamed_text(&frames), "Task created.");
    // A real task, visible in the tasks area, created with the caller's permissions.
    let tasks = s.get("/api/v1/tasks/", Some(&t)).json()["items"].clone();
    let task = tasks
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["title"] == "Review the Q3 report")
        .expect("the task exists")
        .clone();
    assert_eq!(task["id"], tool[1]["result"]["id"]);
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 2);
    let msgs = reqs[1]["messages"].as_array().unwrap();
    let assistant = &msgs[msgs.len() - 2];
    assert_eq!(assistant["tool_calls"][0]["id"], "call_1");
    let result = msgs.last().unwrap();
    assert_eq!(result["role"], "tool");
    assert_eq!(result["tool_call_id"], "call_1");
    assert!(
        result["content"]
            .as_str()
            .unwrap()
            .contains(task["id"].as_str().unwrap())
    );
    let stored = s
        .get(
            &format!("/api/v1/chat/conversations/{conv}/messages"),
            Some(&t),
        )
        .json()["items"]
        .clone();
    assert_eq!(stored[1]["tool_calls"][0]["status"], "finished");
    assert_eq!(stored[1]["usage"]["total_tokens"], 25 + 33);
}

#[test]
fn anthropic_streams_text_and_tool_use_with_partial_json() {
    let s = TestServer::start();
    let t = s.admin_token();
    let fake = fake_llm::start(|body| {
        let ev = |name: &str, v: Value| format!("event: {name}\ndata: {v}\n\n");
        if has_tool_result(body) {
            return Reply::Stream(
                vec![
                    ev(
                        "message_start",
                        json!({"type": "message_start", "message": {"id": "msg_2", "usage": {"input_tokens": 50, "output_tokens": 1}}}),
                    ),
                    ev(
                        "content_block_start",
                        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
                    ),
                    ev(
                        "content_block_delta",
                        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Noted."}}),
                    ),
                    ev(
                        "message_delta",
                        json!({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 2}}),
                    ),
                    ev("message_stop", json!({"type": "message_stop"})),
                ],
                Duration::ZERO,
            );
        }
        Reply::Stream(
            vec![
                ev(
                    "message_start",
                    json!({"type": "message_start", "message": {"id": "msg_1", "role": "assistant", "content": [], "usage": {"input_tokens": 565, "output_tokens": 7}}}),
                ),
                ev("ping", json!({"type": "ping"})),
                ev(
                    "content_block_start",
                    json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
                ),
                ev(
                    "content_block_delta",
                    json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "I'll check."}}),
                ),
                ev(
                    "content_block_stop",
                    json!({"type": "content_block_stop", "index": 0}),
                ),
                ev(
                    "content_block_start",
                    json!({"type": "content_block_start", "index": 1, "content_block": {"type": "tool_use", "id": "toolu_1", "name": "save_memory", "input": {}}}),
                ),
                ev(
                    "content_block_delta",
                    json!({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": "{\"content\":"}}),
                ),
                ev(
                    "content_block_delta",
                    json!({"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": "\"likes tea\"}"}}),
                ),
                ev(
                    "content_block_stop",
                    json!({"type": "content_block_stop", "index": 1}),
                ),
                ev(
                    "message_delta",
                    json!({"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 48}}),
                ),
                ev("message_stop", json!({"type": "message_stop"})),
            ],
            Duration::from_millis(1),
        )
    });
    fake_llm::configure(
        &s,
        &t,
        json!({"anthropic_base_url": fake.svc.base, "anthropic_api_key": "sk-ant-test-123456789"}),
    );
    let conv = new_conversation(&s, &t);
    let (_, frames) = send(
        &s,
        &t,
        &conv,
        json!({"content": "Remember I like tea", "tools_enabled": true, "provider": "anthropic", "model": "claude-sonnet-4-5"}),
    );
    assert_eq!(streamed_text(&frames), "I'll check.Noted.");
    let tool: Vec<&Value> = frames
        .iter()
        .filter(|f| f.get("tool_use").is_some())
        .collect();
    assert_eq!(tool[0]["input"]["content"], "likes tea");
    // The memory log really holds it, and the model was told it was saved.
    assert_eq!(tool[1]["status"], "finished");
    let mem = s.get("/api/v1/memory/search?q=tea", Some(&t)).json();
    assert!(
        mem.to_string().contains("likes tea"),
        "memory search finds the saved fact: {mem}"
    );
    let reqs = fake.requests();
    assert_eq!(
        fake.header(0, "x-api-key").as_deref(),
        Some("sk-ant-test-123456789")
    );
    assert_eq!(
        fake.header(0, "anthropic-version").as_deref(),
        Some("2023-06-01")
    );
    assert!(reqs[0]["system"].as_str().unwrap().contains("Neuromancer"));
    assert!(reqs[0]["max_tokens"].as_u64().unwrap() > 0);
    assert_eq!(reqs[0]["tools"][0]["input_schema"]["type"], "object");
    let second = reqs[1]["messages"].as_array().unwrap();
    assert_eq!(second[second.len() - 2]["content"][1]["type"], "tool_use");
    assert_eq!(
        second.last().unwrap()["content"][0]["tool_use_id"],
        "toolu_1"
    );
    assert_eq!(
        frames.last().unwrap()["usage"]["total_tokens"],
        565 + 48 + 50 + 2
    );
}

#[test]
fn gemini_streams_function_calls_and_usage_in_separate_chunks() {
    let s = TestServer::start();
    let t = s.admin_token();
    let fake = fake_llm::start(|body| {
        if has_tool_result(body) {
            return Reply::Stream(
                fake_llm::sse(&[
                    json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "Saved "}]}}]}),
                    json!({"candidates": [{"content": {"parts": [{"text": "it."}]}, "finishReason": "STOP"}], "usageMetadata": {"promptTokenCount": 40, "candidatesTokenCount": 3, "totalTokenCount": 43}}),
                ]),
                Duration::ZERO,
            );
        }
        Reply::Stream(
            fake_llm::sse(&[
                json!({"candidates": [{"content": {"role": "model", "parts": [{"functionCall": {"name": "save_memory", "args": {"content": "newsletter on Tuesdays"}}, "thoughtSignature": "sig-1"}]}}]}),
                json!({"candidates": [{"content": {"parts": [{"text": ""}]}, "finishReason": "STOP"}], "usageMetadata": {"promptTokenCount": 107, "candidatesTokenCount": 31, "totalTokenCount": 138}}),
            ]),
            Duration::ZERO,
        )
    });
    fake_llm::configure(
        &s,
        &t,
        json!({"gemini_base_url": fake.svc.base, "gemini_api_key": "AIza-test-123456789", "default_provider": "gemini"}),
    );
    let conv = new_conversation(&s, &t);
    let (_, frames) = send(
        &s,
        &t,
        &conv,
        json!({"content": "Remember: newsletter on Tuesdays", "tools_enabled": true}),
    );
    assert_eq!(streamed_text(&frames), "Saved it.");
    assert!(
        frames
            .iter()
            .any(|f| f["tool_use"] == "save_memory" && f["status"] == "started")
    );
    let reqs = fake.requests();
    assert_eq!(
        fake.header(0, "x-goog-api-key").as_deref(),
        Some("AIza-test-123456789")
    );
    assert!(reqs[0]["systemInstruction"]["parts"][0]["text"].is_string());
    assert_eq!(
        reqs[0]["tools"][0]["functionDeclarations"][0]["name"],
        "create_task"
    );
    let contents = reqs[1]["contents"].as_array().unwrap();
    assert_eq!(
        contents[contents.len() - 2]["parts"][0]["thoughtSignature"],
        "sig-1"
    );
    assert_eq!(
        contents.last().unwrap()["parts"][0]["functionResponse"]["name"],
        "save_memory"
    );
    assert_eq!(frames.last().unwrap()["usage"]["total_tokens"], 138 + 43);
}

#[test]
fn an_upstream_500_becomes_an_error_frame_and_the_conversation_stays_usable() {
    let s = TestServer::start();
    let t = s.admin_token();
    let fake = fake_llm::start(|_| {
        Reply::Status(
            500,
            r#"{"error":{"message":"upstream exploded","type":"server_error"}}"#.into(),
        )
    });
    openai(&s, &t, &fake);
    let conv = new_conversation(&s, &t);
    let (status, frames) = send(
        &s,
        &t,
        &conv,
        json!({"content": "Hello?", "tools_enabled": false}),
    );
    assert_eq!(status, 200, "HTTP stays 200 once streaming started");
    let err = frames
        .iter()
        .find(|f| f.get("error").is_some())
        .expect("an error frame");
    assert!(
        err["error"].as_str().unwrap().contains("upstream exploded"),
        "{err}"
    );
    assert_eq!(frames.last().unwrap()["done"], true);
    assert_eq!(
        fake.requests().len(),
        3,
        "5xx before the first token is retried"
    );
    // Still usable: the next message (offline provider) gets a normal reply.
    let (_, frames) = send(
        &s,
        &t,
        &conv,
        json!({"content": "Write a LinkedIn post about remote onboarding", "tools_enabled": true, "provider": "local"}),
    );
    assert!(streamed_text(&frames).contains("Remote onboarding"));
    let history = s
        .get(
            &format!("/api/v1/chat/conversations/{conv}/messages"),
            Some(&t),
        )
        .json()["items"]
        .clone();
    let statuses: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["complete", "error", "complete", "complete"]);
}

#[test]
fn an_error_mid_stream_keeps_the_partial_text_and_a_429_is_retried() {
    let s = TestServer::start();
    let t = s.admin_token();
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let c2 = calls.clone();
    let fake = fake_llm::start(move |_| match c2.fetch_add(1, Ordering::SeqCst) {
        0 => Reply::Status(429, r#"{"error":{"message":"slow down"}}"#.into()),
        _ => Reply::Stream(
            fake_llm::sse(&[
                json!({"choices": [{"index": 0, "delta": {"content": "Partial answer"}}]}),
                json!({"error": {"message": "overloaded", "type": "overloaded_error"}}),
            ]),
            Duration::ZERO,
        ),
    });
    openai(&s, &t, &fake);
    let conv = new_conversation(&s, &t);
    let (_, frames) = send(
        &s,
        &t,
        &conv,
        json!({"content": "Go", "tools_enabled": false}),
    );
    assert_eq!(streamed_text(&frames), "Partial answer");
    assert!(frames.iter().any(|f| {
        f["error"]
            .as_str()
            .is_some_and(|e| e.contains("overloaded"))
    }));
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let history = s
        .get(
            &format!("/api/v1/chat/conversations/{conv}/messages"),
            Some(&t),
        )
        .json()["items"]
        .clone();
    assert_eq!(history[1]["content"], "Partial answer");
    assert_eq!(history[1]["status"], "error");
}

#[test]
fn a_client_disconnect_stops_the_upstream_read_and_the_partial_reply_is_stored() {
    let s = TestServer::start();
    let t = s.admin_token();
    let words: Vec<String> = (0..400).map(|i| format!("w{i} ")).collect();
    let fake = fake_llm::start(move |_| {
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        Reply::Stream(
            fake_llm::openai_text(&refs, (1, 1)),
            Duration::from_millis(10),
        )
    });
    openai(&s, &t, &fake);
    let conv = new_conversation(&s, &t);
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .new_agent();
    let mut resp = agent
        .post(&format!(
            "{}/api/v1/chat/conversations/{conv}/messages",
            s.base
        ))
        .header("Authorization", format!("Bearer {t}"))
        .send_json(json!({"content": "Tell me a long story", "tools_enabled": false}))
        .unwrap();
    let mut reader = resp.body_mut().as_reader();
    let mut buf = [0u8; 64];
    let n = std::io::Read::read(&mut reader, &mut buf).unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("data: "));
    drop(reader);
    drop(resp);
    // The upstream stream is abandoned long before its 400 pieces (≈4 s) are sent.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !fake.stream_dropped.load(Ordering::SeqCst) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        fake.stream_dropped.load(Ordering::SeqCst),
        "upstream still being read"
    );
    assert!(fake.pieces_sent.load(Ordering::SeqCst) < 300);
    let mut stored = Value::Null;
    for _ in 0..100 {
        stored = s
            .get(
                &format!("/api/v1/chat/conversations/{conv}/messages"),
                Some(&t),
            )
            .json()["items"]
            .clone();
        if stored.as_array().unwrap().len() == 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(stored[1]["status"], "interrupted");
    assert!(stored[1]["content"].as_str().unwrap().starts_with("w0 "));
}

#[test]
fn the_offline_provider_streams_word_by_word_and_creates_tasks() {
    let s = TestServer::start();
    let t = s.admin_token();
    let conv = new_conversation(&s, &t);
    let (_, frames) = send(
        &s,
        &t,
        &conv,
        json!({"content": "Create a task to review the Q3 report", "tools_enabled": true}),
    );
    let text_frames = frames.iter().filter(|f| f.get("content").is_some()).count();
    assert!(text_frames > 3, "token by token: {frames:?}");
    let tool: Vec<&Value> = frames
        .iter()
        .filter(|f| f.get("tool_use").is_some())
        .collect();
    assert_eq!(tool[0]["tool_use"], "create_task");
    assert_eq!(tool[0]["input"]["title"], "Review the Q3 report");
    assert_eq!(tool[1]["status"], "finished");
    assert!(streamed_text(&frames).contains("Done: the task “Review the Q3 report” is created."));
    let (_, frames) = send(
        &s,
        &t,
        &conv,
        json!({"content": "List my tasks", "tools_enabled": true}),
    );
    assert!(
        streamed_text(&frames).contains("- Review the Q3 report ("),
        "{frames:?}"
    );
    let models = s.get("/api/v1/settings/available-models", Some(&t)).json();
    let local = models["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["provider"] == "local")
        .unwrap()
        .clone();
    assert_eq!(local["offline"], true);
    assert_eq!(models["default_provider"], "local");
}

#[test]
fn offline_chat_searches_the_users_sources_and_remembers_facts() {
    let s = TestServer::start();
    let t = s.admin_token();
    let r = s.post(
        "/api/v1/sources/import/paste",
        Some(&t),
        &json!({"title": "Pricing notes", "content": "Our studio plan costs forty euros per seat and includes unlimited drafts."}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    s.drain_jobs();
    let conv = new_conversation(&s, &t);
    let (_, frames) = send(
        &s,
        &t,
        &conv,
        json!({"content": "Search my sources for studio plan seat price", "tools_enabled": true}),
    );
    let tool: Vec<&Value> = frames
        .iter()
        .filter(|f| f.get("tool_use").is_some())
        .collect();
    assert_eq!(tool[0]["tool_use"], "search_knowledge");
    assert_eq!(tool[1]["status"], "finished", "{frames:?}");
    let text = streamed_text(&frames);
    assert!(text.contains("**Pricing notes**"), "{text}");
    assert!(text.contains("forty euros"), "{text}");

    let (_, frames) = send(
        &s,
        &t,
        &conv,
        json!({"content": "Remember that our newsletter ships on Tuesdays", "tools_enabled": true}),
    );
    assert!(
        streamed_text(&frames).contains("Saved to memory."),
        "{frames:?}"
    );
    let mem = s.get("/api/v1/memory/", Some(&t)).json()["items"].clone();
    assert_eq!(mem[0]["content"], "our newsletter ships on Tuesdays");
    // Another user's chat cannot find this user's sources.
    let (_, other) = s.member("other@example.com");
    let conv2 = new_conversation(&s, &other);
    let (_, frames) = send(
        &s,
        &other,
        &conv2,
        json!({"content": "Search my sources for studio plan seat price", "tools_enabled": true}),
    );
    let text = streamed_text(&frames);
    assert!(!text.contains("forty euros"), "{text}");
    assert!(text.contains("Nothing in your knowledge matches"), "{text}");
}

#[test]
fn an_unconfigured_provider_is_a_clear_400_before_streaming() {
    let s = TestServer::start();
    let t = s.admin_token();
    let conv = new_conversation(&s, &t);
    let (status, body) = send(
        &s,
        &t,
        &conv,
        json!({"content": "hi", "tools_enabled": true, "provider": "anthropic"}),
    );
    assert_eq!(status, 409, "a provider the admin has not configured");
    assert!(
        body[0]["detail"]
            .as_str()
            .unwrap()
            .contains("anthropic_api_key")
    );
    let (status, _) = send(
        &s,
        &t,
        &conv,
        json!({"content": "  ", "tools_enabled": true}),
    );
    assert_eq!(status, 422);
}

#[test]
fn conversations_are_private_until_shared_and_participants_can_be_removed() {
    let s = TestServer::start_with(|c| c.login_per_minute = 1000);
    let admin = s.admin_token();
    let (_, ana) = s.member("ana@example.com");
    let (ben_id, ben) = s.member("ben@example.com");
    let conv = new_conversation(&s, &ana);
    let path = format!("/api/v1/chat/conversations/{conv}");
    for who in [&ben, &admin] {
        assert_eq!(s.get(&path, Some(who)).status, 404);
        assert_eq!(s.get(&format!("{path}/messages"), Some(who)).status, 404);
        assert_eq!(
            send(
                &s,
                who,
                &conv,
                json!({"content": "hi", "tools_enabled": false})
            )
            .0,
            404
        );
    }
    assert!(
        s.get("/api/v1/chat/conversations", Some(&ben)).json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let r = s.post(
        &format!("{path}/share"),
        Some(&ana),
        &json!({"user_id": ben_id}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json().as_array().unwrap().len(), 2);
    assert_eq!(
        s.get("/api/v1/chat/conversations", Some(&ben)).json()["items"][0]["id"],
        conv.as_str()
    );
    assert_eq!(
        send(
            &s,
            &ben,
            &conv,
            json!({"content": "hello from ben", "tools_enabled": false})
        )
        .0,
        200
    );
    assert_eq!(
        s.get(&format!("{path}/messages"), Some(&ana)).json()["items"][0]["content"],
        "hello from ben"
    );
    // Participants cannot share further, rename or delete.
    assert_eq!(
        s.post(
            &format!("{path}/share"),
            Some(&ben),
            &json!({"user_id": ben_id})
        )
        .status,
        403
    );
    assert_eq!(s.raw("DELETE", &path, Some(&ben), None, vec![]).status, 403);
    // Search finds it by message text.
    let found = s
        .get("/api/v1/chat/conversations?search=from%20ben", Some(&ana))
        .json()["items"]
        .clone();
    assert_eq!(found.as_array().unwrap().len(), 1);
    let r = s.raw(
        "DELETE",
        &format!("{path}/participants/{ben_id}"),
        Some(&ana),
        None,
        vec![],
    );
    assert_eq!(r.status, 204);
    assert_eq!(s.get(&path, Some(&ben)).status, 404);
    assert_eq!(s.raw("DELETE", &path, Some(&ana), None, vec![]).status, 204);
    assert_eq!(s.get(&path, Some(&ana)).status, 404);
}

#[test]
fn the_events_stream_pushes_other_participants_messages() {
    let s = TestServer::start_with(|c| c.login_per_minute = 1000);
    let (_, ana) = s.member("ana@example.com");
    let (ben_id, ben) = s.member("ben@example.com");
    let conv = new_conversation(&s, &ana);
    s.post(
        &format!("/api/v1/chat/conversations/{conv}/share"),
        Some(&ana),
        &json!({"user_id": ben_id}),
    );
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let url = format!("{}/api/v1/chat/conversations/{conv}/events", s.base);
    let ben2 = ben.clone();
    std::thread::spawn(move || {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .new_agent();
        let resp = agent
            .get(&url)
            .header("Authorization", format!("Bearer {ben2}"))
            .call()
            .unwrap();
        let reader = std::io::BufReader::new(resp.into_body().into_reader());
        for line in std::io::BufRead::lines(reader) {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    assert_eq!(
        rx.recv_timeout(Duration::from_secs(5)).unwrap(),
        ": connected"
    );
    send(
        &s,
        &ana,
        &conv,
        json!({"content": "Write a blog post about tea", "tools_enabled": false}),
    );
    s.drain_jobs();
    let mut got = Vec::new();
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(3)) {
        if let Some(d) = line.strip_prefix("data: ") {
            got.push(serde_json::from_str::<Value>(d).unwrap());
            if got.len() == 2 {
                break;
            }
        }
    }
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0]["type"], "message");
    assert_eq!(got[0]["message"]["content"], "Write a blog post about tea");
    assert_eq!(got[1]["message"]["role"], "assistant");
}

#[test]
fn an_update_task_call_moves_a_task_to_the_named_column() {
    let s = TestServer::start();
    let t = s.admin_token();
    let r = s.post(
        "/api/v1/tasks/",
        Some(&t),
        &json!({"title": "Ship the newsletter"}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let args = json!({"task_id": id, "status": "done"}).to_string();
    let fake = fake_llm::start(move |body| {
        if has_tool_result(body) {
            Reply::Stream(fake_llm::openai_text(&["Moved."], (5, 1)), Duration::ZERO)
        } else {
            Reply::Stream(
                fake_llm::openai_tool_call("update_task", &args),
                Duration::ZERO,
            )
        }
    });
    openai(&s, &t, &fake);
    let conv = new_conversation(&s, &t);
    let (_, frames) = send(
        &s,
        &t,
        &conv,
        json!({"content": "Mark it done", "tools_enabled": true}),
    );
    let done = frames
        .iter()
        .find(|f| f["tool_use"] == "update_task" && f["status"] != "started")
        .unwrap();
    assert_eq!(done["status"], "finished", "{done}");
    assert_eq!(done["result"]["completed"], true);
    let task = s.get(&format!("/api/v1/tasks/{id}"), Some(&t)).json();
    assert!(task["completed_at"].is_string(), "{task}");
}
