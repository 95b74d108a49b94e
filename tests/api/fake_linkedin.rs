//! A loopback fake of LinkedIn speaking its wire format: the OAuth authorization page (which
//! consents at once, or cancels), the token exchange, `/v2/userinfo`, the Posts API (201 with
//! `x-restli-id`, lookups by author), the Images API (an `uploadUrl` pointing back at the fake,
//! which keeps the bytes PUT to it),
//! and scripted refusals (401, 426, 429, 422) or a post accepted whose answer never comes.
#![allow(dead_code)]
use crate::helpers::*;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub const CODE: &str = "li-code-1";
pub const TOKEN: &str = "AQX-li-access-token-123456789";
pub const SUB: &str = "782bbtaQ";

#[derive(Default)]
pub struct Inner {
    /// Every post accepted: (id, body).
    pub posts: Mutex<Vec<(String, Value)>>,
    /// Answers to give to the next POST /rest/posts, in order (status codes; 0 = accept but
    /// never answer).
    pub script: Mutex<Vec<u16>>,
    pub uploads: AtomicUsize,
    /// The bytes PUT to each upload URL, in order.
    pub uploaded: Mutex<Vec<Vec<u8>>>,
    pub post_headers: Mutex<Vec<(Option<String>, Option<String>)>>,
    pub token_requests: Mutex<Vec<String>>,
    /// Answer the authorization page with a cancel.
    pub cancel: Mutex<bool>,
    /// Answer lookups (GET /rest/posts) with a 500.
    pub lookup_fails: Mutex<bool>,
    /// Lookup pages served.
    pub lookups: AtomicUsize,
    /// Milliseconds to wait before answering a POST /rest/posts that is accepted.
    pub answer_delay_ms: AtomicUsize,
}

#[derive(Clone)]
pub struct FakeLinkedIn {
    pub svc: Arc<FakeService>,
    pub st: Arc<Inner>,
}

impl FakeLinkedIn {
    pub fn posts(&self) -> Vec<(String, Value)> {
        self.st.posts.lock().unwrap().clone()
    }
    pub fn script(&self, codes: &[u16]) {
        *self.st.script.lock().unwrap() = codes.to_vec();
    }
    pub fn base(&self) -> String {
        self.svc.base.clone()
    }
    /// Posts the member published elsewhere (another app), now.
    pub fn add_posts(&self, n: usize, prefix: &str) {
        let mut posts = self.st.posts.lock().unwrap();
        for i in 0..n {
            let id = format!("urn:li:share:71000000000{:05}", posts.len() + 1);
            posts.push((
                id,
                json!({ "commentary": format!("{prefix} {i}"), "createdAt": chrono::Utc::now().timestamp_millis() }),
            ));
        }
    }
    pub fn uploaded(&self) -> Vec<Vec<u8>> {
        self.st.uploaded.lock().unwrap().clone()
    }
}

fn bearer_ok(req: &HttpRequest) -> bool {
    req.headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        == Some(&format!("Bearer {TOKEN}"))
}

fn error(status: u16, code: &str, msg: &str) -> HttpResponse {
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
        .insert_header(("Retry-After", "1"))
        .json(json!({ "status": status, "serviceErrorCode": 65600, "code": code, "message": msg }))
}

pub fn start() -> FakeLinkedIn {
    let st = Arc::new(Inner::default());
    let s = st.clone();
    let svc = FakeService::start(move |cfg| {
        let st = s.clone();
        cfg.app_data(web::Data::from(st))
            .route(
                "/oauth/v2/authorization",
                web::get().to(
                    |st: web::Data<Inner>, q: web::Query<std::collections::HashMap<String, String>>| async move {
                        let redirect = q.get("redirect_uri").cloned().unwrap_or_default();
                        let state = q.get("state").cloned().unwrap_or_default();
                        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
                        let to = if *st.cancel.lock().unwrap() {
                            format!("{redirect}?error=user_cancelled_authorize&error_description=cancelled&state={}", enc(&state))
                        } else {
                            format!("{redirect}?code={CODE}&state={}", enc(&state))
                        };
                        HttpResponse::Found().insert_header(("Location", to)).finish()
                    },
                ),
            )
            .route(
                "/oauth/v2/accessToken",
                web::post().to(|st: web::Data<Inner>, body: web::Bytes| async move {
                    let form: std::collections::HashMap<String, String> =
                        url::form_urlencoded::parse(&body).into_owned().collect();
                    st.token_requests
                        .lock()
                        .unwrap()
                        .push(String::from_utf8_lossy(&body).to_string());
                    if form.get("code").map(String::as_str) != Some(CODE)
                        || form.get("grant_type").map(String::as_str) != Some("authorization_code")
                    {
                        return HttpResponse::BadRequest().json(json!({
                            "error": "invalid_request", "error_description": "Unable to retrieve access token: authorization code not found"
                        }));
                    }
                    HttpResponse::Ok().json(json!({
                        "access_token": TOKEN, "expires_in": 5184000,
                        "scope": "email,openid,profile,w_member_social", "token_type": "Bearer", "id_token": "eyJ.fake.jwt"
                    }))
                }),
            )
            .route(
                "/v2/userinfo",
                web::get().to(|req: HttpRequest| async move {
                    if !bearer_ok(&req) {
                        return error(401, "INVALID_ACCESS_TOKEN", "Invalid access token");
                    }
                    HttpResponse::Ok().json(json!({
                        "sub": SUB, "name": "Ada Lovelace", "given_name": "Ada", "family_name": "Lovelace",
                        "picture": "https://media.example/ada.jpg", "email": "ada@example.com", "email_verified": true
                    }))
                }),
            )
            .route(
                "/rest/images",
                web::post().to(|req: HttpRequest, st: web::Data<Inner>| async move {
                    if !bearer_ok(&req) {
                        return error(401, "INVALID_ACCESS_TOKEN", "Invalid access token");
                    }
                    let n = st.uploads.fetch_add(1, Ordering::SeqCst);
                    let host = req.connection_info().host().to_string();
                    HttpResponse::Ok().json(json!({ "value": {
                        "uploadUrl": format!("http://{host}/upload/{n}"),
                        "image": format!("urn:li:image:C{n}"),
                    }}))
                }),
            )
            .route(
                "/upload/{n}",
                web::put().to(|req: HttpRequest, st: web::Data<Inner>, body: web::Bytes| async move {
                    if !bearer_ok(&req) {
                        return HttpResponse::Unauthorized().finish();
                    }
                    st.uploaded.lock().unwrap().push(body.to_vec());
                    HttpResponse::Created().finish()
                }),
            )
            .route(
                "/rest/posts",
                web::post().to(|req: HttpRequest, st: web::Data<Inner>, body: web::Json<Value>| async move {
                    let h = |n: &str| req.headers().get(n).and_then(|v| v.to_str().ok()).map(str::to_string);
                    st.post_headers
                        .lock()
                        .unwrap()
                        .push((h("linkedin-version"), h("x-restli-protocol-version")));
                    if !bearer_ok(&req) {
                        return error(401, "INVALID_ACCESS_TOKEN", "Invalid access token");
                    }
                    let next = {
                        let mut s = st.script.lock().unwrap();
                        if s.is_empty() { 201 } else { s.remove(0) }
                    };
                    match next {
                        201 | 0 => {
                            let id = {
                                let mut posts = st.posts.lock().unwrap();
                                let id = format!("urn:li:share:70000000000{:05}", posts.len() + 1);
                                let mut b = body.into_inner();
                                b["createdAt"] = json!(chrono::Utc::now().timestamp_millis());
                                posts.push((id.clone(), b));
                                id
                            };
                            let delay = st.answer_delay_ms.load(Ordering::SeqCst);
                            if delay > 0 {
                                actix_web::rt::time::sleep(std::time::Duration::from_millis(delay as u64)).await;
                            }
                            if next == 0 {
                                // Accepted, but the answer never comes (until long after the
                                // caller gave up or died).
                                actix_web::rt::time::sleep(std::time::Duration::from_secs(120)).await;
                            }
                            HttpResponse::Created().insert_header(("x-restli-id", id)).finish()
                        }
                        401 => error(401, "INVALID_ACCESS_TOKEN", "The token used in the request has expired"),
                        422 => error(422, "DUPLICATE_POST", "Content is a duplicate of urn:li:share:6999"),
                        426 => error(426, "VERSION_MISSING", "Requested version 20230101 is not active"),
                        429 => error(429, "TOO_MANY_REQUESTS", "Resource level throttle limit exceeded"),
                        other => error(other, "ERROR", "scripted failure"),
                    }
                }),
            )
            .route(
                "/rest/posts",
                web::get().to(|req: HttpRequest, st: web::Data<Inner>, q: web::Query<std::collections::HashMap<String, String>>| async move {
                    if !bearer_ok(&req) {
                        return error(401, "INVALID_ACCESS_TOKEN", "Invalid access token");
                    }
                    if *st.lookup_fails.lock().unwrap() {
                        return error(500, "INTERNAL_SERVER_ERROR", "lookup unavailable");
                    }
                    // Newest first, `start`/`count` paging (count defaults to 10, at most 100).
                    let num = |k: &str, d: usize| q.get(k).and_then(|v| v.parse().ok()).unwrap_or(d);
                    let (start, count) = (num("start", 0), num("count", 10).min(100));
                    let elements: Vec<Value> = st
                        .posts
                        .lock()
                        .unwrap()
                        .iter()
                        .rev()
                        .skip(start)
                        .take(count)
                        .map(|(id, b)| json!({ "id": id, "commentary": b["commentary"], "createdAt": b["createdAt"], "author": b["author"] }))
                        .collect();
                    st.lookups.fetch_add(1, Ordering::SeqCst);
                    HttpResponse::Ok().json(json!({ "elements": elements, "paging": { "start": start, "count": count } }))
                }),
            );
    });
    FakeLinkedIn {
        svc: Arc::new(svc),
        st,
    }
}

/// Point the server at the fake and configure the LinkedIn app.
pub fn configure(s: &Client, admin: &str, fake: &FakeLinkedIn) {
    let r = s.put(
        "/api/v1/settings/",
        Some(admin),
        &json!({
            "allow_private_network": true,
            "linkedin_auth_base_url": fake.base(),
            "linkedin_api_base_url": fake.base(),
            "linkedin_client_id": "li-client",
            "linkedin_client_secret": "li-secret-value-xyz",
            "linkedin_api_version": "202505",
        }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
}
