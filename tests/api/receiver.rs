//! A loopback webhook receiver that verifies Standard Webhooks signatures exactly as a third party
//! would: from the raw body and the three headers, with its own HMAC, never the server's code.
use crate::helpers::FakeService;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Debug)]
pub struct Received {
    pub id: String,
    pub body: serde_json::Value,
    pub verified: bool,
    pub at: Instant,
    pub extra_header: Option<String>,
    pub authorization: Option<String>,
}

/// What to answer next: (status, Retry-After, delay before answering).
pub type Reply = (u16, Option<RetryAfter>, Duration);

/// A Retry-After header in either of its forms (RFC 9110 §10.2.3).
#[derive(Clone, Copy, Debug)]
pub enum RetryAfter {
    Secs(u64),
    /// An HTTP-date this many seconds after the answer.
    DateIn(u64),
}

#[derive(Default)]
struct Inner {
    secret: Option<String>,
    script: VecDeque<Reply>,
    default: Option<Reply>,
    got: Vec<Received>,
}

#[derive(Clone)]
pub struct Receiver {
    inner: Arc<Mutex<Inner>>,
    pub url: String,
    _svc: Arc<FakeService>,
}

/// Verify like any Standard Webhooks library: HMAC-SHA256 over `id.timestamp.body` with the
/// base64-decoded `whsec_` key, any `v1,` signature matching, timestamp within 5 minutes.
pub fn verify(secret: &str, id: &str, ts: &str, sigs: &str, body: &[u8]) -> bool {
    let Some(b64) = secret.strip_prefix("whsec_") else {
        return false;
    };
    let Ok(key) = STANDARD.decode(b64) else {
        return false;
    };
    let Ok(ts_n) = ts.parse::<i64>() else {
        return false;
    };
    if (chrono::Utc::now().timestamp() - ts_n).abs() > 300 {
        return false;
    }
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).unwrap();
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(ts.as_bytes());
    mac.update(b".");
    mac.update(body);
    let expected = STANDARD.encode(mac.finalize().into_bytes());
    sigs.split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .any(|s| s == expected)
}

impl Receiver {
    pub fn start() -> Self {
        let inner: Arc<Mutex<Inner>> = Default::default();
        let shared = inner.clone();
        let svc = FakeService::start(move |cfg| {
            let shared = shared.clone();
            cfg.route(
                "/{tail:.*}",
                web::post().to(move |req: HttpRequest, body: web::Bytes| {
                    let shared = shared.clone();
                    async move {
                        let h = |n: &str| {
                            req.headers()
                                .get(n)
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("")
                                .to_string()
                        };
                        let (id, ts, sig) = (
                            h("webhook-id"),
                            h("webhook-timestamp"),
                            h("webhook-signature"),
                        );
                        let reply = {
                            let mut g = shared.lock().unwrap();
                            let verified = g
                                .secret
                                .as_deref()
                                .is_some_and(|s| verify(s, &id, &ts, &sig, &body));
                            g.got.push(Received {
                                id,
                                body: serde_json::from_slice(&body).unwrap_or_default(),
                                verified,
                                at: Instant::now(),
                                extra_header: req
                                    .headers()
                                    .get("x-tenant")
                                    .and_then(|v| v.to_str().ok())
                                    .map(str::to_string),
                                authorization: req
                                    .headers()
                                    .get("authorization")
                                    .and_then(|v| v.to_str().ok())
                                    .map(str::to_string),
                            });
                            g.script.pop_front().or(g.default).unwrap_or((
                                200,
                                None,
                                Duration::ZERO,
                            ))
                        };
                        if !reply.2.is_zero() {
                            actix_web::rt::time::sleep(reply.2).await;
                        }
                        let mut r = HttpResponse::build(
                            actix_web::http::StatusCode::from_u16(reply.0).unwrap(),
                        );
                        match reply.1 {
                            Some(RetryAfter::Secs(s)) => {
                                r.insert_header(("Retry-After", s.to_string()));
                            }
                            Some(RetryAfter::DateIn(s)) => {
                                let at = chrono::Utc::now() + chrono::Duration::seconds(s as i64);
                                r.insert_header((
                                    "Retry-After",
                                    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
                                ));
                            }
                            None => {}
                        }
                        r.body(format!("answer {}", reply.0))
                    }
                }),
            );
        });
        Receiver {
            url: format!("{}/hook", svc.base),
            inner,
            _svc: Arc::new(svc),
        }
    }

    pub fn set_secret(&self, secret: &str) {
        self.inner.lock().unwrap().secret = Some(secret.to_string());
    }

    pub fn script(&self, replies: &[Reply]) {
        self.inner.lock().unwrap().script = replies.iter().copied().collect();
    }

    pub fn default_reply(&self, reply: Reply) {
        self.inner.lock().unwrap().default = Some(reply);
    }

    pub fn got(&self) -> Vec<Received> {
        self.inner.lock().unwrap().got.clone()
    }

    /// Wait until at least `n` requests arrived (panics after `timeout`).
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            let got = self.got();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "only {} of {n} deliveries arrived",
                got.len()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
