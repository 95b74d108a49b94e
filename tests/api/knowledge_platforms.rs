//! Platform importers against loopback fakes speaking the real formats, and /linkedin.
use crate::helpers::*;
use actix_web::{HttpResponse, web};
use serde_json::{Value, json};

fn allow_private(s: &TestServer, t: &str, extra: Value) {
    let mut body = json!({ "allow_private_network": true });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let r = s.put("/api/v1/settings/", Some(t), &body);
    assert_eq!(r.status, 200, "{}", r.text);
}

fn fixed(body: &'static str, ct: &'static str) -> actix_web::Route {
    web::get().to(move || async move { HttpResponse::Ok().content_type(ct).body(body) })
}

fn sources(s: &TestServer, t: &str, platform: &str) -> Vec<Value> {
    s.get(&format!("/api/v1/sources/?platform={platform}"), Some(t))
        .json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn upload(s: &TestServer, t: &str, path: &str, filename: &str, bytes: &[u8]) -> Resp {
    let boundary = "kb0undary";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\r\n").into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    s.raw(
        "POST",
        path,
        Some(t),
        Some(&format!("multipart/form-data; boundary={boundary}")),
        body,
    )
}

fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    for (name, content) in files {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(content.as_bytes()).unwrap();
    }
    z.finish().unwrap();
    buf.into_inner()
}

const RSS: &str = r#"<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Ada's notes</title>
<item><title>On engines</title><link>https://ada.example/engines</link><guid>post-1</guid>
<content:encoded><![CDATA[<p>The analytical engine weaves algebraic patterns like a loom weaves flowers.</p>]]></content:encoded></item>
<item><title>On loops</title><link>https://ada.example/loops</link><guid>post-2</guid><description>Repetition of operations is the heart of programs.</description></item>
</channel></rss>"#;

#[test]
fn rss_substack_and_medium_feeds_import_one_source_per_item_deduplicated() {
    let fake = FakeService::start(|cfg| {
        cfg.route("/feed", fixed(RSS, "application/rss+xml"))
            .route("/feed/@ada", fixed(RSS, "application/rss+xml"));
    });
    let s = TestServer::start();
    let t = s.admin_token();
    let url = format!("{}/feed", fake.base);
    let r = s.post(
        "/api/v1/platforms/rss/import",
        Some(&t),
        &json!({ "url": url }),
    );
    assert_eq!(
        r.status, 403,
        "loopback refused without the admin setting: {}",
        r.text
    );
    allow_private(&s, &t, json!({ "medium_base_url": fake.base }));
    let r = s.post(
        "/api/v1/platforms/rss/import",
        Some(&t),
        &json!({ "url": url }),
    );
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.json()["status"], "queued");
    s.drain_jobs();
    let got = sources(&s, &t, "rss");
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|x| x["status"] == "ready"), "{got:?}");
    // Re-import: same guids, no duplicates.
    s.post(
        "/api/v1/platforms/rss/import",
        Some(&t),
        &json!({ "url": url }),
    );
    s.drain_jobs();
    assert_eq!(sources(&s, &t, "rss").len(), 2);
    let hit = &s
        .get("/api/v1/sources/search?q=analytical+engine+loom", Some(&t))
        .json()["results"][0];
    assert_eq!(hit["title"], "On engines");
    // Medium through its configurable base URL, Substack by feed URL.
    assert_eq!(
        s.post(
            "/api/v1/platforms/medium/import",
            Some(&t),
            &json!({ "username": "@ada" })
        )
        .status,
        202
    );
    assert_eq!(
        s.post(
            "/api/v1/platforms/substack/import",
            Some(&t),
            &json!({ "url": url })
        )
        .status,
        202
    );
    s.drain_jobs();
    assert_eq!(sources(&s, &t, "medium").len(), 2);
    assert_eq!(sources(&s, &t, "substack").len(), 2);
    assert_eq!(
        s.post("/api/v1/platforms/rss/import", Some(&t), &json!({}))
            .status,
        422
    );
    assert_eq!(
        s.post("/api/v1/platforms/myspace/import", Some(&t), &json!({}))
            .status,
        404
    );
}

#[test]
fn website_crawl_follows_robots_and_the_sitemap_on_the_same_host() {
    let fake = FakeService::start(|cfg| {
        cfg.route("/robots.txt", web::get().to(|req: actix_web::HttpRequest| async move {
            let host = req.connection_info().host().to_string();
            HttpResponse::Ok().body(format!("User-agent: *\nDisallow: /private\nSitemap: http://{host}/sitemap.xml\n"))
        }))
        .route("/sitemap.xml", web::get().to(|req: actix_web::HttpRequest| async move {
            let h = req.connection_info().host().to_string();
            HttpResponse::Ok().content_type("application/xml").body(format!(
                r#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://{h}/a</loc></url><url><loc>http://{h}/b</loc></url><url><loc>http://{h}/private/c</loc></url><url><loc>http://elsewhere.example/x</loc></url></urlset>"#
            ))
        }))
        .route("/a", fixed("<html><head><title>Page A</title></head><body><p>Alpha page about tide tables.</p></body></html>", "text/html"))
        .route("/b", fixed("<html><head><title>Page B</title></head><body><p>Beta page about harbour pilots.</p></body></html>", "text/html"))
        .route("/private/c", fixed("<html><body><p>Secret page.</p></body></html>", "text/html"));
    });
    let s = TestServer::start();
    let t = s.admin_token();
    allow_private(&s, &t, json!({}));
    let r = s.post(
        "/api/v1/platforms/website/import",
        Some(&t),
        &json!({ "url": format!("{}/", fake.base), "delay_ms": 0, "max_pages": 10 }),
    );
    assert_eq!(r.status, 202, "{}", r.text);
    s.drain_jobs();
    let mut titles: Vec<String> = sources(&s, &t, "website")
        .iter()
        .map(|x| x["title"].as_str().unwrap().to_string())
        .collect();
    titles.sort();
    assert_eq!(
        titles,
        vec!["Page A", "Page B"],
        "robots.txt keeps /private out; other hosts are skipped"
    );
}

#[test]
fn github_readmes_and_notion_pages_import_through_configurable_api_bases() {
    let fake = FakeService::start(|cfg| {
        cfg.route("/users/ada/repos", web::get().to(|| async {
            HttpResponse::Ok().json(json!([{ "full_name": "ada/engine", "html_url": "https://github.com/ada/engine", "description": "d", "stargazers_count": 3 }]))
        }))
        .route("/repos/ada/engine/readme", web::get().to(|| async {
            // base64 with line breaks, as GitHub sends it
            HttpResponse::Ok().json(json!({ "name": "README.md", "path": "README.md", "content": "IyBFbmdpbmUKClRoZSBl\nbmdpbmUgY29tcHV0ZXMg\nQmVybm91bGxpIG51bWJlcnMu\n", "encoding": "base64" }))
        }))
        .route("/v1/search", web::post().to(|req: actix_web::HttpRequest| async move {
            assert_eq!(req.headers().get("Notion-Version").unwrap(), "2022-06-28");
            HttpResponse::Ok().json(json!({ "results": [{ "id": "p1", "url": "https://notion.so/p1", "properties": { "Name": { "type": "title", "title": [{ "plain_text": "Roadmap" }] } } }], "has_more": false }))
        }))
        .route("/v1/blocks/p1/children", web::get().to(|| async {
            HttpResponse::Ok().json(json!({ "results": [
                { "id": "b1", "type": "heading_1", "heading_1": { "rich_text": [{ "plain_text": "Q3 goals" }] }, "has_children": false },
                { "id": "b2", "type": "paragraph", "paragraph": { "rich_text": [{ "plain_text": "Ship the knowledge base." }] }, "has_children": true }
            ], "has_more": false, "next_cursor": null }))
        }))
        .route("/v1/blocks/b2/children", web::get().to(|| async {
            HttpResponse::Ok().json(json!({ "results": [{ "id": "b3", "type": "bulleted_list_item", "bulleted_list_item": { "rich_text": [{ "plain_text": "hybrid search" }] }, "has_children": false }], "has_more": false }))
        }));
    });
    let s = TestServer::start();
    let t = s.admin_token();
    let r = s.put("/api/v1/settings/", Some(&t), &json!({ "github_api_url": fake.base, "notion_api_url": fake.base, "notion_token": "secret_abc123" }));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        s.post(
            "/api/v1/platforms/github/import",
            Some(&t),
            &json!({ "username": "ada" })
        )
        .status,
        202
    );
    assert_eq!(
        s.post("/api/v1/platforms/notion/import", Some(&t), &json!({}))
            .status,
        202
    );
    s.drain_jobs();
    let gh = sources(&s, &t, "github");
    assert_eq!(gh.len(), 1);
    let d = s
        .get(
            &format!("/api/v1/sources/{}", gh[0]["id"].as_str().unwrap()),
            Some(&t),
        )
        .json();
    assert!(
        d["content"].as_str().unwrap().contains("Bernoulli numbers"),
        "{d}"
    );
    let no = sources(&s, &t, "notion");
    assert_eq!(no[0]["title"], "Roadmap");
    let d = s
        .get(
            &format!("/api/v1/sources/{}", no[0]["id"].as_str().unwrap()),
            Some(&t),
        )
        .json();
    assert_eq!(
        d["content"],
        "# Q3 goals\n\nShip the knowledge base.\n\n- hybrid search\n\n"
    );
}

#[test]
fn twitter_archives_and_caption_files_are_uploaded_and_visual_scan_says_what_it_needs() {
    let s = TestServer::start();
    let t = s.admin_token();
    let archive = zip_of(&[(
        "data/tweets.js",
        r#"window.YTD.tweets.part0 = [{"tweet":{"id_str":"11","full_text":"Writing about sourdough starters today","created_at":"Mon Jan 05 10:00:00 +0000 2026"}},{"tweet":{"id_str":"12","full_text":"Second tweet on kayaks","created_at":"Tue Jan 06 10:00:00 +0000 2026"}}]"#,
    )]);
    let r = upload(
        &s,
        &t,
        "/api/v1/platforms/twitter/import",
        "archive.zip",
        &archive,
    );
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["count"], 2);
    let r = upload(
        &s,
        &t,
        "/api/v1/platforms/twitter/import",
        "archive.zip",
        &archive,
    );
    assert_eq!(r.json()["count"], 2, "re-import refreshes the same sources");
    let vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:03.000\nToday we talk about glacier hiking.\n\n00:00:03.000 --> 00:00:06.000\nToday we talk about glacier hiking.\n";
    let r = upload(
        &s,
        &t,
        "/api/v1/platforms/youtube/import",
        "talk.vtt",
        vtt.as_bytes(),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    s.drain_jobs();
    assert_eq!(sources(&s, &t, "twitter").len(), 2);
    let yt = sources(&s, &t, "youtube");
    let d = s
        .get(
            &format!("/api/v1/sources/{}", yt[0]["id"].as_str().unwrap()),
            Some(&t),
        )
        .json();
    assert_eq!(d["content"], "Today we talk about glacier hiking.");
    let r = s.post(
        "/api/v1/platforms/youtube/import",
        Some(&t),
        &json!({ "url": "https://youtube.com/watch?v=x" }),
    );
    assert_eq!(r.status, 422, "not a video id: {}", r.text);
    let r = s.post("/api/v1/platforms/visual-scan/import", Some(&t), &json!({}));
    assert_eq!(r.status, 415, "visual-scan takes an upload, not JSON");
    assert!(r.detail().contains("multipart field `file`"), "{}", r.text);
    // An empty file, or one with no caption in it, makes no source.
    let r = upload(&s, &t, "/api/v1/platforms/youtube/import", "e.vtt", b"");
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.detail(), "the file is empty");
    let r = upload(
        &s,
        &t,
        "/api/v1/platforms/youtube/import",
        "w.vtt",
        b"WEBVTT\n\n",
    );
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.detail().contains("no caption text"), "{}", r.text);
    assert_eq!(sources(&s, &t, "youtube").len(), 1);
}

#[test]
fn a_platform_imports_json_is_typed_and_its_crawl_limits_are_refused_beyond_range() {
    let s = TestServer::start();
    let t = s.admin_token();
    for (body, says) in [
        (
            json!({"url": "https://example.com", "max_pages": 201}),
            "max_pages must be 1–200",
        ),
        (
            json!({"url": "https://example.com", "max_pages": 0}),
            "max_pages must be 1–200",
        ),
        (
            json!({"url": "https://example.com", "delay_ms": 10001}),
            "delay_ms must be at most 10000",
        ),
        (
            json!({"url": "https://example.com", "max_pages": 2.5}),
            "invalid JSON",
        ),
        (
            json!({"url": "https://example.com", "collection_id": false}),
            "invalid JSON",
        ),
        (
            json!({"url": "ftp://example.com/feed"}),
            "only http and https",
        ),
    ] {
        let r = s.post("/api/v1/platforms/website/import", Some(&t), &body);
        assert_eq!(r.status, 422, "{body}: {}", r.text);
        assert!(r.detail().contains(says), "{body}: {}", r.text);
    }
    // Fields it does not name are ignored, not stored with the job.
    let r = s.post(
        "/api/v1/platforms/rss/import",
        Some(&t),
        &json!({"url": "https://example.com/feed", "max_pages": 200, "delay_ms": 10000, "extra": {"x": 1}}),
    );
    assert_eq!(r.status, 202, "{}", r.text);
}

#[test]
fn the_linkedin_export_becomes_posts_articles_and_a_profile_with_sections() {
    let s = TestServer::start();
    let t = s.admin_token();
    let export = zip_of(&[
        (
            "Shares.csv",
            "\u{feff}Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n2026-01-02 09:00:00,https://www.linkedin.com/feed/update/urn:li:share:1,\"Three lessons from shipping a \"\"one binary\"\" product,\nin one post.\",,,MEMBER_NETWORK\n",
        ),
        (
            "Comments.csv",
            "Date,Link,Message\n2026-01-03 10:00:00,https://l/2,Great point about caching\n",
        ),
        (
            "Profile.csv",
            "First Name,Last Name,Headline,Summary,Industry\nAda,Lovelace,Engine analyst,I write about computing machines.,Software\n",
        ),
        (
            "Positions.csv",
            "Company Name,Title,Description,Location,Started On,Finished On\nAnalytical Engines,Lead Analyst,Wrote the first program,London,Jan 2020,\n",
        ),
        (
            "Articles/Articles/notes.html",
            "<html><body><h1>Notes on the engine</h1><p>The engine might compose elaborate pieces of music.</p></body></html>",
        ),
    ]);
    let r = upload(
        &s,
        &t,
        "/api/v1/linkedin/import/data-export",
        "export.zip",
        &export,
    );
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["count"], 4, "{}", r.text);
    s.drain_jobs();
    let all = sources(&s, &t, "linkedin");
    let profile = all
        .iter()
        .find(|x| x["metadata"]["type"] == "profile")
        .unwrap();
    let secs = s
        .get(
            &format!(
                "/api/v1/linkedin/sections/{}",
                profile["id"].as_str().unwrap()
            ),
            Some(&t),
        )
        .json();
    let names: Vec<&str> = secs["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["About", "Experience"]);
    assert_eq!(secs["sections"][1]["entries"][0]["title"], "Lead Analyst");
    assert!(all.iter().any(|x| x["title"] == "Notes on the engine"));
    let post = all
        .iter()
        .find(|x| x["metadata"]["type"] == "post")
        .unwrap();
    assert_eq!(
        post["url"],
        "https://www.linkedin.com/feed/update/urn:li:share:1"
    );
    assert_eq!(
        s.get("/api/v1/sources/search?q=compose+music", Some(&t))
            .json()["results"][0]["title"],
        "Notes on the engine"
    );

    let evil = zip_of(&[("../../etc/evil.csv", "a,b\n1,2\n")]);
    let r = upload(
        &s,
        &t,
        "/api/v1/linkedin/import/data-export",
        "evil.zip",
        &evil,
    );
    assert_eq!(r.status, 422);
    assert!(r.detail().contains("unsafe path"), "{}", r.detail());
    let r = upload(
        &s,
        &t,
        "/api/v1/linkedin/import/data-export",
        "x.zip",
        b"not a zip",
    );
    assert_eq!(r.status, 415, "bytes that are no zip archive");
}

#[test]
fn linkedin_paste_cookie_and_structure_with_ai_stream() {
    let s = TestServer::start();
    let t = s.admin_token();
    let r = s.post("/api/v1/linkedin/import/batch-paste", Some(&t), &json!({ "items": [{ "content": "Post one about hiring" }, { "title": "Two", "content": "Post two about pricing" }, { "content": "  " }] }));
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["count"], 2);
    let st = s.get("/api/v1/linkedin/cookie-status", Some(&t)).json();
    assert_eq!(st["saved"], false);
    assert_eq!(
        s.post("/api/v1/linkedin/auto-extract", Some(&t), &json!({}))
            .status,
        400
    );
    assert_eq!(
        s.post(
            "/api/v1/linkedin/save-cookie",
            Some(&t),
            &json!({ "li_at": "bad value;" })
        )
        .status,
        422
    );
    let r = s.post(
        "/api/v1/linkedin/save-cookie",
        Some(&t),
        &json!({ "li_at": "AQEDAR-very-secret-cookie-value" }),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        s.get("/api/v1/linkedin/cookie-status", Some(&t)).json()["saved"],
        true
    );
    let raw: String = s
        .state
        .db
        .conn()
        .unwrap()
        .query_row("SELECT sealed FROM linkedin_cookies", [], |r| r.get(0))
        .unwrap();
    assert!(!raw.contains("very-secret"), "sealed at rest");
    let r = s.post(
        "/api/v1/linkedin/structure-with-ai",
        Some(&t),
        &json!({ "text": "Ada Lovelace\nEngine analyst\n\nExperience\nLead Analyst\nAnalytical Engines\nJan 2020 – Present\n- Wrote the first program\n\nPosts\nWe shipped the engine.\n3d\n" }),
    );
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("text/event-stream")
    );
    let frames: Vec<Value> = r
        .text
        .split("\n\n")
        .filter_map(|f| f.strip_prefix("data: "))
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    assert_eq!(
        frames[0],
        json!({ "type": "profile", "name": "Ada Lovelace", "headline": "Engine analyst" })
    );
    assert_eq!(frames[1]["type"], "section");
    assert_eq!(frames[1]["entries"][0]["start"], "Jan 2020");
    assert_eq!(
        frames[2],
        json!({ "type": "post", "text": "We shipped the engine.", "date": "3d" })
    );
    assert_eq!(
        frames.last().unwrap(),
        &json!({ "type": "done", "sections": 1, "posts": 1 })
    );
    assert_eq!(
        s.post(
            "/api/v1/linkedin/structure-with-ai",
            Some(&t),
            &json!({ "text": " " })
        )
        .status,
        422
    );
}
