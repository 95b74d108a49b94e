//! The embedded single-page app: hashed assets cached for a year, index.html for every other
//! non-API path (history fallback), never cached. Assets are embedded gzipped (web/scripts/
//! gzip-dist.mjs) and sent as they are to clients that accept gzip, inflated for the others.
use actix_web::http::header::{
    CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
};
use actix_web::{HttpRequest, HttpResponse};

#[derive(rust_embed::RustEmbed)]
#[folder = "web/dist/"]
struct Spa;

fn serve_file(req: &HttpRequest, path: &str, cache: &'static str) -> Option<HttpResponse> {
    let (file, gzipped) = match Spa::get(&format!("{path}.gz")) {
        Some(f) => (f, true),
        None => (Spa::get(path)?, false),
    };
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
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let mut res = HttpResponse::Ok();
    res.insert_header((CONTENT_TYPE, mime.as_ref()))
        .insert_header((CACHE_CONTROL, cache))
        .insert_header((ETAG, etag));
    if !gzipped {
        return Some(res.body(file.data.into_owned()));
    }
    Some(gzip_body(req, res, &file.data))
}

/// Finish a response whose body is stored gzipped: as is (with Content-Encoding) when the client
/// accepts gzip, inflated otherwise.
pub fn gzip_body(
    req: &HttpRequest,
    mut res: actix_web::HttpResponseBuilder,
    gz: &[u8],
) -> HttpResponse {
    res.insert_header((VARY, "Accept-Encoding"));
    if accepts_gzip(req) {
        return res
            .insert_header((CONTENT_ENCODING, "gzip"))
            .body(gz.to_vec());
    }
    match inflate(gz) {
        Ok(plain) => res.body(plain),
        Err(e) => inflate_failed(e),
    }
}

/// A gzipped embedded asset inflated.
fn inflate(gz: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut plain = Vec::with_capacity(gz.len() * 4);
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(gz), &mut plain).map(|_| plain)
}

/// The 500 answered when an embedded asset does not inflate.
fn inflate_failed(e: std::io::Error) -> HttpResponse {
    actix_web::ResponseError::error_response(&crate::error::ApiError::internal(
        "inflating an embedded asset",
        e,
    ))
}

/// Swagger UI's vendored files are stored gzipped and always sent with `Content-Encoding: gzip`;
/// a client that does not take gzip (`Accept-Encoding: identity`, `gzip;q=0`, plain curl) gets
/// them inflated instead.
pub async fn inflate_for(
    res: actix_web::dev::ServiceResponse<actix_web::body::BoxBody>,
) -> actix_web::dev::ServiceResponse<actix_web::body::BoxBody> {
    let gzipped = res
        .headers()
        .get(CONTENT_ENCODING)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"gzip"));
    if !gzipped || accepts_gzip(res.request()) {
        return res;
    }
    let (req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let Ok(gz) = actix_web::body::to_bytes(body).await else {
        return actix_web::dev::ServiceResponse::new(
            req,
            head.set_body(actix_web::body::BoxBody::new(())),
        );
    };
    let mut out = match inflate(&gz) {
        Ok(plain) => head.set_body(actix_web::body::BoxBody::new(plain)),
        Err(e) => inflate_failed(e),
    };
    out.headers_mut().remove(CONTENT_ENCODING);
    out.headers_mut()
        .remove(actix_web::http::header::CONTENT_LENGTH);
    out.headers_mut().insert(
        VARY,
        actix_web::http::header::HeaderValue::from_static("Accept-Encoding"),
    );
    actix_web::dev::ServiceResponse::new(req, out)
}

/// Whether the client takes a gzip body (Accept-Encoding: gzip or *, not with q=0).
pub fn accepts_gzip(req: &HttpRequest) -> bool {
    req.headers()
        .get_all("accept-encoding")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|enc| {
            // "gzip", "gzip;q=0.8" or "*"; "gzip;q=0" refuses it.
            let (name, q) = enc.split_once(';').unwrap_or((enc, "q=1"));
            let q = q
                .trim()
                .strip_prefix("q=")
                .and_then(|q| q.parse::<f32>().ok());
            let name = name.trim();
            (name.eq_ignore_ascii_case("gzip") || name == "*") && q.unwrap_or(1.0) > 0.0
        })
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
    if !path.is_empty() && path != "index.html" && !path.ends_with(".gz") {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_taken_unless_refused() {
        let req = |v: &str| {
            actix_web::test::TestRequest::default()
                .insert_header(("Accept-Encoding", v))
                .to_http_request()
        };
        assert!(accepts_gzip(&req("gzip, deflate, br")));
        assert!(accepts_gzip(&req("br;q=1.0, gzip;q=0.8")));
        assert!(accepts_gzip(&req("*")));
        assert!(!accepts_gzip(&req("gzip;q=0")));
        assert!(!accepts_gzip(&req("identity")));
        assert!(!accepts_gzip(
            &actix_web::test::TestRequest::default().to_http_request()
        ));
    }
}
