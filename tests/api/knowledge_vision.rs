//! visual-scan: an uploaded image is described by a vision-capable model (the fake OpenAI
//! server sees it as a data URL) and the description becomes a searchable source; the offline
//! provider is refused with a clear 400, never a made-up description.
use crate::fake_llm::{self, Reply};
use crate::helpers::*;
use base64::Engine;
use serde_json::json;
use std::time::Duration;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde";

fn upload(s: &TestServer, t: &str, filename: &str, bytes: &[u8]) -> Resp {
    let boundary = "v1sionb0undary";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: image/png\r\n\r\n").into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    s.raw(
        "POST",
        "/api/v1/platforms/visual-scan/import",
        Some(t),
        Some(&format!("multipart/form-data; boundary={boundary}")),
        body,
    )
}

#[test]
fn an_image_is_described_by_the_vision_model_and_becomes_a_searchable_source() {
    let fake = fake_llm::start(|_| {
        Reply::Stream(
            fake_llm::openai_text(
                &[
                    "Whiteboard sketch\n",
                    "The board reads: migrate the ",
                    "flamingo cluster on Friday.",
                ],
                (120, 20),
            ),
            Duration::ZERO,
        )
    });
    let s = TestServer::start();
    let t = s.admin_token();
    fake_llm::configure(
        &s,
        &t,
        json!({"default_provider": "openai", "default_model": "gpt-4o-mini",
               "openai_api_key": "sk-v", "openai_base_url": format!("{}/v1", fake.svc.base)}),
    );
    let r = upload(&s, &t, "board.png", PNG);
    assert_eq!(r.status, 201, "{}", r.text);
    let src = r.json()["sources"][0].clone();
    assert_eq!(src["platform"], "visual-scan");
    assert_eq!(src["title"], "Whiteboard sketch");

    let reqs = fake.requests();
    assert_eq!(reqs.len(), 1);
    let user = reqs[0]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "user")
        .unwrap()
        .clone();
    let url = user["content"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["type"] == "image_url")
        .unwrap()["image_url"]["url"]
        .as_str()
        .unwrap()
        .to_string();
    let b64 = base64::engine::general_purpose::STANDARD.encode(PNG);
    assert_eq!(url, format!("data:image/png;base64,{b64}"));

    s.drain_jobs();
    let r = s.get("/api/v1/sources/search?q=flamingo+cluster", Some(&t));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["results"][0]["doc_id"], src["id"]);
    let logs = s
        .get("/api/v1/ai-logs?function=knowledge.visual_scan", Some(&t))
        .json();
    assert_eq!(logs["total"], 1, "{logs}");
}

#[test]
fn visual_scan_refuses_the_offline_provider_and_files_that_are_not_images() {
    let s = TestServer::start();
    let t = s.admin_token();
    let r = upload(&s, &t, "board.png", PNG);
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(r.detail().contains("vision-capable"), "{}", r.text);
    let r = upload(&s, &t, "fake.png", b"just some text pretending");
    assert_eq!(r.status, 415, "{}", r.text);
    let sources = s.get("/api/v1/sources/", Some(&t)).json()["items"].clone();
    assert_eq!(sources.as_array().unwrap().len(), 0);
}
