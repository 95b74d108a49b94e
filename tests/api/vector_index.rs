//! The binary first pass of vector search across restarts (src/db/ann.rs): its codes are
//! persisted beside the vectors, so a restarted server with 50k vectors has its index loaded
//! within a second and answers with the same top 10 as before; a database whose vectors predate
//! the codes gets them in a background load while searches keep being answered, and a source
//! imported meanwhile is searchable once the load is done.
use crate::helpers::*;
use neuromancer::db::Db;
use neuromancer::domain::knowledge::{embed::HashingEmbedder, index_store};
use rusqlite::params;
use serde_json::{Value, json};
use std::path::Path;
use std::time::{Duration, Instant};

const VECTORS: usize = 50_000;
const WORDS: [&str; 24] = [
    "harbor", "roast", "bean", "cold", "brew", "ledger", "invoice", "pelican", "orbit", "canvas",
    "meadow", "signal", "copper", "lantern", "quarry", "violet", "tundra", "saddle", "anchor",
    "thistle", "marble", "kettle", "glacier", "summit",
];

/// `VECTORS` chunks of the source `doc_id`, written straight into the file (as a big import
/// would leave them), with the hashing embedder's vectors.
fn fill(db_path: &Path, doc_id: &str) {
    let db = Db::open(db_path, false).expect("open the database");
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    db.write_blocking(|tx| -> rusqlite::Result<()> {
        let model = index_store::active_model(tx)?.expect("an active model after the import");
        let mut ins = tx.prepare(
            "INSERT INTO chunks (doc_type, doc_id, ord, text, start_off, end_off) VALUES ('source', ?1, ?2, ?3, 0, 0)",
        )?;
        for i in 0..VECTORS {
            let text: Vec<&str> = (0..8)
                .map(|_| WORDS[(next() % WORDS.len() as u64) as usize])
                .collect();
            let text = format!("{} note {i}", text.join(" "));
            ins.execute(params![doc_id, (i + 10) as i64, text])?;
            let chunk = tx.last_insert_rowid();
            index_store::add_vector(tx, chunk, &model, &HashingEmbedder::embed_one(&text))?;
        }
        Ok(())
    })
    .expect("write the chunks");
}

fn health(c: &Client) -> Value {
    c.get("/api/v1/health", None).json()
}

/// Polls /health until the vector index is loaded; the time it took.
fn wait_index(c: &Client, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let h = health(c);
        if h["vector_index"]["state"] == "ready" {
            assert!(
                h["vector_index"]["vectors"].as_i64().unwrap() >= VECTORS as i64,
                "{h}"
            );
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "the vector index did not load within {within:?}: {h}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn top10(c: &Client, t: &str, q: &str) -> Vec<String> {
    let r = c.get(
        &format!(
            "/api/v1/sources/search?q={}&mode=vector&limit=10",
            q.replace(' ', "+")
        ),
        Some(t),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| format!("{}", h["chunk_id"]))
        .collect()
}

fn ready_source(c: &Client, t: &str, title: &str, content: &str) -> String {
    let r = c.post(
        "/api/v1/sources/import/paste",
        Some(t),
        &json!({"title": title, "content": content}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(30);
    while c.get(&format!("/api/v1/sources/{id}"), Some(t)).json()["status"] != "ready" {
        assert!(Instant::now() < deadline, "source {id} never became ready");
        std::thread::sleep(Duration::from_millis(20));
    }
    id
}

#[test]
fn a_restart_with_50k_vectors_loads_the_index_at_once_and_answers_with_the_same_top_10() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let env = [("NEUROMANCER_RATE_LIMIT", "0")];
    let db_path = data.join("neuromancer.db");

    let srv = BinaryServer::spawn_with(&data, &env);
    let t = srv.client.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    let bulk = ready_source(&srv.client, &t, "Field notes", "Harbor roast notes.");
    assert_eq!(health(&srv.client)["vector_index"]["state"], "none");
    srv.terminate();
    fill(&db_path, &bulk);
    // As a database from before the codes were persisted: the first start computes them.
    rusqlite::Connection::open(&db_path)
        .unwrap()
        .execute("DELETE FROM vec_codes", [])
        .unwrap();

    let srv = BinaryServer::spawn_with(&data, &env);
    let c = srv.client.clone();
    // (The session from before the restart is still good: no login before the first search.)
    // Searches are answered while the index loads, without waiting for it: the answer comes
    // back while /health still says the load is running.
    assert_eq!(health(&c)["vector_index"]["state"], "loading");
    assert!(!top10(&c, &t, "harbor pelican lantern").is_empty());
    assert_eq!(
        health(&c)["vector_index"]["state"],
        "loading",
        "the search waited for the index"
    );
    // An import while the index loads is searchable once it has loaded.
    let fresh = ready_source(
        &c,
        &t,
        "Zeppelin maintenance",
        "Zeppelin envelopes need helium audits every spring; the gondola hinges are greased monthly.",
    );
    wait_index(&c, Duration::from_secs(120));
    let r = c.get(
        "/api/v1/sources/search?q=zeppelin+helium+gondola+hinges&mode=vector",
        Some(&t),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json()["results"][0]["doc_id"],
        fresh,
        "the source imported during the load: {}",
        r.text
    );
    let before = top10(&c, &t, "harbor pelican lantern quarry");
    assert_eq!(before.len(), 10);
    // The codes the load computed were saved: the next start reads them instead.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let n: i64 = rusqlite::Connection::open(&db_path)
            .unwrap()
            .query_row("SELECT COUNT(*) FROM vec_codes", [], |r| r.get(0))
            .unwrap();
        if n > VECTORS as i64 {
            break;
        }
        assert!(Instant::now() < deadline, "only {n} codes were saved");
        std::thread::sleep(Duration::from_millis(50));
    }

    srv.kill9();
    let srv = BinaryServer::spawn_with(&data, &env);
    let c = srv.client.clone();
    // Loaded by the time the server answers its first requests (the bench measures how fast).
    let loaded = wait_index(&c, Duration::from_secs(10));
    assert_eq!(
        top10(&c, &t, "harbor pelican lantern quarry"),
        before,
        "the top 10 changed across the restart"
    );
    eprintln!("vector index: loaded {loaded:?} after the restarted server answered");
    srv.terminate();
}
