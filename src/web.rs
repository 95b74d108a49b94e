//! The embedded single-page app: hashed assets cached for a year, index.html for every other
//! non-API path (history fallback), never cached.
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use actix_web::{HttpRequest, HttpResponse};

#[derive(rust_embed::RustEmbed)]
#[folder = "web/dist/"]
struct Spa;

fn serve_file(req: &HttpRequest, path: &str, cache: &'static str) -> Option<HttpResponse> {
    let file = Spa::get(path)?;
    let etag = format!(
        "\"{}\"",
        file.metadata
            .sha256_hash()
            .iter()
            .take(12)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    if req
        .headers()
        .get(IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str())
    {
        return Some(
            HttpResponse::NotModified()
                .insert_header((ETAG, etag))
                .finish(),
        );
    }
    Some(
        HttpResponse::Ok()
            .insert_header((CONTENT_TYPE, file.metadata.mimetype()))
            .insert_header((CACHE_CONTROL, cache))
            .insert_header((ETAG, etag))
            .body(file.data.into_owned()),
    )
}

/// App-level fallback: API paths outside /api/v1 get a JSON 404; everything else is the SPA.
pub async fn spa(req: HttpRequest) -> HttpResponse {
    let path = req.path().trim_start_matches('/');
    if path == "api" || path.starts_with("api/") {
        return HttpResponse::NotFound().json(crate::error::ErrorBody {
            detail: "not found".into(),
        });
    }
    if req.method() != actix_web::http::Method::GET && req.method() != actix_web::http::Method::HEAD
    {
        return HttpResponse::MethodNotAllowed()
            .insert_header(("Allow", "GET, HEAD"))
            .finish();
    }
    if !path.is_empty() && path != "index.html" {
        let cache = if path.starts_with("assets/") {
            "public, max-age=31536000, immutable"
        } else {
            "public, max-age=3600"
        };
        if let Some(res) = serve_file(&req, path, cache) {
            return res;
        }
        // A missing file (has an extension) is a real 404, not the app.
        if path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'))
        {
            return HttpResponse::NotFound()
                .content_type("text/plain")
                .body("not found");
        }
    }
    serve_file(&req, "index.html", "no-cache").unwrap_or_else(|| {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("web app not built")
    })
}
