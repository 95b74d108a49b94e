//! Knowledge lists page like every list, long documents are indexed in short batches, and a
//! collection's placement is checked with the one rule (422).
use crate::helpers::*;
use serde_json::json;

fn paste(s: &TestServer, t: &str, title: &str, content: &str) -> String {
    let r = s.post(
        "/api/v1/sources/import/paste",
        Some(t),
        &json!({ "title": title, "content": content }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()["id"].as_str().unwrap().to_string()
}

#[test]
fn source_lists_page_with_limit_offset_and_total() {
    let s = TestServer::start();
    let t = s.admin_token();
    for i in 0..3 {
        paste(&s, &t, &format!("Note {i}"), &format!("Body of note {i}."));
    }
    let first = s.get("/api/v1/sources/?limit=2", Some(&t)).json();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    assert_eq!(first["total"], 3);
    assert_eq!(first["limit"], 2);
    assert_eq!(first["offset"], 0);
    assert_eq!(first["items"][0]["title"], "Note 2", "newest first");
    let rest = s.get("/api/v1/sources/?limit=2&offset=2", Some(&t)).json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert_eq!(rest["items"][0]["title"], "Note 0");
    for bad in ["limit=0", "limit=201", "offset=-1"] {
        let r = s.get(&format!("/api/v1/sources/?{bad}"), Some(&t));
        assert_eq!(r.status, 422, "{bad}: {}", r.text);
    }
    let collections = s.get("/api/v1/collections", Some(&t)).json();
    assert_eq!(collections["total"], 0);
    assert_eq!(collections["items"], json!([]));
}

#[test]
fn a_long_document_is_indexed_in_batches_and_becomes_ready_whole() {
    let s = TestServer::start();
    let t = s.admin_token();
    let paragraph = "The lighthouse keeper logs every passing ship, the weather and the tide. ";
    let text: String = (0..120)
        .map(|i| format!("Entry {i}. {}\n\n", paragraph.repeat(4)))
        .collect();
    let id = paste(&s, &t, "Logbook", &text);
    s.drain_jobs();
    let d = s.get(&format!("/api/v1/sources/{id}"), Some(&t)).json();
    assert_eq!(d["status"], "ready", "{d}");
    let chunks = d["chunks"].as_array().unwrap();
    assert!(chunks.len() > 32, "more than one batch: {}", chunks.len());
    assert_eq!(d["chunk_count"], chunks.len());
    let ords: Vec<i64> = chunks.iter().map(|c| c["ord"].as_i64().unwrap()).collect();
    assert_eq!(ords, (0..chunks.len() as i64).collect::<Vec<_>>());
    let vectors: i64 = s
        .state
        .db
        .conn()
        .unwrap()
        .query_row("SELECT COUNT(*) FROM chunk_vectors", [], |r| r.get(0))
        .unwrap();
    assert_eq!(vectors as usize, chunks.len(), "one vector per chunk");

    // Re-analysing replaces the chunks instead of adding to them.
    let r = s.post(
        &format!("/api/v1/sources/{id}/analyze"),
        Some(&t),
        &json!({}),
    );
    assert_eq!(r.status, 202, "{}", r.text);
    s.drain_jobs();
    let again = s.get(&format!("/api/v1/sources/{id}"), Some(&t)).json();
    assert_eq!(again["chunks"].as_array().unwrap().len(), chunks.len());
}

#[test]
fn a_collection_in_an_unknown_project_is_not_found() {
    let s = TestServer::start();
    let t = s.admin_token();
    let r = s.post(
        "/api/v1/collections",
        Some(&t),
        &json!({ "name": "Research", "project_id": "no-such-project" }),
    );
    assert_eq!(r.status, 404, "{}", r.text);
    assert_eq!(r.json()["detail"], "project not found");
}
