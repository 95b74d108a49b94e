//! The OpenAPI document (collected from the registered services), Swagger UI and ReDoc — all
//! served from the binary with no network — and the route table derived from the spec.
use actix_web::{HttpResponse, web};
use std::sync::OnceLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

mod contract;
mod facts;
mod links;
mod registry_schemas;

#[derive(OpenApi)]
#[openapi(
    info(title = "Neuromancer API", description = "Self-hosted AI content studio. Every route lives under /api/v1; errors are `{\"detail\": \"...\"}`."),
    modifiers(&BearerAuth),
    components(schemas(crate::error::ErrorBody))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        openapi.security = Some(vec![SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
    }
}

/// The spec, built from the same `api::configure` the server mounts.
fn build_spec() -> utoipa::openapi::OpenApi {
    let (_, mut spec) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(utoipa_actix_web::scope("/api/v1").configure(crate::api::configure))
        .split_for_parts();
    spec.info.version = env!("CARGO_PKG_VERSION").to_string();
    contract::apply(&mut spec);
    spec
}

/// The document as served: the spec, with the facts only its JSON can state (`facts`).
fn document(spec: &utoipa::openapi::OpenApi) -> serde_json::Value {
    let mut doc = serde_json::to_value(spec).unwrap_or_default();
    facts::refine(&mut doc);
    doc
}

pub fn openapi_json_pretty() -> String {
    serde_json::to_string_pretty(&document(&build_spec())).unwrap_or_default()
}

/// What the server keeps of the spec: its JSON (served at /openapi.json) and the route table.
/// Built on the first API request; the spec itself and the megabytes its construction touched are
/// released straight away.
struct Derived {
    json: String,
    routes: RouteTable,
}

fn derived() -> &'static Derived {
    static DERIVED: OnceLock<Derived> = OnceLock::new();
    DERIVED.get_or_init(|| {
        let spec = build_spec();
        let derived = Derived {
            json: document(&spec).to_string(),
            routes: RouteTable::from_spec(&spec),
        };
        drop(spec);
        crate::telemetry::trim_heap();
        derived
    })
}

/// Swagger UI pointed at our own /openapi.json route: giving it the spec would keep one copy
/// per HTTP worker (several MB each).
pub fn swagger_ui() -> utoipa_swagger_ui::SwaggerUi {
    utoipa_swagger_ui::SwaggerUi::new("/api/v1/docs/{_:.*}")
        .config(utoipa_swagger_ui::Config::from("/api/v1/openapi.json"))
}

/// The spec as JSON, serialised once and shared by every worker.
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(derived().json.as_str())
}

pub async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header(("Location", "/api/v1/docs/"))
        .finish()
}

/// assets/vendor/redoc.standalone.js, gzipped by build.rs.
const REDOC_JS_GZ: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/redoc.standalone.js.gz"));

pub async fn redoc_page() -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(
        r#"<!doctype html><html><head><meta charset="utf-8"><title>Neuromancer API — ReDoc</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>body{margin:0}</style></head>
<body><redoc spec-url="/api/v1/openapi.json"></redoc><script src="/api/v1/redoc/redoc.standalone.js"></script></body></html>"#,
    )
}

/// The ReDoc bundle as stored (gzip) to every client that accepts it, inflated for the rest.
pub async fn redoc_js(req: actix_web::HttpRequest) -> HttpResponse {
    let mut res = HttpResponse::Ok();
    res.content_type("application/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=86400"));
    crate::web::gzip_body(&req, res, REDOC_JS_GZ)
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/openapi.json", web::get().to(openapi_json))
        .service(swagger_ui())
        .route("/api/v1/docs", web::get().to(docs_redirect))
        .route("/api/v1/redoc", web::get().to(redoc_page))
        .route("/api/v1/redoc/redoc.standalone.js", web::get().to(redoc_js));
}

/// Path templates of every documented route, to answer 405 vs 404 and to accept a path with or
/// without its trailing slash.
pub struct RouteTable {
    routes: Vec<(Vec<String>, Vec<actix_web::http::Method>)>,
}

impl RouteTable {
    pub fn get() -> &'static RouteTable {
        &derived().routes
    }

    fn from_spec(spec: &utoipa::openapi::OpenApi) -> RouteTable {
        let routes = spec
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segs = path.split('/').map(str::to_string).collect();
                let methods = [
                    (item.get.is_some(), actix_web::http::Method::GET),
                    (item.post.is_some(), actix_web::http::Method::POST),
                    (item.put.is_some(), actix_web::http::Method::PUT),
                    (item.patch.is_some(), actix_web::http::Method::PATCH),
                    (item.delete.is_some(), actix_web::http::Method::DELETE),
                ]
                .into_iter()
                .filter_map(|(has, m)| has.then_some(m))
                .collect();
                (segs, methods)
            })
            .collect();
        RouteTable { routes }
    }

    /// Whether a path matches a template, segment by segment, without allocating (this runs on
    /// every API request).
    fn matches(template: &[String], path: &str, segments: usize) -> bool {
        template.len() == segments
            && template
                .iter()
                .zip(path.split('/'))
                .all(|(t, p)| (t.starts_with('{') && !p.is_empty()) || t == p)
    }

    fn matching<'a>(
        &'a self,
        path: &'a str,
    ) -> impl Iterator<Item = &'a [actix_web::http::Method]> {
        let segments = path.bytes().filter(|b| *b == b'/').count() + 1;
        self.routes
            .iter()
            .filter(move |(t, _)| Self::matches(t, path, segments))
            .map(|(_, m)| m.as_slice())
    }

    /// Methods served at this path (empty: no such route). Only the most specific templates
    /// count: `/notifications/read-all` is that route, not `/notifications/{id}`.
    pub fn allowed(&self, path: &str) -> Vec<actix_web::http::Method> {
        let segments = path.bytes().filter(|b| *b == b'/').count() + 1;
        let matching: Vec<_> = self
            .routes
            .iter()
            .filter(|(t, _)| Self::matches(t, path, segments))
            .map(|(t, m)| (t.iter().filter(|s| !s.starts_with('{')).count(), m))
            .collect();
        let best = matching.iter().map(|(literals, _)| *literals).max();
        let mut methods: Vec<actix_web::http::Method> = Vec::new();
        for (_, m) in matching.iter().filter(|(l, _)| Some(*l) == best) {
            for method in m.iter() {
                if !methods.contains(method) {
                    methods.push(method.clone());
                }
            }
        }
        methods
    }

    /// The same path with its trailing slash added or removed, when only that form is a route.
    pub fn canonical(&self, path: &str) -> Option<String> {
        if !path.starts_with("/api/v1/") || self.matching(path).next().is_some() {
            return None;
        }
        let other = match path.strip_suffix('/') {
            Some(p) => p.to_string(),
            None => format!("{path}/"),
        };
        let exists = self.matching(&other).next().is_some();
        exists.then_some(other)
    }
}
