//! Best-effort fetchers against loopback fakes: YouTube captions (watch page → captionTracks →
//! timedtext) and LinkedIn auto-extract with the saved li_at cookie.
use crate::helpers::*;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex, OnceLock};

fn settings(s: &TestServer, t: &str, v: Value) {
    let r = s.put("/api/v1/settings/", Some(t), &v);
    assert_eq!(r.status, 200, "{}", r.text);
}

fn youtube_fake() -> (FakeService, Arc<Mutex<Vec<String>>>) {
    let base: Arc<OnceLock<String>> = Arc::default();
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let (b, sn) = (base.clone(), seen.clone());
    let svc = FakeService::start(move |cfg| {
        let (b, sn, sn2) = (b.clone(), sn.clone(), sn.clone());
        cfg.route(
            "/watch",
            web::get().to(move |req: HttpRequest| {
                let (b, sn) = (b.clone(), sn.clone());
                async move {
                    sn.lock().unwrap().push(req.uri().to_string());
                    let q = req.query_string().to_string();
                    if q.contains("v=nocaptions1") {
                        return HttpResponse::Ok().content_type("text/html").body(
                            r#"<html><script>var ytInitialPlayerResponse = {"videoDetails":{"videoId":"nocaptions1","title":"Silent film"},"playabilityStatus":{"status":"OK"}};</script></html>"#,
                        );
                    }
                    let base = b.get().unwrap();
                    let tracks = json!([
                        {"baseUrl": format!("{base}/api/timedtext?v=glacierTalk&lang=de"), "languageCode": "de", "name": {"simpleText": "German"}},
                        {"baseUrl": format!("{base}/api/timedtext?v=glacierTalk&lang=en&kind=asr"), "languageCode": "en", "kind": "asr"},
                    ]);
                    // JSON inside a script escapes & as \u0026, as YouTube does.
                    let player = json!({"videoDetails": {"videoId": "glacierTalk", "title": "Glacier hiking basics", "author": "Ada Trails"},
                        "captions": {"playerCaptionsTracklistRenderer": {"captionTracks": tracks}}})
                        .to_string()
                        .replace('&', "\\u0026");
                    HttpResponse::Ok().content_type("text/html").body(format!(
                        "<html><head><title>x</title></head><body><script>var ytInitialPlayerResponse = {player};var meta = 1;</script></body></html>"
                    ))
                }
            }),
        )
        .route(
            "/api/timedtext",
            web::get().to(move |req: HttpRequest| {
                let sn = sn2.clone();
                async move {
                    sn.lock().unwrap().push(req.uri().to_string());
                    HttpResponse::Ok().content_type("text/xml").body(
                        r#"<?xml version="1.0" encoding="utf-8" ?><transcript><text start="0" dur="2.5">Crampons grip the ice</text><text start="2.5" dur="2">and rope teams keep you safe &amp;amp; sound</text></transcript>"#,
                    )
                }
            }),
        );
    });
    base.set(svc.base.clone()).unwrap();
    (svc, seen)
}

#[test]
fn youtube_captions_are_fetched_from_the_watch_page_and_missing_captions_say_upload() {
    let (svc, seen) = youtube_fake();
    let s = TestServer::start();
    let t = s.admin_token();
    settings(&s, &t, json!({"youtube_base_url": svc.base}));
    let r = s.post(
        "/api/v1/platforms/youtube/import",
        Some(&t),
        &json!({"url": "https://youtu.be/glacierTalk"}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let src = r.json()["sources"][0].clone();
    assert_eq!(src["title"], "Glacier hiking basics");
    assert_eq!(src["url"], "https://www.youtube.com/watch?v=glacierTalk");
    let calls = seen.lock().unwrap().clone();
    assert!(calls[0].starts_with("/watch?v=glacierTalk"), "{calls:?}");
    assert!(calls[1].contains("lang=en"), "English preferred: {calls:?}");
    s.drain_jobs();
    let d = s
        .get(
            &format!("/api/v1/sources/{}", src["id"].as_str().unwrap()),
            Some(&t),
        )
        .json();
    assert_eq!(d["status"], "ready");
    assert_eq!(
        d["content"],
        "Crampons grip the ice\nand rope teams keep you safe & sound"
    );
    // Re-importing the same video refreshes the same source.
    let r = s.post(
        "/api/v1/platforms/youtube/import",
        Some(&t),
        &json!({"url": "https://www.youtube.com/watch?v=glacierTalk"}),
    );
    assert_eq!(r.json()["sources"][0]["id"], src["id"]);

    let r = s.post(
        "/api/v1/platforms/youtube/import",
        Some(&t),
        &json!({"url": "https://www.youtube.com/watch?v=nocaptions1"}),
    );
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.detail().contains(".vtt"), "{}", r.text);
}

fn linkedin_fake(cookie: &'static str) -> (FakeService, Arc<Mutex<Vec<String>>>) {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let sn = seen.clone();
    let svc = FakeService::start(move |cfg| {
        let sn = sn.clone();
        cfg.default_service(web::to(move |req: HttpRequest| {
            let sn = sn.clone();
            async move {
                let header = |n: &str| {
                    req.headers()
                        .get(n)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string()
                };
                let cookies = header("cookie");
                sn.lock().unwrap().push(format!("{} | {cookies}", req.uri()));
                let csrf = header("csrf-token");
                let authed = cookies.contains(&format!("li_at={cookie}"))
                    && !csrf.is_empty()
                    && cookies.contains(&format!("JSESSIONID=\"{csrf}\""));
                if !authed {
                    return HttpResponse::Ok().content_type("text/html").body(
                        "<html><body><a href=\"/login?session_redirect=x\">Sign in</a> authwall</body></html>",
                    );
                }
                match req.path() {
                    "/voyager/api/me" => HttpResponse::Ok().json(json!({"plainId": 42,
                        "miniProfile": {"firstName": "Ada", "lastName": "Lovelace", "publicIdentifier": "ada-l",
                                        "entityUrn": "urn:li:fs_miniProfile:ACoAAB12345"}})),
                    "/voyager/api/identity/profileUpdatesV2" => {
                        assert!(req.query_string().contains("ACoAAB12345"));
                        assert!(req.query_string().contains("q=memberShareFeed"));
                        HttpResponse::Ok().json(json!({"elements": [
                            {"updateMetadata": {"urn": "urn:li:activity:701"}, "commentary": {"text": {"text": "We shipped the analytical engine docs today."}}},
                            {"updateMetadata": {"urn": "urn:li:activity:702"}, "commentary": {"text": {"text": "Hiring a note-taker for Babbage & co."}}},
                            {"updateMetadata": {"urn": "urn:li:activity:703"}}
                        ], "paging": {"start": 0, "count": 50}}))
                    }
                    _ => HttpResponse::NotFound().finish(),
                }
            }
        }));
    });
    (svc, seen)
}

#[test]
fn linkedin_auto_extract_imports_recent_posts_with_the_saved_cookie() {
    let (svc, seen) = linkedin_fake("AQEDgoodcookie123");
    let s = TestServer::start();
    let t = s.admin_token();
    settings(&s, &t, json!({"linkedin_base_url": svc.base}));
    let r = s.post("/api/v1/linkedin/auto-extract", Some(&t), &json!({}));
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.detail().contains("li_at"), "{}", r.text);

    let r = s.post(
        "/api/v1/linkedin/save-cookie",
        Some(&t),
        &json!({"li_at": "AQEDgoodcookie123"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let r = s.post("/api/v1/linkedin/auto-extract", Some(&t), &json!({}));
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["count"], 2);
    let calls = seen.lock().unwrap().clone();
    assert!(
        calls[0].starts_with("/voyager/api/me | li_at=AQEDgoodcookie123"),
        "{calls:?}"
    );
    s.drain_jobs();
    let r = s.get("/api/v1/sources/search?q=analytical+engine", Some(&t));
    let hit = r.json()["results"][0].clone();
    assert_eq!(hit["platform"], "linkedin", "{}", r.text);
    // Again: the same posts, not duplicates.
    let r = s.post("/api/v1/linkedin/auto-extract", Some(&t), &json!({}));
    assert_eq!(r.status, 201, "{}", r.text);
    let all = s.get("/api/v1/sources/?platform=linkedin", Some(&t)).json()["items"].clone();
    assert_eq!(all.as_array().unwrap().len(), 2);
}

#[test]
fn linkedin_answering_a_login_page_is_a_clear_502() {
    let (svc, _seen) = linkedin_fake("AQEDgoodcookie123");
    let s = TestServer::start();
    let t = s.admin_token();
    settings(&s, &t, json!({"linkedin_base_url": svc.base}));
    let r = s.post(
        "/api/v1/linkedin/save-cookie",
        Some(&t),
        &json!({"li_at": "AQEDexpiredcookie9"}),
    );
    assert_eq!(r.status, 200);
    let r = s.post("/api/v1/linkedin/auto-extract", Some(&t), &json!({}));
    assert_eq!(r.status, 502, "{}", r.text);
    assert!(
        r.detail().contains("refused the saved li_at cookie"),
        "{}",
        r.text
    );
}
