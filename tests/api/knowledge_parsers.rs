//! The importers read the web as it is (issue 19): pages full of character references, pages in
//! windows-1252 declared only by `<meta>`, single-quoted links with entities in their URLs, RSS
//! with CDATA and content:encoded, Atom with relative links, JSON Feed, robots.txt agent groups
//! with wildcards and Allow overrides, LinkedIn CSV with a BOM and multi-line quoted fields, and
//! composed vs decomposed accents. Fixtures are in tests/api/fixtures/web; every test asserts
//! what a user searching for the text would find, through the real import routes and loopback
//! fakes.
use crate::helpers::*;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

const CAFE: &str = include_str!("fixtures/web/cafe-zurich.html");
const MUENCHEN: &[u8] = include_bytes!("fixtures/web/muenchen-windows-1252.html");
const HARBOUR: &str = include_str!("fixtures/web/harbour-start.html");
const ROBOTS: &str = include_str!("fixtures/web/robots.txt");
const RSS: &str = include_str!("fixtures/web/notes-cdata.rss");
const ATOM: &str = include_str!("fixtures/web/glacier-relative.atom");
const JSON_FEED: &str = include_str!("fixtures/web/kitchen.json");
const SHARES: &[u8] = include_bytes!("fixtures/web/linkedin-Shares.csv");

fn allow_private(s: &TestServer, t: &str) {
    let r = s.put(
        "/api/v1/settings/",
        Some(t),
        &json!({ "allow_private_network": true }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
}

/// A fake site answering `path?query` → (content type, body); anything else is a 404. Every
/// request target is recorded, as sent.
fn site(
    pages: Vec<(&'static str, &'static str, Vec<u8>)>,
) -> (FakeService, Arc<Mutex<Vec<String>>>) {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = seen.clone();
    let svc = FakeService::start(move |cfg| {
        let (pages, log) = (pages.clone(), log.clone());
        cfg.default_service(web::to(move |req: HttpRequest| {
            let (pages, log) = (pages.clone(), log.clone());
            async move {
                let target = req.uri().to_string();
                log.lock().unwrap().push(target.clone());
                match pages.iter().find(|(p, _, _)| *p == target) {
                    Some((_, ct, body)) => HttpResponse::Ok().content_type(*ct).body(body.clone()),
                    None => HttpResponse::NotFound().finish(),
                }
            }
        }));
    });
    (svc, seen)
}

fn search(s: &TestServer, t: &str, q: &str) -> Vec<Value> {
    let r = s.get(
        &format!("/api/v1/sources/search?q={}", urlencode(q)),
        Some(t),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()["results"].as_array().unwrap().clone()
}

fn urlencode(q: &str) -> String {
    q.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn titles_found(s: &TestServer, t: &str, q: &str) -> Vec<String> {
    search(s, t, q)
        .iter()
        .map(|h| h["title"].as_str().unwrap_or("").to_string())
        .collect()
}

fn source(s: &TestServer, t: &str, id: &str) -> Value {
    s.get(&format!("/api/v1/sources/{id}"), Some(t)).json()
}

fn sources(s: &TestServer, t: &str, platform: &str) -> Vec<Value> {
    s.get(&format!("/api/v1/sources/?platform={platform}"), Some(t))
        .json()["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn import_url(s: &TestServer, t: &str, url: &str) -> Value {
    let r = s.post(
        "/api/v1/sources/import/url",
        Some(t),
        &json!({ "url": url }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    s.drain_jobs();
    let d = source(s, t, r.json()["id"].as_str().unwrap());
    assert_eq!(d["status"], "ready", "{d}");
    d
}

#[test]
fn entity_heavy_french_and_german_pages_are_found_by_their_words() {
    let (fake, _) = site(vec![("/cafe", "text/html; charset=utf-8", CAFE.into())]);
    let s = TestServer::start();
    let t = s.admin_token();
    allow_private(&s, &t);
    let d = import_url(&s, &t, &format!("{}/cafe", fake.base));
    let text = d["content"].as_str().unwrap();
    assert_eq!(d["title"], "Notre café à Zürich – Carnet");
    assert_eq!(d["metadata"]["author"], "Amélie Müller");
    for words in [
        "Our café in Zürich",
        "crème brûlée",
        "Gäste aus Köln und Düsseldorf",
        "„Kaffee“",
        "7€ la crème, 4€ l’espresso",
        "café without a semicolon, © 2026 & – a windows-1252 dash",
        "Seefeldstraße",
        "Siebträgermaschine",
    ] {
        assert!(text.contains(words), "{words:?} missing from {text}");
    }
    for raw in ["&eacute", "&uuml", "&egrave", "&#", "&shy"] {
        assert!(!text.contains(raw), "{raw} left raw: {text}");
    }
    assert!(
        !text.contains("Newsletter") && !text.contains("Accueil"),
        "{text}"
    );
    for q in ["crème brûlée", "Zürich", "Frühstück Brötchen"] {
        assert_eq!(
            titles_found(&s, &t, q)[0],
            "Notre café à Zürich – Carnet",
            "{q}"
        );
    }
}

#[test]
fn a_windows_1252_page_declared_by_meta_only_reads_right_from_the_web_and_as_a_file() {
    let (fake, _) = site(vec![("/muenchen", "text/html", MUENCHEN.to_vec())]);
    let s = TestServer::start();
    let t = s.admin_token();
    allow_private(&s, &t);
    let d = import_url(&s, &t, &format!("{}/muenchen", fake.base));
    assert_eq!(d["title"], "Stadtführung München – Grüße aus Bayern");
    let text = d["content"].as_str().unwrap();
    assert!(
        text.contains("„Weißwürste vor zwölf“ – so lautet"),
        "{text}"
    );
    assert!(
        text.contains("süßen Senf und ein Spezi für 3,50 €"),
        "{text}"
    );
    assert!(!text.contains('\u{fffd}'), "mojibake: {text}");
    assert_eq!(titles_found(&s, &t, "München")[0], d["title"]);
    assert_eq!(titles_found(&s, &t, "Weißwürste")[0], d["title"]);
    // The same bytes uploaded as a file: not "binary", the same text.
    let boundary = "b0undary";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"stadtfuehrung.html\"\r\n\r\n").into_bytes();
    body.extend_from_slice(MUENCHEN);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r = s.raw(
        "POST",
        "/api/v1/sources/import/file",
        Some(&t),
        Some(&format!("multipart/form-data; boundary={boundary}")),
        body,
    );
    assert_eq!(r.status, 201, "{}", r.text);
    s.drain_jobs();
    let f = source(&s, &t, r.json()["id"].as_str().unwrap());
    assert_eq!(f["status"], "ready", "{f}");
    assert!(
        f["content"]
            .as_str()
            .unwrap()
            .contains("Grüße aus München!"),
        "{f}"
    );
}

#[test]
fn the_crawl_follows_single_quoted_links_with_entities_and_obeys_robots_groups_wildcards_and_allow()
{
    let page =
        |s: &str| format!("<html><body><article><p>{s}</p></article></body></html>").into_bytes();
    let (fake, seen) = site(vec![
        ("/robots.txt", "text/plain", ROBOTS.into()),
        ("/", "text/html", HARBOUR.into()),
        (
            "/guide?topic=tides&lang=fr",
            "text/html",
            page("Les coefficients de marée dépassent cent lors des vives-eaux d’équinoxe."),
        ),
        (
            "/drafts/published-pilots",
            "text/html",
            page("Harbour pilots board inbound ships at the fairway buoy."),
        ),
        (
            "/drafts/secret",
            "text/html",
            page("Unreleased berth prices."),
        ),
        (
            "/charts/harbour.pdf",
            "text/html",
            page("A chart that is not for robots."),
        ),
        (
            "/notes?print=1",
            "text/html",
            page("Printable duplicate of the notes."),
        ),
        (
            "/notes",
            "text/html",
            page("Slack water lasts about twenty minutes at the harbour mouth."),
        ),
        (
            "/caf%C3%A9-menu",
            "text/html",
            page("Le café du port sert des crêpes au sarrasin."),
        ),
    ]);
    let s = TestServer::start();
    let t = s.admin_token();
    allow_private(&s, &t);
    let r = s.post(
        "/api/v1/platforms/website/import",
        Some(&t),
        &json!({ "url": format!("{}/", fake.base), "delay_ms": 0, "max_pages": 20 }),
    );
    assert_eq!(r.status, 202, "{}", r.text);
    s.drain_jobs();
    let mut urls: Vec<String> = sources(&s, &t, "website")
        .iter()
        .map(|x| {
            x["url"]
                .as_str()
                .unwrap()
                .trim_start_matches(&fake.base)
                .to_string()
        })
        .collect();
    urls.sort();
    assert_eq!(
        urls,
        vec![
            "/",
            "/caf%C3%A9-menu",
            "/drafts/published-pilots",
            "/guide?topic=tides&lang=fr",
            "/notes"
        ]
    );
    let fetched = seen.lock().unwrap().clone();
    for kept_out in ["/drafts/secret", "/charts/harbour.pdf", "/notes?print=1"] {
        assert!(
            !fetched.iter().any(|u| u == kept_out),
            "{kept_out} fetched: {fetched:?}"
        );
    }
    assert!(!fetched.iter().any(|u| u.contains("&amp;")), "{fetched:?}");
    assert!(!search(&s, &t, "coefficients de marée").is_empty());
    assert!(!search(&s, &t, "crêpes sarrasin").is_empty());
    let kept_out = search(&s, &t, "berth prices");
    assert!(
        kept_out
            .iter()
            .all(|h| !h["text"].as_str().unwrap().contains("berth")),
        "{kept_out:?}"
    );
}

#[test]
fn rss_with_cdata_and_content_encoded_atom_with_relative_links_and_json_feed_are_searchable() {
    let (fake, _) = site(vec![
        ("/feed", "application/rss+xml", RSS.into()),
        ("/journal/atom.xml", "application/atom+xml", ATOM.into()),
        ("/feed.json", "application/feed+json", JSON_FEED.into()),
        (
            "/blog",
            "text/html",
            b"<html><head><link rel='alternate' type='application/atom+xml' href='/journal/atom.xml'></head><body>Blog</body></html>".to_vec(),
        ),
    ]);
    let s = TestServer::start();
    let t = s.admin_token();
    allow_private(&s, &t);
    for path in ["/feed", "/blog", "/feed.json"] {
        let r = s.post(
            "/api/v1/platforms/rss/import",
            Some(&t),
            &json!({ "url": format!("{}{path}", fake.base) }),
        );
        assert_eq!(r.status, 202, "{}", r.text);
    }
    s.drain_jobs();
    let all = sources(&s, &t, "rss");
    let by_title = |title: &str| -> Value {
        all.iter()
            .find(|x| x["title"] == title)
            .unwrap_or_else(|| panic!("{title} not imported: {all:?}"))
            .clone()
    };
    // RSS: CDATA title, content:encoded preferred over the teaser, entities inside the HTML.
    let sourdough = by_title("A naïve reader's guide to sourdough");
    let d = source(&s, &t, sourdough["id"].as_str().unwrap());
    let text = d["content"].as_str().unwrap();
    assert!(text.contains("The naïve approach to a levain"), "{text}");
    assert!(
        text.contains("flour & water, twice a day, at 24°C"),
        "{text}"
    );
    assert!(
        !text.contains("teaser") && !text.contains("trackRead"),
        "{text}"
    );
    assert_eq!(d["metadata"]["author"], "Zoë Brontë");
    assert_eq!(d["metadata"]["feed"], "Field notes & sketches");
    assert_eq!(d["metadata"]["date"], "2026-11-03T07:15:00+00:00");
    assert_eq!(titles_found(&s, &t, "naïve levain")[0], sourdough["title"]);
    assert_eq!(
        by_title("Second proof – no content:encoded")["url"],
        "https://notes.example/p/proof"
    );
    // Atom found through the page's <link rel=alternate>; relative links resolved.
    let rescue = by_title("Crevasse rescue & rope teams");
    assert_eq!(
        rescue["url"],
        format!("{}/journal/posts/crevasse-rescue", fake.base)
    );
    assert_eq!(
        by_title("Reading the névé")["url"],
        format!("{}/snow/neve", fake.base)
    );
    assert_eq!(
        titles_found(&s, &t, "Z-drag pulley crevasse")[0],
        rescue["title"]
    );
    assert_eq!(titles_found(&s, &t, "névé sastrugi")[0], "Reading the névé");
    // JSON Feed: HTML and plain text items.
    assert_eq!(
        by_title("Quick kimchi")["url"],
        "https://kitchen.example/kimchi"
    );
    assert_eq!(titles_found(&s, &t, "gochugaru radish")[0], "Quick kimchi");
    assert_eq!(
        titles_found(&s, &t, "cucumbers brine")[0],
        "Refrigerator pickles"
    );
}

#[test]
fn a_linkedin_export_with_a_bom_a_note_and_multi_line_quoted_commentary_is_searchable() {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        use std::io::Write;
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file("Shares.csv", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(SHARES).unwrap();
        z.finish().unwrap();
    }
    let s = TestServer::start();
    let t = s.admin_token();
    let boundary = "b0undary";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"export.zip\"\r\n\r\n").into_bytes();
    body.extend_from_slice(buf.get_ref());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r = s.raw(
        "POST",
        "/api/v1/linkedin/import/data-export",
        Some(&t),
        Some(&format!("multipart/form-data; boundary={boundary}")),
        body,
    );
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["count"], 2, "{}", r.text);
    s.drain_jobs();
    let hits = search(&s, &t, "crème brûlée logo");
    assert_eq!(
        hits[0]["title"],
        "Three things I learned running a café in Zürich:"
    );
    let d = source(&s, &t, hits[0]["doc_id"].as_str().unwrap());
    let text = d["content"].as_str().unwrap();
    assert!(
        text.contains(
            "1. Customers remember the crème brûlée, not the logo.\n2. \"Slow\" mornings"
        ),
        "{text:?}"
    );
    assert_eq!(d["metadata"]["date"], "2026-11-02 09:15:00");
    assert_eq!(
        d["url"],
        "https://www.linkedin.com/feed/update/urn:li:share:7001"
    );
    // The note above the header is neither a post nor part of one.
    let noted = search(&s, &t, "exported reshares");
    assert!(
        noted
            .iter()
            .all(|h| !h["text"].as_str().unwrap().contains("exported")),
        "{noted:?}"
    );
    assert!(!search(&s, &t, "Gruyère barista").is_empty());
}

#[test]
fn composed_and_decomposed_accents_find_each_other() {
    let s = TestServer::start();
    let t = s.admin_token();
    let paste = |title: &str, content: &str| {
        let r = s.post(
            "/api/v1/sources/import/paste",
            Some(&t),
            &json!({ "title": title, "content": content }),
        );
        assert_eq!(r.status, 201, "{}", r.text);
        r.json()["id"].as_str().unwrap().to_string()
    };
    // Typed on a Mac (decomposed: e + U+0301) and typed elsewhere (composed é).
    let decomposed = paste(
        "Crepes",
        "Cre\u{300}me de marrons et cre\u{302}pes de Bre\u{301}hat.",
    );
    let composed = paste(
        "Fondue",
        "La fondue moitié-moitié de Fribourg, servie au caquelon.",
    );
    s.drain_jobs();
    let d = source(&s, &t, &decomposed);
    assert_eq!(d["content"], "Crème de marrons et crêpes de Bréhat.");
    for q in ["crêpes", "Bréhat", "cre\u{302}pes"] {
        let hits = search(&s, &t, q);
        assert_eq!(hits[0]["doc_id"], decomposed.as_str(), "{q}");
        assert!(
            hits[0]["snippet"].as_str().unwrap().contains("<mark>"),
            "{q}: {hits:?}"
        );
    }
    for q in ["moitie\u{301}-moitie\u{301}", "moitié"] {
        let hits = search(&s, &t, q);
        assert_eq!(hits[0]["doc_id"], composed.as_str(), "{q}");
        assert!(
            hits[0]["snippet"]
                .as_str()
                .unwrap()
                .contains("<mark>moitié"),
            "{q}: {hits:?}"
        );
    }
}
