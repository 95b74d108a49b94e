//! Knowledge: imports become searchable sources; hybrid search with filters and snippets;
//! collections and cross-reference; the memory log; visibility; SSRF and folder-root guards.
use crate::helpers::*;
use serde_json::{Value, json};

fn multipart(fields: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "nmboundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, filename, data) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match filename {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn paste(s: &TestServer, t: &str, title: &str, content: &str, extra: Value) -> Value {
    let mut body = json!({ "title": title, "content": content });
    if let Value::Object(m) = extra {
        body.as_object_mut().unwrap().extend(m);
    }
    let r = s.post("/api/v1/sources/import/paste", Some(t), &body);
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()
}

fn search(s: &TestServer, t: &str, q: &str) -> Vec<Value> {
    let r = s.get(
        &format!("/api/v1/sources/search?q={}", q.replace(' ', "+")),
        Some(t),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["results"].as_array().unwrap().clone()
}

fn count(s: &TestServer, sql: &str) -> i64 {
    s.state
        .db
        .conn()
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_pasted_source_becomes_ready_and_searchable_with_highlighted_snippets() {
    let s = TestServer::start();
    let t = s.admin_token();
    let mut rx = s.state.bus.subscribe();
    let src = paste(
        &s,
        &t,
        "Vector notes",
        "# Retrieval\n\nHybrid retrieval fuses BM25 keyword ranking with vector similarity.\n\n## Cooking\n\nA lemon cake needs butter, sugar and flour.",
        json!({}),
    );
    assert_eq!(src["status"], "pending");
    assert!(
        search(&s, &t, "hybrid retrieval").is_empty(),
        "not searchable before it is ready"
    );
    s.drain_jobs();
    let id = src["id"].as_str().unwrap();
    let detail = s.get(&format!("/api/v1/sources/{id}"), Some(&t)).json();
    assert_eq!(detail["status"], "ready");
    assert_eq!(detail["chunk_count"], 2);
    let content = detail["content"].as_str().unwrap();
    for ch in detail["chunks"].as_array().unwrap() {
        let (a, b) = (
            ch["start"].as_u64().unwrap() as usize,
            ch["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            &content[a..b],
            ch["text"].as_str().unwrap(),
            "offsets point into the text"
        );
    }
    let hits = search(&s, &t, "hybrid retrieval");
    assert_eq!(hits[0]["doc_id"], id);
    assert!(hits[0]["text"].as_str().unwrap().contains("BM25"));
    assert!(
        hits[0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<mark>Hybrid</mark>"),
        "{}",
        hits[0]["snippet"]
    );
    assert!(
        hits[0]["keyword_rank"].is_number() && hits[0]["vector_rank"].is_number(),
        "both rankers found it: {}",
        hits[0]
    );
    let cake = search(&s, &t, "lemon cake");
    assert!(cake[0]["text"].as_str().unwrap().contains("butter"));
    s.drain_jobs();
    let kinds: Vec<String> = std::iter::from_fn(|| rx.try_recv().ok())
        .map(|e| e.kind)
        .collect();
    assert!(kinds.contains(&"source.imported".to_string()), "{kinds:?}");
}

#[test]
fn deleting_sources_removes_chunks_fts_rows_and_vectors() {
    let s = TestServer::start();
    let t = s.admin_token();
    let a = paste(
        &s,
        &t,
        "A",
        "Quantised vectors speed up nearest neighbour search.",
        json!({}),
    );
    let b = paste(
        &s,
        &t,
        "B",
        "Binary quantisation then float rescoring.",
        json!({}),
    );
    let c = paste(
        &s,
        &t,
        "C",
        "Reciprocal rank fusion merges ranked lists.",
        json!({}),
    );
    s.drain_jobs();
    assert_eq!(count(&s, "SELECT COUNT(*) FROM chunks"), 3);
    assert_eq!(count(&s, "SELECT COUNT(*) FROM vec_chunks"), 3);
    let r = s.raw(
        "DELETE",
        &format!("/api/v1/sources/{}", a["id"].as_str().unwrap()),
        Some(&t),
        None,
        vec![],
    );
    assert_eq!(r.status, 204);
    let r = s.post(
        "/api/v1/sources/bulk-delete",
        Some(&t),
        &json!({ "ids": [b["id"], c["id"], "nope"] }),
    );
    assert_eq!(r.json()["deleted"], 2);
    for table in ["chunks", "vec_chunks", "chunk_vectors", "sources"] {
        assert_eq!(
            count(&s, &format!("SELECT COUNT(*) FROM {table}")),
            0,
            "{table} emptied"
        );
    }
    assert_eq!(
        count(
            &s,
            "SELECT COUNT(*) FROM chunks_fts WHERE chunks_fts MATCH 'quantised'"
        ),
        0
    );
    assert!(search(&s, &t, "quantised vectors").is_empty());
    assert_eq!(
        s.get(
            &format!("/api/v1/sources/{}", a["id"].as_str().unwrap()),
            Some(&t)
        )
        .status,
        404
    );
}

#[test]
fn another_users_sources_are_invisible_and_answer_404() {
    let s = TestServer::start_with(|c| c.login_per_minute = 1000);
    let t = s.admin_token();
    neuromancer::users::admin::add_user(
        &s.state.db,
        "mia@example.com",
        "member",
        None,
        "plum-galaxy-88",
    )
    .unwrap();
    let m = s.login("mia@example.com", "plum-galaxy-88");
    let mine = paste(
        &s,
        &m,
        "Mia's",
        "Mia writes about marmalade recipes.",
        json!({}),
    );
    let admins = paste(
        &s,
        &t,
        "Admin's",
        "Admin writes about marmalade logistics.",
        json!({}),
    );
    s.drain_jobs();
    let hits = search(&s, &m, "marmalade");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["doc_id"], mine["id"]);
    let aid = admins["id"].as_str().unwrap();
    assert_eq!(
        s.get(&format!("/api/v1/sources/{aid}"), Some(&m)).status,
        404
    );
    assert_eq!(
        s.raw(
            "DELETE",
            &format!("/api/v1/sources/{aid}"),
            Some(&m),
            None,
            vec![]
        )
        .status,
        404
    );
    assert_eq!(
        s.get("/api/v1/sources/", Some(&m)).json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        search(&s, &t, "marmalade").len(),
        2,
        "admins see everything"
    );
}

#[test]
fn collections_filter_search_and_cross_reference_finds_passages_elsewhere() {
    let s = TestServer::start();
    let t = s.admin_token();
    let mk = |name: &str| {
        let r = s.post("/api/v1/collections", Some(&t), &json!({ "name": name }));
        assert_eq!(r.status, 201, "{}", r.text);
        r.json()["id"].as_str().unwrap().to_string()
    };
    let (research, posts) = (mk("Research"), mk("Posts"));
    paste(
        &s,
        &t,
        "Study",
        "Remote teams ship faster with written async communication.",
        json!({ "collection_id": research }),
    );
    paste(
        &s,
        &t,
        "Draft",
        "Why async communication beats meetings for remote teams.",
        json!({ "collection_id": posts }),
    );
    s.drain_jobs();
    let r = s
        .get(
            &format!("/api/v1/sources/search?q=async+communication&collection_id={research}"),
            Some(&t),
        )
        .json();
    let hits = r["results"].as_array().unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["collection_id"], research.as_str());
    let x = s.post(
        &format!("/api/v1/collections/{posts}/cross-reference"),
        Some(&t),
        &json!({ "query": "async communication remote teams" }),
    );
    assert_eq!(x.status, 200, "{}", x.text);
    let xs = x.json()["results"].as_array().unwrap().clone();
    assert_eq!(xs.len(), 1);
    assert_eq!(xs[0]["title"], "Study");
    let list = s.get("/api/v1/collections", Some(&t)).json()["items"].clone();
    assert_eq!(
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == research.as_str())
            .unwrap()["source_count"],
        1
    );
    let u = s.put(
        &format!("/api/v1/collections/{posts}"),
        Some(&t),
        &json!({ "name": "LinkedIn posts" }),
    );
    assert_eq!(u.json()["name"], "LinkedIn posts");
    let by_col = s
        .get(&format!("/api/v1/sources/?collection_id={posts}"), Some(&t))
        .json()["items"]
        .clone();
    assert_eq!(by_col.as_array().unwrap().len(), 1);
    assert_eq!(
        s.raw(
            "DELETE",
            &format!("/api/v1/collections/{posts}"),
            Some(&t),
            None,
            vec![]
        )
        .status,
        204
    );
    assert_eq!(
        s.get(&format!("/api/v1/collections/{posts}"), Some(&t))
            .status,
        404
    );
    let p = s.get(
        &format!("/api/v1/claude-code/patterns/{research}"),
        Some(&t),
    );
    assert_eq!(p.status, 200);
    assert_eq!(p.json()["sources"], 1);
}

fn allow_private(s: &TestServer, t: &str) {
    let r = s.put(
        "/api/v1/settings/",
        Some(t),
        &json!({ "allow_private_network": true }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
}

#[test]
fn url_imports_extract_the_article_and_loopback_is_refused_unless_allowed() {
    let body = "Self-hosted studios keep drafts, sources and embeddings on one machine. ".repeat(5);
    let page = format!(
        r#"<!doctype html><html><head><title>Owning your stack</title><meta name="author" content="Ada Lovelace"></head>
        <body><nav>Home Blog</nav><article><h1>Owning your stack</h1><p>{body}</p></article><footer>Subscribe</footer></body></html>"#
    );
    let fake = FakeService::start(move |cfg| {
        let page = page.clone();
        cfg.route(
            "/post",
            actix_web::web::get().to(move || {
                let page = page.clone();
                async move {
                    actix_web::HttpResponse::Ok()
                        .content_type("text/html; charset=utf-8")
                        .body(page)
                }
            }),
        );
    });
    let s = TestServer::start();
    let t = s.admin_token();
    let url = format!("{}/post", fake.base);
    let r = s.post(
        "/api/v1/sources/import/url",
        Some(&t),
        &json!({ "url": url }),
    );
    assert_eq!(r.status, 403, "{}", r.text);
    assert!(r.detail().contains("private"), "{}", r.detail());
    let r = s.post(
        "/api/v1/sources/import/url",
        Some(&t),
        &json!({ "url": "file:///etc/passwd" }),
    );
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.detail().contains("only http and https"), "{}", r.text);
    allow_private(&s, &t);
    let r = s.post(
        "/api/v1/sources/import/url",
        Some(&t),
        &json!({ "url": url }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let missing = s.post(
        "/api/v1/sources/import/url",
        Some(&t),
        &json!({ "url": format!("{}/gone", fake.base) }),
    );
    s.drain_jobs();
    let d = s
        .get(
            &format!("/api/v1/sources/{}", r.json()["id"].as_str().unwrap()),
            Some(&t),
        )
        .json();
    assert_eq!(d["status"], "ready", "{d}");
    assert_eq!(d["title"], "Owning your stack");
    assert_eq!(d["metadata"]["author"], "Ada Lovelace");
    assert!(
        d["content"]
            .as_str()
            .unwrap()
            .contains("embeddings on one machine")
    );
    assert!(!d["content"].as_str().unwrap().contains("Subscribe"));
    let f = s
        .get(
            &format!("/api/v1/sources/{}", missing.json()["id"].as_str().unwrap()),
            Some(&t),
        )
        .json();
    assert_eq!(f["status"], "failed");
    assert!(f["error"].as_str().unwrap().contains("404"), "{f}");
    let failed = s.get("/api/v1/sources/?status=failed", Some(&t)).json()["items"].clone();
    assert_eq!(failed.as_array().unwrap().len(), 1);
}

fn docx_bytes(paragraphs: &[&str]) -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    z.start_file("[Content_Types].xml", opts).unwrap();
    z.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
    z.start_file("word/document.xml", opts).unwrap();
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<w:p><w:r><w:t>{p}</w:t></w:r></w:p>"))
        .collect();
    z.write_all(format!(r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#).as_bytes()).unwrap();
    z.finish().unwrap();
    buf.into_inner()
}

#[test]
fn file_uploads_are_typed_by_content_and_extracted() {
    let s = TestServer::start();
    let t = s.admin_token();
    let upload = |name: &str, bytes: &[u8]| {
        let (ct, body) = multipart(&[("file", Some(name), bytes)]);
        s.raw(
            "POST",
            "/api/v1/sources/import/file",
            Some(&t),
            Some(&ct),
            body,
        )
    };
    let docx = docx_bytes(&[
        "Quarterly plan &amp; goals",
        "Grow the newsletter to ten thousand readers.",
    ]);
    let r = upload("plan.docx", &docx);
    assert_eq!(r.status, 201, "{}", r.text);
    let md = upload(
        "notes.md",
        b"# Notes\n\nThe pelican migration starts in October.",
    );
    let json_file = upload(
        "data.json",
        br#"{"product": {"name": "Neuromancer", "tagline": "one binary studio"}}"#,
    );
    let exe = upload(
        "tool.exe",
        &[0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0xff, 0xfe],
    );
    assert_eq!(exe.status, 415, "{}", exe.text);
    let (ct, body) = multipart(&[("title", None, b"no file")]);
    assert_eq!(
        s.raw(
            "POST",
            "/api/v1/sources/import/file",
            Some(&t),
            Some(&ct),
            body
        )
        .status,
        422
    );
    s.drain_jobs();
    let get = |r: &Resp| {
        s.get(
            &format!("/api/v1/sources/{}", r.json()["id"].as_str().unwrap()),
            Some(&t),
        )
        .json()
    };
    let d = get(&r);
    assert_eq!(d["status"], "ready", "{d}");
    assert_eq!(d["metadata"]["format"], "docx");
    assert!(
        d["content"]
            .as_str()
            .unwrap()
            .contains("Quarterly plan & goals")
    );
    assert_eq!(get(&md)["title"], "notes.md");
    assert!(
        get(&json_file)["content"]
            .as_str()
            .unwrap()
            .contains("product.tagline: one binary studio")
    );
    assert_eq!(search(&s, &t, "pelican migration")[0]["title"], "notes.md");
    assert_eq!(
        search(&s, &t, "newsletter readers")[0]["doc_id"],
        r.json()["id"]
    );
}

#[test]
fn folder_imports_stay_inside_import_roots() {
    let s = TestServer::start();
    let t = s.admin_token();
    let root = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir(root.path().join("sub")).unwrap();
    std::fs::write(root.path().join("a.md"), "Alpha notes about lighthouses.").unwrap();
    std::fs::write(root.path().join("sub/b.txt"), "Beta notes about harbours.").unwrap();
    std::fs::write(root.path().join("skip.bin"), [0u8, 1, 2]).unwrap();
    std::fs::write(outside.path().join("secret.md"), "Secret outside the root.").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        root.path().join("link.md"),
    )
    .unwrap();
    let imp = |path: &std::path::Path, recursive: bool| {
        s.post(
            "/api/v1/sources/import/folder",
            Some(&t),
            &json!({ "path": path, "recursive": recursive }),
        )
    };
    let r = imp(root.path(), true);
    assert_eq!(r.status, 403, "no roots configured: {}", r.text);
    let r = s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({ "import_roots": [root.path()] }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(imp(outside.path(), true).status, 403);
    assert_eq!(
        imp(&root.path().join("sub/../.."), true).status,
        403,
        "`..` leading out is refused"
    );
    let flat = imp(root.path(), false);
    assert_eq!(flat.status, 201, "{}", flat.text);
    assert_eq!(
        flat.json()["count"],
        1,
        "only a.md: the symlink leads outside, sub/ is not recursed"
    );
    let deep = imp(root.path(), true);
    assert_eq!(deep.json()["count"], 2);
    s.drain_jobs();
    assert_eq!(search(&s, &t, "harbours")[0]["title"], "b.txt");
    assert!(
        search(&s, &t, "secret outside")
            .iter()
            .all(|h| h["title"] != "secret.md" && h["title"] != "link.md")
    );
    assert_eq!(count(&s, "SELECT COUNT(*) FROM sources"), 3);
}

#[test]
fn the_memory_log_records_lists_searches_counts_and_deletes() {
    let s = TestServer::start();
    let t = s.admin_token();
    let mut rx = s.state.bus.subscribe();
    let add = |kind: &str, content: &str| {
        let r = s.post(
            "/api/v1/claude-code/memory",
            Some(&t),
            &json!({ "type": kind, "content": content, "metadata": { "by": "test" } }),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        r.json()
    };
    add("decision", "We publish the newsletter on Tuesdays at nine.");
    let f = add(
        "feedback",
        "Readers liked the chart about embedding latency.",
    );
    add(
        "content_generated",
        "Drafted a LinkedIn post about vector search.",
    );
    assert_eq!(
        s.post(
            "/api/v1/claude-code/memory",
            Some(&t),
            &json!({ "type": "", "content": "x" })
        )
        .status,
        422
    );
    let recent = s.get("/api/v1/memory/", Some(&t)).json()["items"].clone();
    assert_eq!(recent.as_array().unwrap().len(), 3);
    assert_eq!(recent[0]["type"], "content_generated", "newest first");
    let hits = s
        .get(
            "/api/v1/memory/search?q=embedding+latency&limit=5",
            Some(&t),
        )
        .json();
    assert_eq!(hits["results"][0]["doc_id"], f["id"]);
    // At most 100 results, as the document states: more is refused, not silently cut.
    let r = s.get("/api/v1/memory/search?q=latency&limit=101", Some(&t));
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(
        r.detail().contains("limit must be at most 100"),
        "{}",
        r.text
    );
    let stats = s.get("/api/v1/memory/stats", Some(&t)).json();
    assert_eq!(stats["total"], 3);
    assert_eq!(stats["by_type"]["decision"], 1);
    assert!(stats["latest_at"].is_string());
    let ctx = s
        .get("/api/v1/claude-code/context?q=newsletter", Some(&t))
        .json();
    assert!(ctx["context"].as_str().unwrap().contains("Tuesdays"));
    let fid = f["id"].as_str().unwrap();
    assert_eq!(
        s.raw(
            "DELETE",
            &format!("/api/v1/memory/{fid}"),
            Some(&t),
            None,
            vec![]
        )
        .status,
        204
    );
    assert_eq!(
        s.raw(
            "DELETE",
            &format!("/api/v1/memory/{fid}"),
            Some(&t),
            None,
            vec![]
        )
        .status,
        404
    );
    assert!(
        s.get("/api/v1/memory/search?q=embedding+latency", Some(&t))
            .json()["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["doc_id"] != fid)
    );
    s.drain_jobs();
    assert!(std::iter::from_fn(|| rx.try_recv().ok()).any(|e| e.kind == "memory.created"));
}

#[test]
fn analyze_reprocesses_a_source_and_claude_code_query_uses_the_same_retrieval() {
    let s = TestServer::start();
    let t = s.admin_token();
    let src = paste(
        &s,
        &t,
        "Ops",
        "Backups run nightly with the SQLite online backup API.",
        json!({}),
    );
    s.drain_jobs();
    let id = src["id"].as_str().unwrap();
    let r = s.post(
        &format!("/api/v1/sources/{id}/analyze"),
        Some(&t),
        &json!({}),
    );
    assert_eq!(r.status, 202);
    assert_eq!(r.json()["status"], "pending");
    s.drain_jobs();
    assert_eq!(
        s.get(&format!("/api/v1/sources/{id}"), Some(&t)).json()["status"],
        "ready"
    );
    assert_eq!(
        count(&s, "SELECT COUNT(*) FROM chunks"),
        1,
        "re-analysis replaces chunks"
    );
    let q = s
        .post(
            "/api/v1/claude-code/query",
            Some(&t),
            &json!({ "query": "nightly backups" }),
        )
        .json();
    assert_eq!(q["results"][0]["doc_id"], id);
    let g = s
        .post(
            "/api/v1/claude-code/generate",
            Some(&t),
            &json!({ "brief": "Write about backups" }),
        )
        .json();
    assert!(g["prompt"].as_str().unwrap().contains("online backup API"));
}

#[test]
fn the_quantised_first_passes_find_what_float_search_finds() {
    use neuromancer::access::Viewer;
    use neuromancer::domain::knowledge::{embed::HashingEmbedder, search};
    let s = TestServer::start();
    let t = s.admin_token();
    for (title, content) in [
        ("Tides", "Spring tides follow the full and new moon."),
        (
            "Bread",
            "Sourdough needs a lively starter and a long proof.",
        ),
        ("Chess", "Open files favour rooks in the middlegame."),
    ] {
        paste(&s, &t, title, content, json!({}));
    }
    s.drain_jobs();
    let conn = s.state.db.conn().unwrap();
    assert_eq!(
        count(&s, "SELECT COUNT(*) FROM vec_chunks"),
        3,
        "one float32 vector per chunk"
    );
    let me: String = conn
        .query_row("SELECT id FROM users LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let v = Viewer {
        user_id: me,
        admin: true,
    };
    for path in [search::VectorPath::Exact, search::VectorPath::Binary] {
        let q = search::Query {
            text: "sourdough starter proof".into(),
            limit: 3,
            mode: search::Mode::Vector,
            vector_path: path,
            ..Default::default()
        };
        let hits = search::search(&conn, &s.state.ann, &v, &HashingEmbedder, &q).unwrap();
        assert_eq!(hits[0].title, "Bread", "{path:?}");
    }
    let id: String = conn
        .query_row("SELECT id FROM sources WHERE title = 'Bread'", [], |r| {
            r.get(0)
        })
        .unwrap();
    drop(conn);
    s.raw(
        "DELETE",
        &format!("/api/v1/sources/{id}"),
        Some(&t),
        None,
        vec![],
    );
    assert_eq!(count(&s, "SELECT COUNT(*) FROM vec_chunks"), 2);
}
