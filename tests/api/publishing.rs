//! Publishing: LinkedIn and Meta OAuth through loopback fakes (state tampering and replay
//! refused, tokens never answered), publish now (escaped commentary, the version header,
//! refusals a user can act on, never twice), scheduling (on time, retries, the grace period),
//! and member isolation. Crash safety with the real binary is in `publishing_crash`.
use crate::fake_linkedin::{self, FakeLinkedIn};
use crate::fake_meta;
use crate::helpers::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// A content with exactly this text (offline generation, then an edit).
pub fn content_with(c: &Client, t: &str, platform: &str, text: &str) -> String {
    let r = c.post(
        "/api/v1/content/generate",
        Some(t),
        &json!({ "platform": platform, "brief": "Launch day for the Lyon roastery", "title": "Launch <b>day</b>" }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let done = r
        .text
        .lines()
        .filter_map(|l| l.strip_prefix("data: "))
        .filter_map(|d| serde_json::from_str::<Value>(d).ok())
        .find(|f| f["done"] == true)
        .expect("done frame");
    let id = done["content_id"].as_str().unwrap().to_string();
    let r = c.put(
        &format!("/api/v1/content/{id}"),
        Some(t),
        &json!({ "draft_content": text }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    id
}

/// Connect the fake LinkedIn member for `t` through the whole browser round trip.
pub fn connect_linkedin(c: &Client, t: &str, fake: &FakeLinkedIn) -> String {
    let r = c.get("/api/v1/publishing/linkedin/auth-url", Some(t));
    assert_eq!(r.status, 200, "{}", r.text);
    let url = r.json()["url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&format!("{}/oauth/v2/authorization?", fake.base())));
    assert!(url.contains("scope=openid+profile+email+w_member_social"));
    let consent = Client::new(&fake.base()).get(url.trim_start_matches(&fake.base()), None);
    assert_eq!(consent.status, 302);
    let back = consent.header("location").unwrap();
    let path = back.trim_start_matches(&c.base);
    assert!(
        path.starts_with("/api/v1/publishing/linkedin/callback?"),
        "{back}"
    );
    let r = c.get(path, None);
    assert_eq!(r.status, 303, "{}", r.text);
    let to = r.header("location").unwrap();
    assert!(to.contains("connected=1"), "{to}");
    let r = c.get("/api/v1/publishing/accounts?platform=linkedin", Some(t));
    r.json()["items"][0]["id"].as_str().unwrap().to_string()
}

fn linkedin_setup() -> (TestServer, String, FakeLinkedIn, String) {
    let s = TestServer::start();
    let admin = s.admin_token();
    let fake = fake_linkedin::start();
    fake_linkedin::configure(&s, &admin, &fake);
    let account = connect_linkedin(&s, &admin, &fake);
    (s, admin, fake, account)
}

fn post_of(s: &TestServer, t: &str, id: &str) -> Value {
    let r = s.get(&format!("/api/v1/publishing/scheduled/{id}"), Some(t));
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

fn status_of_content(s: &TestServer, t: &str, id: &str) -> String {
    s.get(&format!("/api/v1/content/{id}"), Some(t)).json()["status"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn linkedin_oauth_connects_an_account_whose_token_is_sealed_and_never_answered() {
    let (s, admin, fake, id) = linkedin_setup();
    let r = s.get(&format!("/api/v1/publishing/accounts/{id}"), Some(&admin));
    let a = r.json();
    assert_eq!(a["platform"], "linkedin");
    assert_eq!(a["name"], "Ada Lovelace");
    assert_eq!(a["external_id"], fake_linkedin::SUB);
    assert_eq!(a["status"], "connected");
    assert!((58..=60).contains(&a["days_left"].as_i64().unwrap()), "{a}");
    let status = s
        .get("/api/v1/publishing/linkedin/status", Some(&admin))
        .json();
    assert_eq!(status["connected"], true);
    assert_eq!(status["configured"], true);
    for text in [
        &r.text,
        &s.get("/api/v1/publishing/accounts", Some(&admin)).text,
        &s.get("/api/v1/settings/", Some(&admin)).text,
    ] {
        assert!(!text.contains(fake_linkedin::TOKEN), "token leaked: {text}");
        assert!(
            !text.contains("li-secret-value-xyz"),
            "secret leaked: {text}"
        );
    }
    let c = s.state.db.conn().unwrap();
    let sealed: String = c
        .query_row("SELECT token_sealed FROM publishing_accounts", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(!sealed.contains(fake_linkedin::TOKEN));
    let sent = fake.st.token_requests.lock().unwrap().clone();
    assert!(
        sent[0].contains("redirect_uri=http%3A%2F%2F127.0.0.1"),
        "{sent:?}"
    );
    // Connecting again refreshes the same account.
    connect_linkedin(&s, &admin, &fake);
    assert_eq!(
        s.get("/api/v1/publishing/accounts", Some(&admin)).json()["total"],
        1
    );
}

#[test]
fn oauth_state_tampering_replay_expiry_and_cancel_are_refused_or_reported() {
    let s = TestServer::start();
    let admin = s.admin_token();
    let fake = fake_linkedin::start();
    fake_linkedin::configure(&s, &admin, &fake);
    let cb = |q: &str| {
        let r = s.get(&format!("/api/v1/publishing/linkedin/callback?{q}"), None);
        assert_eq!(r.status, 303, "{}", r.text);
        r.header("location").unwrap()
    };
    assert!(cb("code=li-code-1&state=forged").contains("error="));
    assert!(cb("code=li-code-1").contains("error="));
    let url = s
        .get("/api/v1/publishing/linkedin/auth-url", Some(&admin))
        .json()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let state = url::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .to_string();
    assert!(state.len() >= 43, "state has at least 256 bits: {state}");
    // A LinkedIn state is not a Meta state.
    let r = s.get(
        &format!("/api/v1/publishing/meta/callback?code=x&state={state}"),
        None,
    );
    assert!(r.header("location").unwrap().contains("error="));
    assert!(cb(&format!("code=li-code-1&state={state}")).contains("connected=1"));
    let replay = cb(&format!("code=li-code-1&state={state}"));
    assert!(replay.contains("already+used"), "{replay}");
    // Expired.
    let url = s
        .get("/api/v1/publishing/linkedin/auth-url", Some(&admin))
        .json()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let state = url::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .to_string();
    s.state
        .db
        .write_blocking(|tx| tx.execute("UPDATE publishing_oauth_states SET expires_ms = 1", []))
        .unwrap();
    assert!(cb(&format!("code=li-code-1&state={state}")).contains("longer+than+10+minutes"));
    // The user cancelling is a cancel, not a failure.
    let url = s
        .get("/api/v1/publishing/linkedin/auth-url", Some(&admin))
        .json()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let state = url::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .to_string();
    let to = cb(&format!(
        "error=user_cancelled_login&error_description=x&state={state}"
    ));
    assert!(to.contains("cancelled=1") && !to.contains("error="), "{to}");
}

#[test]
fn publish_now_posts_once_with_escaped_commentary_and_the_version_header() {
    let (s, admin, fake, account) = linkedin_setup();
    let id = content_with(&s, &admin, "linkedin", "Hello (world) @team #launch");
    let r = s.post(
        "/api/v1/publishing/linkedin/publish",
        Some(&admin),
        &json!({ "content_id": id }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let b = r.json();
    assert!(
        b["external_id"]
            .as_str()
            .unwrap()
            .starts_with("urn:li:share:")
    );
    assert!(
        b["url"]
            .as_str()
            .unwrap()
            .starts_with("https://www.linkedin.com/feed/update/urn:li:share:")
    );
    let posts = fake.posts();
    assert_eq!(posts.len(), 1);
    assert_eq!(
        posts[0].1["commentary"],
        "Hello \\(world\\) \\@team {hashtag|\\#|launch}"
    );
    assert_eq!(
        posts[0].1["author"],
        format!("urn:li:person:{}", fake_linkedin::SUB)
    );
    assert_eq!(
        fake.st.post_headers.lock().unwrap()[0],
        (Some("202505".into()), Some("2.0.0".into()))
    );
    assert_eq!(status_of_content(&s, &admin, &id), "published");
    // Never twice: the same content to the same account is refused.
    let r = s.post(
        "/api/v1/publishing/linkedin/publish",
        Some(&admin),
        &json!({ "content_id": id, "account_id": account }),
    );
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(r.detail().contains("already published"));
    assert_eq!(fake.posts().len(), 1);
    let list = s
        .get(
            "/api/v1/publishing/scheduled?status=published",
            Some(&admin),
        )
        .json();
    assert_eq!(list["total"], 1);
    let detail = post_of(&s, &admin, list["items"][0]["id"].as_str().unwrap());
    assert_eq!(detail["history"][0]["outcome"], "published");
    s.drain_jobs();
    assert_eq!(crate::content::events(&s, "publishing.published").len(), 1);
}

#[test]
fn linkedin_refusals_become_errors_a_user_can_act_on() {
    let (s, admin, fake, account) = linkedin_setup();
    let publish = |id: &str| {
        s.post(
            "/api/v1/publishing/linkedin/publish",
            Some(&admin),
            &json!({ "content_id": id, "account_id": account }),
        )
    };
    fake.script(&[426]);
    let r = publish(&content_with(&s, &admin, "linkedin", "One"));
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(
        r.detail(),
        "LinkedIn-Version 202505 is no longer served; update it in Settings"
    );
    fake.script(&[422]);
    let r = publish(&content_with(&s, &admin, "linkedin", "Two"));
    assert_eq!(r.status, 409, "{}", r.text);
    assert!(r.detail().contains("duplicate"));
    // Throttled: accepted for later, retried with backoff, published once.
    fake.script(&[429]);
    let three = content_with(&s, &admin, "linkedin", "Three");
    let r = publish(&three);
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.json()["status"], "scheduled");
    assert!(
        r.json()["post"]["last_error"]
            .as_str()
            .unwrap()
            .contains("throttling")
    );
    std::thread::sleep(Duration::from_millis(1300));
    s.drain_jobs();
    let list = s.get(
        &format!("/api/v1/publishing/scheduled?content_id={three}"),
        Some(&admin),
    );
    assert_eq!(
        list.json()["items"][0]["status"],
        "published",
        "{}",
        list.text
    );
    assert_eq!(list.json()["items"][0]["attempts"], 2);
    assert_eq!(fake.posts().len(), 1);
    // An expired token: the account needs reconnecting.
    fake.script(&[401]);
    let r = publish(&content_with(&s, &admin, "linkedin", "Four"));
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.detail().contains("reconnect"));
    let a = s
        .get(
            &format!("/api/v1/publishing/accounts/{account}"),
            Some(&admin),
        )
        .json();
    assert_eq!(a["status"], "expired");
    assert_eq!(a["status_detail"], "reconnect");
    let r = publish(&content_with(&s, &admin, "linkedin", "Five"));
    assert_eq!(r.status, 422);
    assert!(r.detail().contains("reconnect"));
    // Reconnecting brings it back.
    connect_linkedin(&s, &admin, &fake);
    let a = s
        .get(
            &format!("/api/v1/publishing/accounts/{account}"),
            Some(&admin),
        )
        .json();
    assert_eq!(a["status"], "connected");
}

#[test]
fn a_scheduled_post_goes_out_at_its_time_and_notifies_its_owner() {
    let (s, admin, fake, account) = linkedin_setup();
    let id = content_with(&s, &admin, "linkedin", "Scheduled hello");
    let at = chrono::Utc::now() + chrono::Duration::milliseconds(800);
    let local = at.with_timezone(&chrono::FixedOffset::east_opt(2 * 3600).unwrap());
    let r = s.post(
        "/api/v1/publishing/scheduled",
        Some(&admin),
        &json!({ "content_id": id, "account_id": account, "scheduled_at": local.to_rfc3339() }),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let p = r.json();
    assert!(
        p["scheduled_at"].as_str().unwrap().ends_with('Z'),
        "stored UTC: {p}"
    );
    assert_eq!(p["status"], "scheduled");
    assert_eq!(status_of_content(&s, &admin, &id), "scheduled");
    // Scheduling it twice on the same account is refused.
    let again = s.post(
        "/api/v1/publishing/scheduled",
        Some(&admin),
        &json!({ "content_id": id, "account_id": account, "scheduled_at": local.to_rfc3339() }),
    );
    assert_eq!(again.status, 409);
    // The dispatcher wakes ahead, records the post, and sends it at its time — not before.
    s.drain_jobs();
    let sent = fake.posts();
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].1["createdAt"].as_i64().unwrap() >= at.timestamp_millis(),
        "not before its time"
    );
    while chrono::Utc::now() < at {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(250));
    s.drain_jobs();
    assert_eq!(fake.posts().len(), 1);
    let p = post_of(&s, &admin, p["id"].as_str().unwrap());
    assert_eq!(p["status"], "published");
    assert_eq!(status_of_content(&s, &admin, &id), "published");
    let n = s.get("/api/v1/notifications", Some(&admin)).json();
    let titles: Vec<&str> = n["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["title"].as_str())
        .collect();
    assert!(
        titles.iter().any(|t| t.contains("is live on Ada Lovelace")),
        "{titles:?}"
    );
}

#[test]
fn posts_due_longer_ago_than_the_grace_period_are_missed_and_cancel_restores_the_content() {
    let (s, admin, fake, account) = linkedin_setup();
    s.put(
        "/api/v1/settings/",
        Some(&admin),
        &json!({ "publishing_grace_minutes": "0" }),
    );
    let id = content_with(&s, &admin, "linkedin", "Too late");
    let at = chrono::Utc::now() + chrono::Duration::milliseconds(300);
    let r = s.post(
        "/api/v1/publishing/scheduled",
        Some(&admin),
        &json!({ "content_id": id, "account_id": account, "scheduled_at": at.to_rfc3339() }),
    );
    let pid = r.json()["id"].as_str().unwrap().to_string();
    std::thread::sleep(Duration::from_millis(900));
    s.drain_jobs();
    let p = post_of(&s, &admin, &pid);
    assert_eq!(p["status"], "missed", "{p}");
    assert!(p["last_error"].as_str().unwrap().contains("grace period"));
    assert!(fake.posts().is_empty());
    assert_eq!(status_of_content(&s, &admin, &id), "draft");
    assert_eq!(crate::content::events(&s, "publishing.missed").len(), 1);
    // A missed post can be rescheduled; a scheduled one cancelled.
    let later = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let r = s.put(
        &format!("/api/v1/publishing/scheduled/{pid}"),
        Some(&admin),
        &json!({ "scheduled_at": later }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["status"], "scheduled");
    assert_eq!(r.json()["attempts"], 0);
    let r = s.post(
        &format!("/api/v1/publishing/scheduled/{pid}/cancel"),
        Some(&admin),
        &json!({}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["status"], "cancelled");
    assert_eq!(status_of_content(&s, &admin, &id), "draft");
    let r = s.send(
        "DELETE",
        &format!("/api/v1/publishing/scheduled/{pid}"),
        Some(&admin),
        &json!({}),
    );
    assert_eq!(r.status, 204);
}

#[test]
fn bad_schedules_are_422_and_members_see_only_their_own() {
    let (s, admin, _fake, account) = linkedin_setup();
    let id = content_with(&s, &admin, "linkedin", "Mine");
    for (at, msg) in [
        ("tomorrow", "RFC 3339"),
        ("2020-01-01T00:00:00Z", "in the past"),
        ("2026-12-01T09:00:00", "RFC 3339"),
    ] {
        let r = s.post(
            "/api/v1/publishing/scheduled",
            Some(&admin),
            &json!({ "content_id": id, "account_id": account, "scheduled_at": at }),
        );
        assert_eq!(r.status, 422, "{at}: {}", r.text);
        assert!(r.detail().contains(msg), "{}", r.detail());
    }
    let (_, member) = s.member("m@example.com");
    assert_eq!(
        s.get(
            &format!("/api/v1/publishing/accounts/{account}"),
            Some(&member)
        )
        .status,
        404
    );
    assert_eq!(
        s.get("/api/v1/publishing/accounts", Some(&member)).json()["total"],
        0
    );
    let theirs = content_with(&s, &member, "linkedin", "Theirs");
    let r = s.post(
        "/api/v1/publishing/linkedin/publish",
        Some(&member),
        &json!({ "content_id": theirs, "account_id": account }),
    );
    assert_eq!(r.status, 404);
    assert_eq!(r.detail(), "account not found");
    let r = s.post(
        "/api/v1/publishing/linkedin/publish",
        Some(&member),
        &json!({ "content_id": id, "account_id": account }),
    );
    assert_eq!(r.status, 404);
    assert_eq!(r.detail(), "content not found");
}

#[test]
fn meta_oauth_connects_pages_and_instagram_and_publishes_to_a_page() {
    let s = TestServer::start();
    let admin = s.admin_token();
    let fake = fake_meta::start();
    fake_meta::configure(&s, &admin, &fake);
    let url = s
        .get("/api/v1/publishing/meta/auth-url", Some(&admin))
        .json()["url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        url.starts_with(&format!("{}/v21.0/dialog/oauth?", fake.base())),
        "{url}"
    );
    let consent = Client::new(&fake.base()).get(url.trim_start_matches(&fake.base()), None);
    let back = consent.header("location").unwrap();
    let r = s.get(back.trim_start_matches(&s.base), None);
    assert!(
        r.header("location").unwrap().contains("connected=2"),
        "{:?}",
        r.header("location")
    );
    let status = s.get("/api/v1/publishing/meta/status", Some(&admin)).json();
    let accounts = status["accounts"].as_array().unwrap();
    let page = accounts
        .iter()
        .find(|a| a["platform"] == "facebook")
        .unwrap();
    let ig = accounts
        .iter()
        .find(|a| a["platform"] == "instagram")
        .unwrap();
    assert_eq!(page["name"], "Lyon Coffee");
    assert_eq!(ig["name"], "@lyoncoffee");
    assert!(!status.to_string().contains(fake_meta::PAGE_TOKEN));
    let id = content_with(&s, &admin, "facebook", "Fresh beans today");
    let r = s.post(
        "/api/v1/publishing/meta/publish/facebook",
        Some(&admin),
        &json!({ "content_id": id, "account_id": page["id"], "link": "https://example.com/beans" }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(fake.feed()[0]["message"], "Fresh beans today");
    assert_eq!(fake.feed()[0]["link"], "https://example.com/beans");
    // Instagram needs an image.
    let r = s.post(
        "/api/v1/publishing/meta/publish/instagram",
        Some(&admin),
        &json!({ "content_id": id, "account_id": ig["id"] }),
    );
    assert_eq!(r.status, 422);
    assert!(r.detail().contains("Instagram needs an image"));
    // Code 190: the page token expired.
    fake.script(&[190]);
    let other = content_with(&s, &admin, "facebook", "Another");
    let r = s.post(
        "/api/v1/publishing/meta/publish/facebook",
        Some(&admin),
        &json!({ "content_id": other, "account_id": page["id"] }),
    );
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.detail().contains("reconnect"));
    let a = s
        .get(
            &format!(
                "/api/v1/publishing/accounts/{}",
                page["id"].as_str().unwrap()
            ),
            Some(&admin),
        )
        .json();
    assert_eq!(a["status"], "expired");
}

#[test]
fn a_post_whose_answer_is_lost_is_looked_up_not_sent_again() {
    let (s, admin, fake, account) = linkedin_setup();
    let id = content_with(&s, &admin, "linkedin", "Lost answer");
    // Accepted by the fake, then recorded as in flight (as a crash would leave it).
    fake.script(&[0]);
    let base = s.base.clone();
    let t = admin.clone();
    let cid = id.clone();
    std::thread::spawn(move || {
        Client::new(&base).post(
            "/api/v1/publishing/linkedin/publish",
            Some(&t),
            &json!({ "content_id": cid, "account_id": account }),
        )
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while fake.posts().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(fake.posts().len(), 1);
    // The member kept posting from another app: the lost post is on the lookup's third page.
    fake.add_posts(250, "Posted elsewhere");
    neuromancer::domain::publishing::jobs::recover(&s.state).unwrap();
    s.drain_jobs();
    assert_eq!(
        fake.st.lookups.load(std::sync::atomic::Ordering::SeqCst),
        3,
        "paged back to it"
    );
    let list = s
        .get(
            &format!("/api/v1/publishing/scheduled?content_id={id}"),
            Some(&admin),
        )
        .json();
    let p = &list["items"][0];
    assert_eq!(p["status"], "published", "{p}");
    assert_eq!(p["external_id"], fake.posts()[0].0);
    assert_eq!(fake.posts().len(), 251, "never posted twice");
}
