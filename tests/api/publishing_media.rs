//! Publishing with images made offline through the multimodal API (the local renderer):
//! Instagram with one image and as a carousel (item containers → CAROUSEL container →
//! media_publish), a Facebook photo post (`/{page}/photos`), and a LinkedIn image
//! (initializeUpload → PUT of the bytes to the fake's uploadUrl → the post names the image URN).
use crate::fake_linkedin;
use crate::fake_llm::frames;
use crate::fake_meta::{self, FakeMeta};
use crate::helpers::*;
use crate::publishing::{connect_linkedin, content_with};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// `n` finished images of the content, planned offline and rendered by the local renderer
/// (`POST /multimodal/plan` then `/multimodal/execute-plan`): each `{asset_id, url}`.
fn images(s: &TestServer, t: &str, content: &str, n: usize) -> Vec<Value> {
    let r = s.post(
        "/api/v1/multimodal/plan",
        Some(t),
        &json!({"content_id": content, "asset_types": ["carousel_slide"], "count": n}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let plan = frames(&r.text)
        .into_iter()
        .find_map(|f| f.get("plan").cloned())
        .expect("a plan");
    let stop = Arc::new(AtomicBool::new(false));
    let (st, flag) = (s.state.clone(), stop.clone());
    let drainer = std::thread::spawn(move || {
        while !flag.load(Ordering::SeqCst) {
            neuromancer::jobs::run_until_idle(&st).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    });
    let r = s.post(
        "/api/v1/multimodal/execute-plan",
        Some(t),
        &json!({"content_id": content, "plan": plan}),
    );
    stop.store(true, Ordering::SeqCst);
    drainer.join().unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    let done: Vec<Value> = frames(&r.text)
        .into_iter()
        .filter_map(|f| f.get("asset_complete").cloned())
        .collect();
    assert_eq!(done.len(), n, "{}", r.text);
    done
}

/// The server with Meta connected (a page and its Instagram account) and `public_url` set, so
/// Meta is handed absolute capability URLs of the images.
fn meta_setup() -> (TestServer, String, FakeMeta, String, String) {
    let s = TestServer::start();
    let admin = s.admin_token();
    let fake = fake_meta::start();
    fake_meta::configure(&s, &admin, &fake);
    let r = s.put(
        "/api/v1/settings/",
        Some(&admin),
        &json!({ "public_url": s.base }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let url = s
        .get("/api/v1/publishing/meta/auth-url", Some(&admin))
        .json()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let consent = Client::new(&fake.base()).get(url.trim_start_matches(&fake.base()), None);
    let back = consent.header("location").unwrap();
    let r = s.get(back.trim_start_matches(&s.base), None);
    assert!(r.header("location").unwrap().contains("connected=2"));
    let accounts = s.get("/api/v1/publishing/meta/status", Some(&admin)).json()["accounts"]
        .as_array()
        .unwrap()
        .clone();
    let of = |p: &str| {
        accounts.iter().find(|a| a["platform"] == p).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (page, ig) = (of("facebook"), of("instagram"));
    (s, admin, fake, page, ig)
}

/// The image behind a capability URL handed to Meta (as Meta would fetch it).
fn fetch(s: &TestServer, url: &str) -> Resp {
    assert!(url.starts_with(&s.base), "absolute: {url}");
    s.get(url.trim_start_matches(&s.base), None)
}

#[test]
fn instagram_publishes_one_image_and_a_carousel() {
    let (s, admin, fake, _, ig) = meta_setup();
    let one = content_with(&s, &admin, "instagram", "Morning roast, fresh out");
    let a = &images(&s, &admin, &one, 1)[0];
    let r = s.post(
        "/api/v1/publishing/meta/publish/instagram",
        Some(&admin),
        &json!({ "content_id": one, "account_id": ig, "asset_ids": [a["asset_id"]] }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let p = r.json();
    assert_eq!(p["status"], "published");
    let containers = fake.containers();
    assert_eq!(containers.len(), 1, "{containers:?}");
    assert_eq!(containers[0]["caption"], "Morning roast, fresh out");
    assert_eq!(containers[0]["is_carousel_item"], Value::Null);
    let got = fetch(&s, containers[0]["image_url"].as_str().unwrap());
    assert_eq!(got.status, 200);
    assert!(got.header("content-type").unwrap().starts_with("image/"));
    let media = fake.media();
    assert_eq!(media.len(), 1);
    assert_eq!(media[0]["creation_id"], containers[0]["id"]);
    assert_eq!(p["url"], media[0]["permalink"]);

    // Three images: three item containers, one CAROUSEL container naming them, one publish.
    let text = "# Three roasts\n\n## Light\nBright and fruity.\n\n## Medium\nBalanced and sweet.\n\n## Dark\nBold and smoky.";
    let many = content_with(&s, &admin, "instagram", text);
    let ids: Vec<Value> = images(&s, &admin, &many, 3)
        .iter()
        .map(|a| a["asset_id"].clone())
        .collect();
    let r = s.post(
        "/api/v1/publishing/meta/publish/instagram",
        Some(&admin),
        &json!({ "content_id": many, "account_id": ig, "asset_ids": ids }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let containers = fake.containers();
    assert_eq!(containers.len(), 5, "{containers:?}");
    let items = &containers[1..4];
    assert!(items.iter().all(|c| c["is_carousel_item"] == "true"));
    let carousel = &containers[4];
    assert_eq!(carousel["media_type"], "CAROUSEL");
    assert_eq!(carousel["caption"], text);
    let children: Vec<&str> = items.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(carousel["children"], children.join(","));
    let media = fake.media();
    assert_eq!(media.len(), 2);
    assert_eq!(media[1]["creation_id"], carousel["id"]);
    let post = &r.json()["post"];
    assert_eq!(post["asset_ids"].as_array().unwrap().len(), 3);
}

#[test]
fn a_facebook_photo_post_hands_the_page_the_image() {
    let (s, admin, fake, page, _) = meta_setup();
    let id = content_with(&s, &admin, "facebook", "Our new espresso bar");
    let a = &images(&s, &admin, &id, 1)[0];
    let r = s.post(
        "/api/v1/publishing/meta/publish/facebook",
        Some(&admin),
        &json!({ "content_id": id, "account_id": page, "asset_ids": [a["asset_id"]] }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let photos = fake.photos();
    assert_eq!(photos.len(), 1);
    assert_eq!(photos[0]["caption"], "Our new espresso bar");
    assert!(fake.feed().is_empty(), "a photo post, not a feed post");
    let got = fetch(&s, photos[0]["url"].as_str().unwrap());
    assert_eq!(got.status, 200);
    assert!(got.header("content-type").unwrap().starts_with("image/"));
    let p = r.json();
    assert_eq!(
        p["external_id"],
        format!("{}_{}", fake_meta::PAGE, photos[0]["id"].as_str().unwrap())
    );
}

#[test]
fn a_facebook_post_whose_answer_is_lost_is_found_by_paging_the_feed() {
    let (s, admin, fake, page, _) = meta_setup();
    let id = content_with(&s, &admin, "facebook", "Lost on the page");
    fake.script(&[0]);
    let r = s.post(
        "/api/v1/publishing/meta/publish/facebook",
        Some(&admin),
        &json!({ "content_id": id, "account_id": page, "wait_seconds": 0 }),
    );
    assert_eq!(r.status, 202, "{}", r.text);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while fake.feed().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let ours = fake.feed()[0]["id"].as_str().unwrap().to_string();
    // The page kept posting from elsewhere: ours is on the lookup's third page.
    fake.add_feed_posts(230, "Posted elsewhere");
    neuromancer::domain::publishing::jobs::recover(&s.state).unwrap();
    s.drain_jobs();
    let list = s
        .get(
            &format!("/api/v1/publishing/scheduled?content_id={id}"),
            Some(&admin),
        )
        .json();
    let p = &list["items"][0];
    assert_eq!(p["status"], "published", "{p}");
    assert_eq!(p["external_id"], ours.as_str());
    assert_eq!(fake.st.lookups.load(std::sync::atomic::Ordering::SeqCst), 3);
    assert_eq!(fake.feed().len(), 231, "never posted twice");
}

#[test]
fn a_linkedin_image_is_uploaded_then_named_by_the_post() {
    let s = TestServer::start();
    let admin = s.admin_token();
    let fake = fake_linkedin::start();
    fake_linkedin::configure(&s, &admin, &fake);
    let account = connect_linkedin(&s, &admin, &fake);
    let id = content_with(&s, &admin, "linkedin", "Inside the roastery");
    let a = &images(&s, &admin, &id, 1)[0];
    let bytes = s.get(a["url"].as_str().unwrap(), Some(&admin));
    assert_eq!(bytes.status, 200);
    let r = s.post(
        "/api/v1/publishing/linkedin/publish",
        Some(&admin),
        &json!({ "content_id": id, "account_id": account }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let uploaded = fake.uploaded();
    assert_eq!(uploaded.len(), 1, "one image PUT to the upload URL");
    assert!(uploaded[0].starts_with(b"\x89PNG"), "a PNG");
    assert_eq!(
        neuromancer::crypto::sha256_hex(&uploaded[0]),
        bytes.header("etag").unwrap().trim_matches('"'),
        "the fake got the image's bytes"
    );
    let posts = fake.posts();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].1["content"]["media"]["id"], "urn:li:image:C0");
    assert_eq!(posts[0].1["commentary"], "Inside the roastery");
}
