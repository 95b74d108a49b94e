//! The in-memory binary first pass of vector search (forced on a small store): it finds what
//! exact search finds, keeps up with new sources and deletions, and never shows a chunk the
//! viewer may not see.
use crate::helpers::*;
use neuromancer::access::Viewer;
use neuromancer::domain::knowledge::{embed::HashingEmbedder, search};
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

fn vector_search(
    s: &TestServer,
    v: &Viewer,
    text: &str,
    path: search::VectorPath,
) -> Vec<search::Hit> {
    let conn = s.state.db.conn().unwrap();
    let q = search::Query {
        text: text.into(),
        limit: 10,
        mode: search::Mode::Vector,
        force_quantized: path == search::VectorPath::Binary,
        vector_path: path,
        ..Default::default()
    };
    search::search(&conn, &s.state.ann, v, &HashingEmbedder, &q).unwrap()
}

#[test]
fn the_binary_first_pass_matches_exact_search_and_respects_visibility() {
    let s = TestServer::start();
    let (alice, at) = s.member("alice@example.com");
    let (_bob, bt) = s.member("bob@example.com");
    for (title, content) in [
        ("Tides", "Spring tides follow the full and new moon."),
        (
            "Bread",
            "Sourdough needs a lively starter and a long proof.",
        ),
        ("Chess", "Open files favour rooks in the middlegame."),
    ] {
        paste(&s, &at, title, content);
    }
    // Bob's private note is the closest match of all: Alice must never get it.
    let secret = paste(
        &s,
        &bt,
        "Bob's bread",
        "Sourdough starter, long proof: my secret.",
    );
    s.drain_jobs();
    let v = Viewer {
        user_id: alice,
        admin: false,
    };
    let text = "sourdough starter proof";
    let exact = vector_search(&s, &v, text, search::VectorPath::Exact);
    let fast = vector_search(&s, &v, text, search::VectorPath::Binary);
    assert_eq!(exact[0].title, "Bread");
    let ids = |h: &[search::Hit]| h.iter().map(|h| h.chunk_id).collect::<Vec<_>>();
    assert_eq!(ids(&fast), ids(&exact), "same hits in the same order");
    assert!(
        fast.iter().all(|h| h.doc_id != secret),
        "another user's chunk"
    );

    // A source written after the index was built is found by the next search.
    paste(
        &s,
        &at,
        "Pasta",
        "Fresh pasta wants semolina, eggs and patience.",
    );
    s.drain_jobs();
    let hits = vector_search(&s, &v, "semolina pasta eggs", search::VectorPath::Binary);
    assert_eq!(hits[0].title, "Pasta");

    // A deleted source disappears even though the index still holds its vectors.
    let bread = exact[0].doc_id.clone();
    let r = s.raw(
        "DELETE",
        &format!("/api/v1/sources/{bread}"),
        Some(&at),
        None,
        vec![],
    );
    assert!(r.status < 300, "{}", r.text);
    let hits = vector_search(&s, &v, text, search::VectorPath::Binary);
    assert!(hits.iter().all(|h| h.doc_id != bread && h.doc_id != secret));
    assert_eq!(
        ids(&hits),
        ids(&vector_search(&s, &v, text, search::VectorPath::Exact))
    );
}
