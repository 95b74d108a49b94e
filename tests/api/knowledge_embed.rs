//! Remote embedders: OpenAI-compatible /embeddings, Ollama /api/embed and Gemini
//! batchEmbedContents through loopback fakes speaking the real formats; any vector size;
//! switching provider re-embeds; a failing provider is a clear error, never our 500.
use crate::helpers::*;
use actix_web::{HttpResponse, web};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// A deterministic bag-of-words vector, so the fake's vectors make search meaningful.
fn fake_vec(text: &str, dims: usize) -> Vec<f32> {
    let mut v = vec![0f32; dims];
    for w in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
    {
        let h = w
            .to_lowercase()
            .bytes()
            .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64));
        v[(h % dims as u64) as usize] += 1.0;
    }
    v[0] += 0.01;
    v
}

/// One call the fake saw: (path, body, headers as "name: value").
type Call = (String, Value, Vec<String>);

#[derive(Clone, Default)]
struct Seen {
    calls: Arc<Mutex<Vec<Call>>>,
    fail: Arc<AtomicBool>,
}

impl Seen {
    fn bodies(&self, path_part: &str) -> Vec<Value> {
        let calls = self.calls.lock().unwrap();
        calls
            .iter()
            .filter(|c| c.0.contains(path_part))
            .map(|c| c.1.clone())
            .collect()
    }
    fn saw(&self, path_part: &str, needle: &str) -> bool {
        self.bodies(path_part)
            .iter()
            .any(|b| b.to_string().contains(needle))
    }
}

fn fake() -> (FakeService, Seen) {
    let seen = Seen::default();
    let s = seen.clone();
    let svc = FakeService::start(move |cfg| {
        let s = s.clone();
        cfg.default_service(web::to(move |req: actix_web::HttpRequest, body: web::Bytes| {
            let s = s.clone();
            async move {
                let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                let headers = req
                    .headers()
                    .iter()
                    .map(|(k, v)| format!("{}: {}", k, v.to_str().unwrap_or("")))
                    .collect();
                let path = req.path().to_string();
                s.calls
                    .lock()
                    .unwrap()
                    .push((path.clone(), v.clone(), headers));
                if s.fail.load(Ordering::SeqCst) {
                    return HttpResponse::InternalServerError()
                        .json(json!({"error": {"message": "embedding backend exploded"}}));
                }
                let texts = |arr: &Value| -> Vec<String> {
                    arr.as_array()
                        .unwrap()
                        .iter()
                        .map(|t| t.as_str().unwrap().to_string())
                        .collect()
                };
                if path == "/v1/embeddings" {
                    let data: Vec<Value> = texts(&v["input"])
                        .iter()
                        .enumerate()
                        .map(|(i, t)| json!({"object": "embedding", "index": i, "embedding": fake_vec(t, 1536)}))
                        .collect();
                    HttpResponse::Ok().json(json!({"object": "list", "data": data, "model": v["model"],
                        "usage": {"prompt_tokens": 11, "total_tokens": 11}}))
                } else if path == "/api/embed" {
                    let e: Vec<Vec<f32>> =
                        texts(&v["input"]).iter().map(|t| fake_vec(t, 768)).collect();
                    HttpResponse::Ok().json(
                        json!({"model": v["model"], "embeddings": e, "prompt_eval_count": 7}),
                    )
                } else if path.ends_with(":batchEmbedContents") {
                    let e: Vec<Value> = v["requests"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|r| {
                            json!({"values": fake_vec(r["content"]["parts"][0]["text"].as_str().unwrap(), 768)})
                        })
                        .collect();
                    HttpResponse::Ok().json(json!({"embeddings": e}))
                } else {
                    HttpResponse::NotFound().finish()
                }
            }
        }));
    });
    (svc, seen)
}

fn settings(s: &TestServer, t: &str, v: Value) {
    let r = s.put("/api/v1/settings/", Some(t), &v);
    assert_eq!(r.status, 200, "{}", r.text);
}

fn paste(s: &TestServer, t: &str, title: &str, content: &str) -> String {
    let r = s.post(
        "/api/v1/sources/import/paste",
        Some(t),
        &json!({"title": title, "content": content}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()["id"].as_str().unwrap().to_string()
}

fn source(s: &TestServer, t: &str, id: &str) -> Value {
    s.get(&format!("/api/v1/sources/{id}"), Some(t)).json()
}

fn vector_hit(s: &TestServer, t: &str, q: &str) -> Value {
    let r = s.get(
        &format!(
            "/api/v1/sources/search?mode=vector&q={}",
            q.replace(' ', "+")
        ),
        Some(t),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["results"][0].clone()
}

fn status(s: &TestServer, t: &str) -> Value {
    let r = s.get("/api/v1/sources/embedding-status", Some(t));
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

#[test]
fn openai_embeddings_index_a_paste_and_switching_to_ollama_reembeds_with_768_dims() {
    let (svc, seen) = fake();
    let s = TestServer::start();
    let t = s.admin_token();
    settings(
        &s,
        &t,
        json!({"embedding_provider": "openai", "embedding_model": "text-embedding-3-small",
               "openai_api_key": "sk-embed", "openai_base_url": format!("{}/v1", svc.base),
               "ollama_base_url": svc.base}),
    );
    let lemon = paste(
        &s,
        &t,
        "Cake",
        "Lemon drizzle cake needs butter, sugar and zest.",
    );
    let orbit = paste(
        &s,
        &t,
        "Space",
        "Satellites orbit the planet in geostationary paths.",
    );
    s.drain_jobs();
    assert_eq!(source(&s, &t, &lemon)["status"], "ready");
    assert!(seen.saw("/v1/embeddings", "Lemon drizzle cake"));
    let first = &seen.bodies("/v1/embeddings")[0];
    assert_eq!(first["model"], "text-embedding-3-small");
    let auth = seen.calls.lock().unwrap()[0].2.clone();
    assert!(auth.iter().any(|h| h == "authorization: Bearer sk-embed"));

    let st = status(&s, &t);
    assert_eq!(st["active_model"], "openai:text-embedding-3-small:1536");
    assert_eq!(st["reembedding"], false);
    let hit = vector_hit(&s, &t, "geostationary satellites orbit");
    assert_eq!(hit["doc_id"], orbit.as_str());
    assert!(hit["vector_rank"].is_number());

    // Every remote call is in the AI logs under `embeddings`, with the provider's usage.
    let logs = s
        .get("/api/v1/ai-logs?function=embeddings", Some(&t))
        .json();
    let items = logs["items"]
        .as_array()
        .or(logs.as_array())
        .unwrap()
        .clone();
    assert!(!items.is_empty(), "{logs}");
    assert!(items.iter().any(|l| l["input_tokens"] == 11), "{logs}");

    settings(
        &s,
        &t,
        json!({"embedding_provider": "ollama", "embedding_model": "nomic-embed-text"}),
    );
    let st = status(&s, &t);
    assert_eq!(st["configured_model"], "ollama:nomic-embed-text:768");
    assert_eq!(st["reembedding"], true);
    // Until the re-embed finishes, keyword search still answers.
    let r = s.get("/api/v1/sources/search?q=lemon", Some(&t));
    assert_eq!(r.status, 200, "{}", r.text);
    s.drain_jobs();
    assert!(seen.saw("/api/embed", "Satellites orbit"));
    assert_eq!(seen.bodies("/api/embed")[0]["model"], "nomic-embed-text");
    let st = status(&s, &t);
    assert_eq!(st["active_model"], "ollama:nomic-embed-text:768");
    assert_eq!(st["embedded"], st["total_chunks"]);
    assert_eq!(
        vector_hit(&s, &t, "lemon cake with zest")["doc_id"],
        lemon.as_str()
    );
    // The old model's vectors are gone, from the 1536-d vec0 tables too.
    let count = |sql: &str| -> i64 {
        s.state
            .db
            .conn()
            .unwrap()
            .query_row(sql, [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(
        count("SELECT COUNT(*) FROM chunk_vectors WHERE model LIKE 'openai:%'"),
        0
    );
    assert_eq!(count("SELECT COUNT(*) FROM vec_chunks_1536"), 0);
    assert!(count("SELECT COUNT(*) FROM vec_chunks_768") >= 2);
}

#[test]
fn gemini_batch_embed_contents_sends_the_key_header_and_each_text() {
    let (svc, seen) = fake();
    let s = TestServer::start();
    let t = s.admin_token();
    settings(
        &s,
        &t,
        json!({"embedding_provider": "gemini", "gemini_api_key": "g-key",
               "gemini_base_url": svc.base}),
    );
    let id = paste(&s, &t, "Bees", "Honeybees pollinate orchards every spring.");
    s.drain_jobs();
    assert_eq!(source(&s, &t, &id)["status"], "ready");
    assert!(seen.saw(":batchEmbedContents", "Honeybees pollinate"));
    let calls = seen.calls.lock().unwrap().clone();
    let (path, body, headers) = calls.last().unwrap();
    assert_eq!(path, "/v1beta/models/text-embedding-004:batchEmbedContents");
    assert_eq!(body["requests"][0]["model"], "models/text-embedding-004");
    assert!(headers.iter().any(|h| h == "x-goog-api-key: g-key"));
    assert_eq!(
        status(&s, &t)["active_model"],
        "gemini:text-embedding-004:768"
    );
    assert_eq!(
        vector_hit(&s, &t, "orchards pollinate")["doc_id"],
        id.as_str()
    );
}

#[test]
fn a_failing_embedding_provider_fails_the_source_and_search_with_a_clear_detail() {
    let (svc, seen) = fake();
    let s = TestServer::start();
    let t = s.admin_token();
    settings(
        &s,
        &t,
        json!({"embedding_provider": "openai", "embedding_model": "broken-embedder",
               "openai_api_key": "sk-x", "openai_base_url": format!("{}/v1", svc.base)}),
    );
    let ok = paste(&s, &t, "Before", "Written while the provider worked.");
    s.drain_jobs();
    assert_eq!(source(&s, &t, &ok)["status"], "ready");

    seen.fail.store(true, Ordering::SeqCst);
    let id = paste(&s, &t, "Doomed", "This text cannot be embedded today.");
    s.drain_jobs();
    let src = source(&s, &t, &id);
    assert_eq!(src["status"], "failed");
    let err = src["error"].as_str().unwrap();
    assert!(err.contains("embedding backend exploded"), "{err}");

    let r = s.get("/api/v1/sources/search?q=provider", Some(&t));
    assert_eq!(r.status, 502, "{}", r.text);
    assert!(
        r.detail().contains("embedding provider failed"),
        "{}",
        r.text
    );

    // A remote provider without its key is the stored configuration's conflict (409), not a
    // crash; embedding-status says the same.
    settings(
        &s,
        &t,
        json!({"embedding_provider": "openrouter", "openrouter_api_key": null}),
    );
    for path in [
        "/api/v1/sources/search?q=provider",
        "/api/v1/sources/embedding-status",
    ] {
        let r = s.get(path, Some(&t));
        assert_eq!(r.status, 409, "{path}: {}", r.text);
        assert!(
            r.detail().contains("openrouter_api_key"),
            "{path}: {}",
            r.text
        );
    }
}
