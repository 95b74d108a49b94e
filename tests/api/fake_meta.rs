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
                    if let Some(e) = scripted(&st) {
                        return e;
                    }
                    let mut feed = st.feed.lock().unwrap();
                    let id = format!("{PAGE}_{}", 500 + feed.len());
                    feed.push(json!({ "id": id, "message": f.get("message"), "link": f.get("link") }));
                    HttpResponse::Ok().json(json!({ "id": id }))
                }),
            )
            .route(
                "/v21.0/{node}/feed",
                web::get().to(|st: web::Data<Inner>| async move {
                    HttpResponse::Ok().json(json!({ "data": *st.feed.lock().unwrap() }))
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
                    media.push(json!({ "id": id, "caption": c["caption"], "creation_id": creation, "permalink": format!("https://www.instagram.com/p/{id}/") }));
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
                web::get().to(|st: web::Data<Inner>| async move {
                    HttpResponse::Ok().json(json!({ "data": *st.media.lock().unwrap() }))
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
