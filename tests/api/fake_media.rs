//! A loopback fake of the image and video providers speaking their wire formats: OpenAI
//! `POST /images/generations` (b64_json, or url + a download route), `GET /models`, Gemini
//! Imagen `:predict`, Veo `:predictLongRunning` with an operation polled until done and a file
//! download. Prompts script it: "FAIL" answers 500, "POLICY" a content-policy refusal, "SLOW"
//! waits `slow_ms` first. Every request is recorded.
#![allow(dead_code)]
use crate::helpers::*;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// A real PNG of `w`×`h` pixels (a gradient, so the bytes differ by size).
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut wr = enc.write_header().unwrap();
    let px: Vec<u8> = (0..w * h)
        .flat_map(|i| [(i % 251) as u8, (i / w % 253) as u8, 90])
        .collect();
    wr.write_image_data(&px).unwrap();
    wr.finish().unwrap();
    out
}

fn mp4_box(name: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut v = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
    v.extend_from_slice(name);
    v.extend_from_slice(payload);
    v
}

/// The video the fake serves: an MP4 skeleton (ftyp, moov with an 8 s mvhd and a 1280×720
/// tkhd) followed by ~300 kB of media data.
pub fn video_bytes() -> Vec<u8> {
    video_bytes_with(0)
}

/// [`video_bytes`] with `extra` more bytes of media data (a multi-MB download).
pub fn video_bytes_with(extra: usize) -> Vec<u8> {
    let mut mvhd = vec![0u8; 100];
    mvhd[12..16].copy_from_slice(&1000u32.to_be_bytes());
    mvhd[16..20].copy_from_slice(&8000u32.to_be_bytes());
    let mut tkhd = vec![0u8; 84];
    tkhd[76..80].copy_from_slice(&(1280u32 << 16).to_be_bytes());
    tkhd[80..84].copy_from_slice(&(720u32 << 16).to_be_bytes());
    let moov = mp4_box(
        b"moov",
        &[
            mp4_box(b"mvhd", &mvhd),
            mp4_box(b"trak", &mp4_box(b"tkhd", &tkhd)),
        ]
        .concat(),
    );
    let media: Vec<u8> = (0..300_000 + extra as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    [
        mp4_box(b"ftyp", b"isom\0\0\0\0"),
        moov,
        mp4_box(b"mdat", &media),
    ]
    .concat()
}

/// One request: its path, JSON body and headers.
type Seen = (String, Value, Vec<(String, String)>);

#[derive(Clone, Default)]
pub struct Rec {
    pub requests: Arc<Mutex<Vec<Seen>>>,
    pub polls: Arc<AtomicUsize>,
    pub slow_ms: Arc<AtomicUsize>,
    /// Extra bytes of media data in the video served (0: about 300 kB).
    pub video_extra: Arc<AtomicUsize>,
}

impl Rec {
    pub fn to(&self, path_part: &str) -> Vec<(Value, Vec<(String, String)>)> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _, _)| p.contains(path_part))
            .map(|(_, b, h)| (b.clone(), h.clone()))
            .collect()
    }
}

pub struct FakeMedia {
    pub svc: FakeService,
    pub rec: Rec,
}

fn record(rec: &Rec, req: &HttpRequest, body: &[u8]) -> Value {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    rec.requests
        .lock()
        .unwrap()
        .push((req.path().to_string(), v.clone(), headers));
    v
}

fn authorized(req: &HttpRequest) -> bool {
    let bearer = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        == Some("Bearer sk-test-key-123456");
    let goog = req
        .headers()
        .get("x-goog-api-key")
        .and_then(|v| v.to_str().ok())
        == Some("AIza-test-key-123456");
    bearer || goog
}

async fn scripted(rec: &Rec, prompt: &str) -> Option<HttpResponse> {
    if prompt.contains("SLOW") {
        let ms = rec.slow_ms.load(Ordering::SeqCst) as u64;
        actix_web::rt::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
    if prompt.contains("FAIL") {
        return Some(
            HttpResponse::InternalServerError()
                .json(json!({"error": {"message": "upstream exploded", "type": "server_error"}})),
        );
    }
    if prompt.contains("POLICY") {
        return Some(HttpResponse::BadRequest().json(json!({"error": {"message": "Your request was rejected as a result of our safety system.", "type": "invalid_request_error", "code": "content_policy_violation"}})));
    }
    None
}

impl FakeMedia {
    pub fn start() -> FakeMedia {
        let rec = Rec::default();
        rec.slow_ms.store(200, Ordering::SeqCst);
        let r = rec.clone();
        let svc = FakeService::start(move |cfg| {
            let r = r.clone();
            cfg.app_data(web::Data::new(r.clone()))
                .route("/v1/models", web::get().to(|req: HttpRequest| async move {
                    if !authorized(&req) {
                        return HttpResponse::Unauthorized().json(json!({"error": {"message": "Incorrect API key provided"}}));
                    }
                    HttpResponse::Ok().json(json!({"object": "list", "data": [{"id": "gpt-image-1"}, {"id": "dall-e-3"}]}))
                }))
                .route("/v1/images/generations", web::post().to(|req: HttpRequest, body: web::Bytes, rec: web::Data<Rec>| async move {
                    let v = record(&rec, &req, &body);
                    if !authorized(&req) {
                        return HttpResponse::Unauthorized().json(json!({"error": {"message": "Incorrect API key provided"}}));
                    }
                    if let Some(resp) = scripted(&rec, v["prompt"].as_str().unwrap_or("")).await {
                        return resp;
                    }
                    let (w, h) = match v["size"].as_str() {
                        Some("1536x1024" | "1792x1024") => (96, 64),
                        Some("1024x1536" | "1024x1792") => (64, 96),
                        _ => (64, 64),
                    };
                    let bytes = png(w, h);
                    if v["response_format"] == "url" {
                        let host = req.connection_info().host().to_string();
                        return HttpResponse::Ok().json(json!({"created": 1, "data": [{"url": format!("http://{host}/files/img-{w}x{h}.png")}]}));
                    }
                    HttpResponse::Ok().json(json!({"created": 1, "data": [{"b64_json": base64::engine::general_purpose::STANDARD.encode(bytes)}]}))
                }))
                .route("/files/img-{w}x{h}.png", web::get().to(|path: web::Path<(u32, u32)>| async move {
                    let (w, h) = path.into_inner();
                    HttpResponse::Ok().content_type("image/png").body(png(w, h))
                }))
                .route("/v1beta/models/{call}", web::post().to(|req: HttpRequest, body: web::Bytes, rec: web::Data<Rec>, call: web::Path<String>| async move {
                    let v = record(&rec, &req, &body);
                    if !authorized(&req) {
                        return HttpResponse::Forbidden().json(json!({"error": {"code": 403, "message": "API key not valid", "status": "PERMISSION_DENIED"}}));
                    }
                    let prompt = v["instances"][0]["prompt"].as_str().unwrap_or("").to_string();
                    if let Some(resp) = scripted(&rec, &prompt).await {
                        return resp;
                    }
                    if call.ends_with(":predict") {
                        let (w, h) = if v["parameters"]["aspectRatio"] == "3:4" { (48, 64) } else { (64, 64) };
                        let b64 = base64::engine::general_purpose::STANDARD.encode(png(w, h));
                        return HttpResponse::Ok().json(json!({"predictions": [{"bytesBase64Encoded": b64, "mimeType": "image/png"}]}));
                    }
                    rec.polls.store(0, Ordering::SeqCst);
                    HttpResponse::Ok().json(json!({"name": "models/veo-3.0-generate-001/operations/op123"}))
                }))
                .route("/v1beta/models/{model}", web::get().to(|req: HttpRequest, model: web::Path<String>| async move {
                    if !authorized(&req) {
                        return HttpResponse::Forbidden().json(json!({"error": {"code": 403, "message": "API key not valid", "status": "PERMISSION_DENIED"}}));
                    }
                    HttpResponse::Ok().json(json!({"name": format!("models/{model}")}))
                }))
                .route("/v1beta/models/{model}/operations/{op}", web::get().to(|req: HttpRequest, rec: web::Data<Rec>| async move {
                    if !authorized(&req) {
                        return HttpResponse::Forbidden().finish();
                    }
                    let n = rec.polls.fetch_add(1, Ordering::SeqCst) + 1;
                    if n < 3 {
                        return HttpResponse::Ok().json(json!({"name": "models/veo-3.0-generate-001/operations/op123", "done": false}));
                    }
                    let host = req.connection_info().host().to_string();
                    HttpResponse::Ok().json(json!({"name": "models/veo-3.0-generate-001/operations/op123", "done": true,
                        "response": {"generateVideoResponse": {"generatedSamples": [{"video": {"uri": format!("http://{host}/v1beta/files/vid1:download?alt=media")}}]}}}))
                }))
                .route("/v1beta/files/{file}", web::get().to(|req: HttpRequest, rec: web::Data<Rec>| async move {
                    if !authorized(&req) {
                        return HttpResponse::Forbidden().finish();
                    }
                    let extra = rec.video_extra.load(Ordering::SeqCst);
                    HttpResponse::Ok().content_type("video/mp4").body(video_bytes_with(extra))
                }));
        });
        FakeMedia { svc, rec }
    }

    pub fn openai_base(&self) -> String {
        format!("{}/v1", self.svc.base)
    }
}

/// Create a media provider (as admin); its id.
pub fn provider(s: &TestServer, admin: &str, body: Value) -> String {
    let r = s.post("/api/v1/multimodal/providers", Some(admin), &body);
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()["id"].as_str().unwrap().to_string()
}
