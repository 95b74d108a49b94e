//! A loopback fake of Meta's Graph API: the login dialog (consents at once), code and
//! long-lived token exchanges, `me/accounts` with page tokens and an Instagram business
//! account, page feed/photos, Instagram containers (single and carousel) / status /
//! media_publish / quota, lookups,
//! and scripted error codes (190 expired, 4 throttled).
#![allow(dead_code)]
use crate::helpers::*;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const CODE: &str = "meta-code-1";
pub const PAGE_TOKEN: &str = "EAAG-page-token-abcdefghijkl";
pub const PAGE: &str = "1010";
pub const IG: &str = "17841400000000001";

#[derive(Default)]
pub struct Inner {
    pub feed: Mutex<Vec<Value>>,
    pub media: Mutex<Vec<Value>>,
    /// Listing pages served (feed and media lookups).
    pub lookups: std::sync::atomic::AtomicUsize,
    /// Photos posted to a page (`url`, `caption`, `published`).
    pub photos: Mutex<Vec<Value>>,
    /// Instagram containers by id (`image_url`, `is_carousel_item`, `media_type`, `children`,
    /// `caption`).
    pub containers: Mutex<Vec<Value>>,
    /// Error codes to answer the next page/IG writes with (Graph `error.code`).
    pub script: Mutex<Vec<i64>>,
}

#[derive(Clone)]
pub struct FakeMeta {
    pub svc: Arc<FakeService>,
    pub st: Arc<Inner>,
}

impl FakeMeta {
    pub fn base(&self) -> String {
        self.svc.base.clone()
    }
    pub fn feed(&self) -> Vec<Value> {
        self.st.feed.lock().unwrap().clone()
    }
    pub fn photos(&self) -> Vec<Value> {
        self.st.photos.lock().unwrap().clone()
    }
    pub fn containers(&self) -> Vec<Value> {
        self.st.containers.lock().unwrap().clone()
    }
    /// Instagram posts published (from a container).
    pub fn media(&self) -> Vec<Value> {
        self.st.media.lock().unwrap().clone()
    }
    pub fn script(&self, codes: &[i64]) {
        *self.st.script.lock().unwrap() = codes.to_vec();
    }
}

fn graph_error(code: i64) -> HttpResponse {
    HttpResponse::BadRequest().json(json!({ "error": {
        "message": if code == 190 { "Error validating access token: Session has expired" } else { "Application request limit reached" },
        "type": "OAuthException", "code": code, "error_subcode": 460, "fbtrace_id": "AbCdEf"
    }}))
}

fn form(body: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn scripted(st: &Inner) -> Option<HttpResponse> {
    let mut s = st.script.lock().unwrap();
    if s.is_empty() {
        None
    } else {
        Some(graph_error(s.remove(0)))
    }
}

impl FakeMeta {
    /// Posts the page published elsewhere, now.
    pub fn add_feed_posts(&self, n: usize, prefix: &str) {
        let mut feed = self.st.feed.lock().unwrap();
        for i in 0..n {
            let id = format!("{PAGE}_{}", 500 + feed.len());
            feed.push(json!({ "id": id, "message": format!("{prefix} {i}"), "created_time": graph_time() }));
        }
    }
}

fn graph_time() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%z").to_string()
}

/// A Graph edge listing: newest first, `limit` (default 25, at most 100), an `after` cursor,
/// and `paging.next` only while there is more.
fn listing(st: &Inner, items: Vec<Value>, q: &HashMap<String, String>) -> HttpResponse {
    st.lookups.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let limit = q
        .get("limit")
        .and_then(|v| v.parse().ok())
        .unwrap_or(25usize)
        .min(100);
    let start = q
        .get("after")
        .and_then(|v| v.strip_prefix("cur")?.parse().ok())
        .unwrap_or(0usize);
    let page: Vec<Value> = items
        .iter()
        .rev()
        .skip(start)
        .take(limit)
        .cloned()
        .collect();
    let end = start + page.len();
    let mut paging =
        json!({ "cursors": { "before": format!("cur{start}"), "after": format!("cur{end}") } });
    if end < items.len() {
        paging["next"] = json!(format!("https://graph.facebook.com/next?after=cur{end}"));
    }
    HttpResponse::Ok().json(json!({ "data": page, "paging": paging }))
}

pub fn start() -> FakeMeta {
    let st = Arc::new(Inner::default());
    let s = st.clone();
    let svc = FakeService::start(move |cfg| {
        cfg.app_data(web::Data::from(s.clone()))
            .route(
                "/v21.0/dialog/oauth",
                web::get().to(|q: web::Query<HashMap<String, String>>| async move {
                    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
                    let to = format!(
                        "{}?code={CODE}&state={}",
                        q.get("redirect_uri").cloned().unwrap_or_default(),
                        enc(q.get("state").map(String::as_str).unwrap_or(""))
                    );
                    HttpResponse::Found().insert_header(("Location", to)).finish()
                }),
            )
            .route(
                "/v21.0/oauth/access_token",
                web::get().to(|q: web::Query<HashMap<String, String>>| async move {
                    if q.get("grant_type").map(String::as_str) == Some("fb_exchange_token") {
                        if q.get("fb_exchange_token").map(String::as_str) != Some("EAA-short") {
                            return graph_error(190);
                        }
                        return HttpResponse::Ok().json(json!({ "access_token": "EAA-long-user", "token_type": "bearer", "expires_in": 5183944 }));
                    }
                    if q.get("code").map(String::as_str) != Some(CODE) {
                        return graph_error(100);
                    }
                    HttpResponse::Ok().json(json!({ "access_token": "EAA-short", "token_type": "bearer", "expires_in": 3600 }))
                }),
            )
            .route(
                "/v21.0/me/accounts",
                web::get().to(|q: web::Query<HashMap<String, String>>| async move {
                    if q.get("access_token").map(String::as_str) != Some("EAA-long-user") {
                        return graph_error(190);
                    }
                    HttpResponse::Ok().json(json!({ "data": [{
                        "id": PAGE, "name": "Lyon Coffee", "access_token": PAGE_TOKEN, "tasks": ["CREATE_CONTENT"],
                        "instagram_business_account": { "id": IG, "username": "lyoncoffee" }
                    }]}))
                }),
            )
            .route(
                "/v21.0/{node}/feed",
                web::post().to(|st: web::Data<Inner>, body: web::Bytes| async move {
                    let f = form(&body);
                    if f.get("access_token").map(String::as_str) != Some(PAGE_TOKEN) {
                        return graph_error(190);
                    }
                    // 0 in the script: accept, but the answer never comes.
                    let hang = {
                        let mut s = st.script.lock().unwrap();
                        (s.first() == Some(&0)).then(|| s.remove(0)).is_some()
                    };
                    if let Some(e) = (!hang).then(|| scripted(&st)).flatten() {
                        return e;
                    }
                    let id = {
                        let mut feed = st.feed.lock().unwrap();
                        let id = format!("{PAGE}_{}", 500 + feed.len());
                        feed.push(json!({ "id": id, "message": f.get("message"), "link": f.get("link"), "created_time": graph_time() }));
                        id
                    };
                    if hang {
                        actix_web::rt::time::sleep(std::time::Duration::from_secs(120)).await;
                    }
                    HttpResponse::Ok().json(json!({ "id": id }))
                }),
            )
            .route(
                "/v21.0/{node}/feed",
                web::get().to(|st: web::Data<Inner>, q: web::Query<HashMap<String, String>>| async move {
                    let feed = st.feed.lock().unwrap().clone();
                    listing(&st, feed, &q)
                }),
            )
            .route(
                "/v21.0/{node}/photos",
                web::post().to(|st: web::Data<Inner>, body: web::Bytes| async move {
                    let f = form(&body);
                    if f.get("access_token").map(String::as_str) != Some(PAGE_TOKEN) {
                        return graph_error(190);
                    }
                    if let Some(e) = scripted(&st) {
                        return e;
                    }
                    let mut photos = st.photos.lock().unwrap();
                    let id = format!("photo_{}", 700 + photos.len());
                    photos.push(json!({ "id": id, "url": f.get("url"), "caption": f.get("caption"), "published": f.get("published") }));
                    HttpResponse::Ok().json(json!({ "id": id, "post_id": format!("{PAGE}_{id}") }))
                }),
            )
            .route(
                "/v21.0/{node}/media",
                web::post().to(|st: web::Data<Inner>, body: web::Bytes| async move {
                    let f = form(&body);
                    if f.get("access_token").map(String::as_str) != Some(PAGE_TOKEN) {
                        return graph_error(190);
                    }
                    if let Some(e) = scripted(&st) {
                        return e;
                    }
                    let mut containers = st.containers.lock().unwrap();
                    let id = format!("1790000000{}", containers.len());
                    let mut c = json!({ "id": id });
                    for k in ["image_url", "is_carousel_item", "media_type", "children", "caption"] {
                        c[k] = json!(f.get(k));
                    }
                    containers.push(c);
                    HttpResponse::Ok().json(json!({ "id": id }))
                }),
            )
            .route(
                "/v21.0/{node}/media_publish",
                web::post().to(|st: web::Data<Inner>, body: web::Bytes| async move {
                    let f = form(&body);
                    if f.get("access_token").map(String::as_str) != Some(PAGE_TOKEN) {
                        return graph_error(190);
                    }
                    let creation = f.get("creation_id").cloned().unwrap_or_default();
                    let Some(c) = st.containers.lock().unwrap().iter().find(|c| c["id"] == creation.as_str()).cloned() else {
                        return graph_error(100);
                    };
                    let mut media = st.media.lock().unwrap();
                    let id = format!("1800000000{}", media.len());
                    media.push(json!({ "id": id, "caption": c["caption"], "creation_id": creation, "permalink": format!("https://www.instagram.com/p/{id}/"), "timestamp": graph_time() }));
                    HttpResponse::Ok().json(json!({ "id": id }))
                }),
            )
            .route(
                "/v21.0/{node}/content_publishing_limit",
                web::get().to(|| async {
                    HttpResponse::Ok().json(json!({ "data": [{ "quota_usage": 2, "config": { "quota_total": 50, "quota_duration": 86400 } }] }))
                }),
            )
            .route(
                "/v21.0/{node}/media",
                web::get().to(|st: web::Data<Inner>, q: web::Query<HashMap<String, String>>| async move {
                    let media = st.media.lock().unwrap().clone();
                    listing(&st, media, &q)
                }),
            )
            .route(
                "/v21.0/{node}",
                web::get().to(|req: HttpRequest| async move {
                    let node = req.match_info().get("node").unwrap_or("").to_string();
                    HttpResponse::Ok().json(json!({ "id": node, "status_code": "FINISHED", "permalink": format!("https://www.instagram.com/p/{node}/") }))
                }),
            );
    });
    FakeMeta {
        svc: Arc::new(svc),
        st,
    }
}

pub fn configure(s: &Client, admin: &str, fake: &FakeMeta) {
    let r = s.put(
        "/api/v1/settings/",
        Some(admin),
        &json!({
            "allow_private_network": true,
            "meta_dialog_base_url": fake.base(),
            "meta_graph_base_url": fake.base(),
            "meta_app_id": "meta-app",
            "meta_app_secret": "meta-secret-value-xyz",
        }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
}
