//! Uploads reaching the model, transcription, AI logs (tokens, cost, aggregates), budgets, and
//! the provider settings helpers — against the loopback provider fakes.
use crate::fake_llm::{self, Reply, new_conversation, send, streamed_text};
use crate::helpers::*;
use serde_json::{Value, json};
use std::time::Duration;

fn multipart(filename: &str, mime: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "XtestBoundary42";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {mime}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn upload(s: &TestServer, t: &str, conv: &str, name: &str, mime: &str, bytes: &[u8]) -> Resp {
    let (ct, body) = multipart(name, mime, bytes);
    s.raw(
        "POST",
        &format!("/api/v1/chat/conversations/{conv}/upload"),
        Some(t),
        Some(&ct),
        body,
    )
}

fn docx(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    z.start_file("[Content_Types].xml", opts).unwrap();
    z.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
    z.start_file("word/document.xml", opts).unwrap();
    write!(z, "<?xml version=\"1.0\"?><w:document xmlns:w=\"x\"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p><w:p><w:r><w:t>Tea &amp; biscuits.</w:t></w:r></w:p></w:body></w:document>").unwrap();
    z.finish().unwrap();
    buf.into_inner()
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89";

#[test]
fn uploaded_documents_and_images_reach_the_model() {
    let s = TestServer::start();
    let t = s.admin_token();
    let fake = fake_llm::start(|_| {
        Reply::Stream(
            fake_llm::openai_text(&["Read it."], (100, 3)),
            Duration::ZERO,
        )
    });
    fake_llm::configure(
        &s,
        &t,
        json!({"openai_base_url": format!("{}/v1", fake.svc.base), "openai_api_key": "sk-test-abcdefghijkl", "default_provider": "openai"}),
    );
    let conv = new_conversation(&s, &t);
    let r = upload(
        &s,
        &t,
        &conv,
        "notes.md",
        "text/markdown",
        b"# Q3\nRevenue grew 12% thanks to the Berlin office.\n",
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let md = r.json();
    assert_eq!(md["kind"], "text");
    assert_eq!(md["mime"], "text/markdown");
    let r = upload(
        &s,
        &t,
        &conv,
        "brief.docx",
        "application/octet-stream",
        &docx("The launch is on March 3."),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let doc = r.json();
    let r = upload(&s, &t, &conv, "chart.png", "image/png", PNG);
    assert_eq!(r.status, 201, "{}", r.text);
    let img = r.json();
    assert_eq!(img["kind"], "image");
    let (status, frames) = send(
        &s,
        &t,
        &conv,
        json!({"content": "Summarise", "tools_enabled": false,
        "attachments": [md["id"], doc["id"], img["id"]]}),
    );
    assert_eq!(status, 200);
    assert_eq!(streamed_text(&frames), "Read it.");
    let req = &fake.requests()[0];
    let user = req["messages"].as_array().unwrap().last().unwrap();
    let parts = user["content"].as_array().expect("vision parts");
    let text = parts[0]["text"].as_str().unwrap();
    assert!(
        text.contains("Revenue grew 12% thanks to the Berlin office."),
        "{text}"
    );
    assert!(text.contains("The launch is on March 3."), "{text}");
    assert!(text.contains("Tea & biscuits."), "{text}");
    assert!(
        parts[1]["image_url"]["url"]
            .as_str()
            .unwrap()
            .starts_with("data:image/png;base64,iVBOR")
    );
    let history = s
        .get(
            &format!("/api/v1/chat/conversations/{conv}/messages"),
            Some(&t),
        )
        .json();
    assert_eq!(
        history["items"][0]["attachments"].as_array().unwrap().len(),
        3
    );
}

#[test]
fn uploads_are_checked_by_content_and_size() {
    let s = TestServer::start_with(|c| c.upload_limit = 2 * 1024 * 1024);
    let t = s.admin_token();
    let conv = new_conversation(&s, &t);
    let r = upload(
        &s,
        &t,
        &conv,
        "evil.pdf",
        "application/pdf",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",
    );
    assert_eq!(r.status, 415, "{}", r.text);
    let big = vec![b'a'; 2 * 1024 * 1024 + 10];
    let r = upload(&s, &t, &conv, "big.txt", "text/plain", &big);
    assert_eq!(r.status, 413, "{}", r.text);
    assert!(r.detail().contains("upload limit"));
    let r = s.post(
        &format!("/api/v1/chat/conversations/{conv}/messages"),
        Some(&t),
        &json!({"content": "x", "attachments": ["nope"]}),
    );
    assert_eq!(
        r.status, 404,
        "an attachment the conversation does not hold"
    );
    // The offline provider answers from the attachment itself.
    let r = upload(&s, &t, &conv, "report.txt", "text/plain", b"Churn fell to 2% after onboarding calls. The team hired two engineers in May. Lunch was pizza on Friday.");
    let id = r.json()["id"].as_str().unwrap().to_string();
    let (_, frames) = send(
        &s,
        &t,
        &conv,
        json!({"content": "What happened to churn?", "tools_enabled": false, "attachments": [id]}),
    );
    assert!(streamed_text(&frames).contains("Churn fell to 2% after onboarding calls."));
}

#[test]
fn transcription_needs_a_provider_and_uses_the_openai_audio_api() {
    let s = TestServer::start();
    let t = s.admin_token();
    let conv = new_conversation(&s, &t);
    let audio = b"OggS\x00\x02fake-opus-audio-bytes";
    let (ct, body) = multipart("voice.ogg", "audio/ogg", audio);
    let path = format!("/api/v1/chat/conversations/{conv}/transcribe");
    let r = s.raw("POST", &path, Some(&t), Some(&ct), body.clone());
    assert_eq!(r.status, 409, "nothing configured to transcribe with");
    assert!(r.detail().contains("transcription_provider"));
    let fake = fake_llm::start(|_| Reply::Status(500, "{}".into()));
    fake_llm::configure(
        &s,
        &t,
        json!({"openai_base_url": format!("{}/v1", fake.svc.base), "openai_api_key": "sk-test-abcdefghijkl",
        "transcription_provider": "openai", "transcription_model": "gpt-4o-mini-transcribe"}),
    );
    let r = s.raw("POST", &path, Some(&t), Some(&ct), body);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["text"], "Ship the newsletter on Tuesday.");
    let raw = String::from_utf8_lossy(&fake.raw.lock().unwrap()[0]).into_owned();
    assert!(raw.contains("name=\"model\"\r\n\r\ngpt-4o-mini-transcribe"));
    assert!(raw.contains("filename=\"voice.ogg\"") && raw.contains("fake-opus-audio-bytes"));
    assert!(
        fake.header(0, "content-type")
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    );
    let logs = s
        .get("/api/v1/ai-logs?function=transcription", Some(&t))
        .json();
    assert_eq!(logs["total"], 1);
}

#[test]
fn ai_logs_record_tokens_latency_and_cost_and_aggregate_them() {
    let s = TestServer::start_with(|c| c.login_per_minute = 1000);
    let t = s.admin_token();
    let fake = fake_llm::start(|_| {
        Reply::Stream(fake_llm::openai_text(&["Hi"], (1000, 500)), Duration::ZERO)
    });
    fake_llm::configure(
        &s,
        &t,
        json!({"openai_base_url": format!("{}/v1", fake.svc.base), "openai_api_key": "sk-test-abcdefghijkl",
        "ai_price_table": "{\"fake-model\": [2.0, 10.0]}"}),
    );
    let conv = new_conversation(&s, &t);
    send(
        &s,
        &t,
        &conv,
        json!({"content": "a", "tools_enabled": false, "provider": "openai", "model": "fake-model"}),
    );
    send(
        &s,
        &t,
        &conv,
        json!({"content": "b", "tools_enabled": false, "provider": "openai", "model": "gpt-4o-mini"}),
    );
    let logs = s.get("/api/v1/ai-logs?provider=openai", Some(&t)).json();
    assert_eq!(logs["total"], 2);
    let fake_row = logs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["model"] == "fake-model")
        .unwrap()
        .clone();
    assert_eq!(fake_row["input_tokens"], 1000);
    assert_eq!(fake_row["output_tokens"], 500);
    assert_eq!(fake_row["total_tokens"], 1500);
    assert_eq!(fake_row["function"], "chat");
    assert_eq!(fake_row["status"], "ok");
    assert!(fake_row["ttft_ms"].is_number());
    // 1000 × $2/M + 500 × $10/M from the editable table; gpt-4o-mini from the built-in one.
    assert!((fake_row["cost_usd"].as_f64().unwrap() - 0.007).abs() < 1e-9);
    let mini = logs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["model"] == "gpt-4o-mini")
        .unwrap()
        .clone();
    assert!(
        (mini["cost_usd"].as_f64().unwrap() - (1000.0 * 0.15 + 500.0 * 0.6) / 1e6).abs() < 1e-9
    );
    let stats = s.get("/api/v1/ai-logs/stats", Some(&t)).json();
    assert_eq!(stats["total_calls"], 2);
    assert_eq!(stats["total_tokens"], 3000);
    assert_eq!(stats["month_tokens"], 3000);
    let usage = s.get("/api/v1/ai-logs/token-usage?days=7", Some(&t)).json();
    assert_eq!(usage["daily"].as_array().unwrap().len(), 7);
    assert_eq!(usage["daily"][6]["total_tokens"], 3000);
    assert_eq!(usage["by_model"].as_array().unwrap().len(), 2);
    assert_eq!(usage["by_user"][0]["label"], ADMIN_EMAIL);
    assert_eq!(usage["by_function"][0]["key"], "chat");
    let board = s.get("/api/v1/ai-logs/leaderboard", Some(&t)).json();
    assert_eq!(board["total"], 1);
    assert_eq!(board["items"][0]["rank"], 1);
    assert_eq!(board["items"][0]["badges"], json!(["champion", "top3"]));
    assert_eq!(board["items"][0]["score"], 2 * 10 + 3);
    let second_page = s
        .get("/api/v1/ai-logs?provider=openai&limit=1&offset=1", Some(&t))
        .json();
    assert_eq!(second_page["total"], 2);
    assert_eq!(second_page["items"].as_array().unwrap().len(), 1);
    assert_eq!(s.get("/api/v1/ai-logs?limit=201", Some(&t)).status, 422);
    // Members see only their own calls.
    neuromancer::users::admin::add_user(
        &s.state.db,
        "ana@example.com",
        "member",
        None,
        "ana-orbit-passphrase-1",
    )
    .unwrap();
    let ana = s.login("ana@example.com", "ana-orbit-passphrase-1");
    assert_eq!(s.get("/api/v1/ai-logs", Some(&ana)).json()["total"], 0);
    assert_eq!(
        s.get("/api/v1/ai-logs?status=error", Some(&t)).json()["total"],
        0
    );
}

#[test]
fn a_monthly_token_budget_refuses_calls_with_429_and_stops_the_agent_with_an_error_frame() {
    let s = TestServer::start();
    let t = s.admin_token();
    let fake = fake_llm::start(|body| {
        if fake_llm::has_tool_result(body) {
            Reply::Stream(fake_llm::openai_text(&["never"], (1, 1)), Duration::ZERO)
        } else {
            Reply::Stream(
                fake_llm::openai_tool_call("list_tasks", "{}"),
                Duration::ZERO,
            )
        }
    });
    fake_llm::configure(
        &s,
        &t,
        json!({"openai_base_url": format!("{}/v1", fake.svc.base), "openai_api_key": "sk-test-abcdefghijkl",
        "default_provider": "openai", "monthly_token_budget": "25"}),
    );
    let conv = new_conversation(&s, &t);
    let (status, frames) = send(
        &s,
        &t,
        &conv,
        json!({"content": "list my tasks", "tools_enabled": true}),
    );
    assert_eq!(status, 200);
    let err = frames
        .iter()
        .find(|f| f.get("error").is_some())
        .expect("error frame");
    assert!(err["error"].as_str().unwrap().contains("budget"), "{err}");
    assert_eq!(fake.requests().len(), 1, "the second round was not sent");
    let r = s.post(
        &format!("/api/v1/chat/conversations/{conv}/messages"),
        Some(&t),
        &json!({"content": "again"}),
    );
    assert_eq!(r.status, 429);
    assert!(r.detail().contains("monthly token budget"));
    let stats = s.get("/api/v1/ai-logs/stats", Some(&t)).json();
    assert_eq!(stats["monthly_budget"], 25);
}

#[test]
fn provider_settings_are_masked_testable_and_list_models() {
    let s = TestServer::start();
    let t = s.admin_token();
    let fake = fake_llm::start(|_| Reply::Status(500, "{}".into()));
    fake_llm::configure(
        &s,
        &t,
        json!({"openai_base_url": format!("{}/v1", fake.svc.base), "openai_api_key": "sk-test-abcdefghijkl",
        "gemini_base_url": fake.svc.base, "gemini_api_key": "AIza-test-123456789"}),
    );
    let settings = s.get("/api/v1/settings/", Some(&t)).json();
    assert_eq!(settings["openai_api_key"], "sk-…ijkl");
    let schema = s.get("/api/v1/settings/schema", Some(&t)).json();
    assert!(
        schema
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["key"] == "anthropic_api_key" && d["kind"] == "secret")
    );
    let r = s
        .post(
            "/api/v1/settings/test-provider",
            Some(&t),
            &json!({"provider": "openai"}),
        )
        .json();
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["models"], json!(["fake-model", "gpt-4o-mini"]));
    let r = s
        .post(
            "/api/v1/settings/test-provider",
            Some(&t),
            &json!({"provider": "gemini"}),
        )
        .json();
    assert_eq!(r["models"], json!(["gemini-2.5-flash"]));
    let r = s
        .post(
            "/api/v1/settings/test-provider",
            Some(&t),
            &json!({"provider": "anthropic"}),
        )
        .json();
    assert_eq!(r["ok"], false);
    assert!(r["detail"].as_str().unwrap().contains("anthropic_api_key"));
    assert_eq!(
        s.post(
            "/api/v1/settings/test-provider",
            Some(&t),
            &json!({"provider": "nope"})
        )
        .status,
        422
    );
    let models = s.get("/api/v1/settings/available-models", Some(&t)).json();
    let by: std::collections::HashMap<String, Value> = models["providers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["provider"].as_str().unwrap().to_string(), p.clone()))
        .collect();
    assert_eq!(by["openai"]["models"], json!(["fake-model", "gpt-4o-mini"]));
    assert_eq!(by["anthropic"]["configured"], false);
    let r = s.post(
        "/api/v1/settings/claude-code/save-token",
        Some(&t),
        &json!({"token": "sk-ant-oat-secret-token"}),
    );
    assert_eq!(r.status, 200);
    let status = s
        .get("/api/v1/settings/claude-code/auth-status", Some(&t))
        .json();
    assert_eq!(status["logged_in"], true);
    assert_eq!(status["method"], "stored_token");
}

#[test]
fn other_areas_can_generate_and_embed_offline_with_logs() {
    let s = TestServer::start();
    let t = s.admin_token();
    let me = s.get("/api/v1/auth/me", Some(&t)).json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut streamed = String::new();
    let (text, usage) = neuromancer::ai::calls::complete(
        &s.state,
        &me,
        "content.generate",
        None,
        None,
        None,
        "",
        "Write a blog post about tea",
        &mut |p| {
            if let neuromancer::ai::calls::Piece::Text(t) = p {
                streamed.push_str(t);
            }
            neuromancer::ai::Flow::Continue
        },
    )
    .unwrap();
    assert_eq!(text, streamed);
    assert!(text.contains("# Tea"), "{text}");
    assert!(usage.total_tokens > 0);
    let v = neuromancer::ai::calls::embed(&s.state, Some(&me), &["a b c".into(), "d e f".into()])
        .unwrap();
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].len(), 384);
    let logs = s
        .get("/api/v1/ai-logs?function=content.generate", Some(&t))
        .json();
    assert_eq!(logs["total"], 1);
    assert_eq!(
        s.get("/api/v1/ai-logs?function=embeddings", Some(&t))
            .json()["total"],
        1
    );
}

/// A one-page PDF with the standard Helvetica font, offsets computed so the xref is valid.
fn pdf(text: &str) -> Vec<u8> {
    let content = format!("BT /F1 18 Tf 72 700 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn text_is_extracted_from_an_uploaded_pdf() {
    let s = TestServer::start();
    let t = s.admin_token();
    let conv = new_conversation(&s, &t);
    let r = upload(
        &s,
        &t,
        &conv,
        "q3.pdf",
        "application/pdf",
        &pdf("Quarterly revenue grew twelve percent."),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let a = r.json();
    assert_eq!(a["mime"], "application/pdf");
    assert!(a["chars"].as_i64().unwrap() > 20);
    let (_, frames) = send(
        &s,
        &t,
        &conv,
        json!({"content": "How did revenue do?", "tools_enabled": false, "attachments": [a["id"]]}),
    );
    assert!(
        streamed_text(&frames).contains("Quarterly revenue grew twelve percent."),
        "{frames:?}"
    );
}
