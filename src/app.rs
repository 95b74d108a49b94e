//! The composition root: the registry (job kinds, event subscribers, agent tools, resources),
//! the app factory (the one place the API is mounted), and `serve`. The only module that sees
//! every layer.
use crate::config::Config;
use crate::docs::RouteTable;
use crate::error::{ApiError, ErrorBody};
use crate::state::{AppState, Registry, create_private_dir};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{Next, from_fn};
use actix_web::{App, Error, HttpMessage, HttpResponse, web};
use anyhow::Context;
use utoipa_actix_web::AppExt;

/// THE lists: job kinds, event subscribers, agent tools and shareable resources. Adding an area
/// with jobs, subscribers or tools adds its lines here.
pub fn registry() -> Registry {
    use crate::jobs::{Class, Kind};
    use std::time::Duration;
    let hourly = Some(Duration::from_secs(3600));
    let job = |name, run| Kind {
        name,
        run,
        every: None,
        class: Class::Quick,
    };
    // Imports, crawls and asset generation: they may not hold every worker (see `jobs::Class`).
    let long = |name, run| Kind {
        class: Class::Long,
        ..job(name, run)
    };
    Registry {
        jobs: vec![
            job(crate::events::FANOUT_KIND, crate::events::fanout_job),
            Kind {
                every: hourly,
                ..job(
                    crate::jobs::maintenance::KIND,
                    crate::jobs::maintenance::run,
                )
            },
            job(
                crate::domain::webhooks::deliver::KIND,
                crate::domain::webhooks::jobs::run,
            ),
            job(
                crate::domain::automations::jobs::KIND,
                crate::domain::automations::jobs::run_job,
            ),
            Kind {
                every: hourly,
                ..job(
                    crate::domain::tasks::jobs::KIND,
                    crate::domain::tasks::jobs::run,
                )
            },
            long(
                crate::domain::knowledge::ingest::KIND,
                crate::domain::knowledge::ingest::run,
            ),
            long(
                crate::domain::knowledge::reembed::KIND,
                crate::domain::knowledge::reembed::run,
            ),
            long(
                crate::domain::knowledge::platforms::KIND,
                crate::domain::knowledge::platforms::run,
            ),
            job(
                crate::domain::publishing::jobs::DISPATCH_KIND,
                crate::domain::publishing::jobs::dispatch,
            ),
            job(
                crate::domain::publishing::jobs::RESOLVE_KIND,
                crate::domain::publishing::jobs::resolve,
            ),
            long(
                crate::domain::multimodal::execute::KIND,
                crate::domain::multimodal::execute::run_job,
            ),
            long(
                crate::domain::multimodal::execute::ONE_KIND,
                crate::domain::multimodal::execute::one_job,
            ),
        ],
        subscribers: vec![
            crate::domain::webhooks::deliver::subscriber,
            crate::domain::automations::jobs::subscriber,
            crate::domain::notifications::subscriber,
            crate::domain::publishing::subscriber,
            crate::domain::approvals::subscriber,
        ],
        tools: [
            crate::domain::tasks::tools::tools(),
            crate::domain::knowledge::tools::tools(),
            crate::domain::learnings::tools::tools(),
            crate::domain::content::tools::tools(),
        ]
        .into_iter()
        .flatten()
        .collect(),
        resources: crate::access::Resources::new(vec![
            crate::domain::knowledge::SOURCE,
            crate::domain::knowledge::COLLECTION,
            crate::domain::tasks::RESOURCE,
            crate::domain::chat::CONVERSATION,
            crate::domain::learnings::RESOURCE,
            crate::domain::skills::RESOURCE,
            crate::domain::personas::RESOURCE,
            crate::domain::content::RESOURCE,
            crate::domain::planner::RESOURCE,
            crate::domain::publishing::RESOURCE,
        ]),
    }
}

/// The application state with this build's registry, and the first admin created if needed.
pub fn state(cfg: Config) -> anyhow::Result<AppState> {
    let state = AppState::new(cfg, registry())?;
    crate::users::admin::ensure_first_admin(
        &state.db,
        state.cfg.admin_email.as_deref(),
        state.cfg.admin_password.as_deref(),
    )?;
    // Secrets a database from before they were sealed holds in plain text are sealed now.
    let secrets = state.secrets.clone();
    state.db.write_blocking(|tx| -> anyhow::Result<()> {
        crate::domain::webhooks::sealing::seal_plain(tx, &secrets)?;
        crate::domain::automations::secret::seal_plain(tx, &secrets)?;
        Ok(())
    })?;
    Ok(state)
}

/// The whole application: docs, the /api/v1 scope behind authentication, the SPA fallback.
pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let json_limit = state.cfg.json_limit;
    let bench = state.cfg.bench_routes;
    let app = App::new()
        .into_utoipa_app()
        .app_data(web::Data::new(state))
        .app_data(
            web::JsonConfig::default()
                .limit(json_limit)
                .error_handler(|e, _| crate::error::json_error(e).into()),
        )
        .app_data(web::PayloadConfig::default().limit(json_limit))
        .app_data(
            web::QueryConfig::default().error_handler(|e, _| crate::error::query_error(e).into()),
        )
        .app_data(
            web::PathConfig::default().error_handler(|e, _| crate::error::path_error(e).into()),
        )
        .map(|app| app.configure(crate::docs::configure))
        .service(
            utoipa_actix_web::scope("/api/v1")
                .wrap(from_fn(crate::api::json_numbers::whole_numbers))
                .wrap(from_fn(require_auth))
                .configure(crate::api::configure)
                .default_service(web::to(api_fallback)),
        )
        .into_app();
    let app = if bench {
        app.route("/__bench/hello", web::get().to(|| async { "hello" }))
            .route("/__bench/file", web::get().to(bench_file))
    } else {
        app
    };
    app.default_service(web::to(crate::web::spa))
        .wrap(from_fn(edge))
}

/// `DATA/bench-file.bin` served by actix-files: the baseline the asset-serving bench compares
/// the blob-streaming routes against (mounted with --bench-routes only).
async fn bench_file(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
) -> actix_web::Result<HttpResponse> {
    let f = actix_files::NamedFile::open(state.cfg.data_dir.join("bench-file.bin"))?;
    Ok(f.into_response(&req))
}

/// Outermost layer: request id, global limiter, HEAD as GET, trailing-slash tolerance, JSON
/// error bodies.
async fn edge(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let id = crate::telemetry::RequestId::next();
    let method = req.method().to_string();
    let path = req.path().to_string();
    let is_api = path.starts_with("/api/");
    // HEAD is GET without the body (RFC 9110 §9.3.2): route it as GET; the HTTP/1 codec, which
    // saw the original method, sends the headers only.
    if req.method() == actix_web::http::Method::HEAD {
        req.head_mut().method = actix_web::http::Method::GET;
        req.extensions_mut().insert(WasHead);
    }
    if is_api {
        if let Some(state) = req.app_data::<web::Data<AppState>>() {
            let ip = crate::auth::client_ip(req.request(), state.cfg.trust_proxy);
            if let Err(err) = state.limiters.global.check(&ip) {
                let mut res = req.into_response(actix_web::ResponseError::error_response(&err));
                crate::telemetry::finish_response(id, &method, &path, &mut res);
                return Ok(res);
            }
        }
        if let Some(canonical) = RouteTable::get().canonical(&path) {
            rewrite_path(&mut req, &canonical);
        }
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    if path.starts_with("/api/v1/docs") {
        res = crate::web::inflate_for(res).await;
    }
    if is_api && res.status().as_u16() >= 400 && !is_json(&res) {
        res = json_error_body(res);
    }
    crate::telemetry::finish_response(id, &method, &path, &mut res);
    Ok(res)
}

fn rewrite_path(req: &mut ServiceRequest, new_path: &str) {
    let pq = match req.uri().query() {
        Some(q) => format!("{new_path}?{q}"),
        None => new_path.to_string(),
    };
    let mut parts = req.head().uri.clone().into_parts();
    if let Ok(pq) = pq.parse() {
        parts.path_and_query = Some(pq);
        if let Ok(uri) = actix_web::http::Uri::from_parts(parts) {
            req.match_info_mut().get_mut().update(&uri);
            req.head_mut().uri = uri;
        }
    }
}

fn is_json<B>(res: &ServiceResponse<B>) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// Replace a non-JSON error body (from actix internals) with `{"detail": ...}`, keeping headers.
fn json_error_body(res: ServiceResponse<BoxBody>) -> ServiceResponse<BoxBody> {
    let status = res.status();
    let (req, old) = res.into_parts();
    let mut builder = HttpResponse::build(status);
    for (k, v) in old.headers() {
        if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
            builder.append_header((k.clone(), v.clone()));
        }
    }
    let detail = old
        .error()
        .map(|e| e.to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_lowercase());
    ServiceResponse::new(req, builder.json(ErrorBody { detail })).map_into_boxed_body()
}

/// Authentication happens before routing: outside the public allow-list every path — unknown
/// ones included — needs a valid token, so routes cannot be enumerated anonymously.
async fn require_auth(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let api_path = req.path().strip_prefix("/api/v1").unwrap_or("");
    if !crate::auth::is_public(api_path) {
        let state = req
            .app_data::<web::Data<AppState>>()
            .cloned()
            .expect("AppState is registered");
        match crate::auth::authenticate(&state, &req).await {
            Ok(user) => crate::auth::attach(&req, user),
            Err(err) => return Ok(req.error_response(err).map_into_boxed_body()),
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// Marks a HEAD request routed as GET (so a 405 names the method the client used).
#[derive(Clone, Copy)]
struct WasHead;

/// Unmatched /api/v1 paths: 405 with Allow when the path exists under another method, else 404.
async fn api_fallback(req: actix_web::HttpRequest) -> HttpResponse {
    let allowed = RouteTable::get().allowed(req.path());
    if allowed.is_empty() {
        return actix_web::ResponseError::error_response(&ApiError::NotFound("route"));
    }
    let allow = allowed
        .iter()
        .map(|m| m.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    HttpResponse::MethodNotAllowed()
        .insert_header((
            header::ALLOW,
            HeaderValue::from_str(&allow).unwrap_or(HeaderValue::from_static("GET")),
        ))
        .json(ErrorBody {
            detail: format!(
                "method {} not allowed; use {allow}",
                if req.extensions().contains::<WasHead>() {
                    "HEAD"
                } else {
                    req.method().as_str()
                }
            ),
        })
}

/// Hold an exclusive lock on DATA/neuromancer.lock for the life of the process.
fn lock_data_dir(cfg: &Config) -> anyhow::Result<std::fs::File> {
    let path = cfg.data_dir.join("neuromancer.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "another neuromancer server is already using {} (lock {} is held)",
            cfg.data_dir.display(),
            path.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => Err(e).context("locking the data dir"),
    }
}

/// Run the server until SIGINT/SIGTERM, then drain HTTP and stop the workers.
pub fn serve(cfg: Config) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    create_private_dir(&cfg.data_dir)?;
    let _lock = lock_data_dir(&cfg)?;
    let state = state(cfg.clone())?;
    crate::jobs::recover(&state)?;
    crate::domain::publishing::jobs::recover(&state)?;
    // The vector index loads in the background: the first search after a start never waits.
    state.ann.warm();
    let pool = crate::jobs::start_workers(&state, cfg.workers)?;
    let http_workers = if cfg.http_workers == 0 {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    } else {
        cfg.http_workers
    };
    let server_state = state.clone();
    let result = actix_web::rt::System::new().block_on(async move {
        let server = actix_web::HttpServer::new(move || {
            let app = build_app(server_state.clone());
            // Building the app collects a throwaway OpenAPI document per worker; hand the
            // freed pages back to the OS so idle RSS stays small.
            crate::telemetry::trim_heap();
            app
        })
        .workers(http_workers)
        .shutdown_timeout(10)
        .bind(cfg.bind)
        .with_context(|| format!("binding {}", cfg.bind))?;
        tracing::info!(
            addr = %format!("http://{}", cfg.bind),
            data = %cfg.data_dir.display(),
            ready_ms = started.elapsed().as_millis() as u64,
            "neuromancer listening"
        );
        server.run().await.context("HTTP server")
    });
    tracing::info!("stopping background workers");
    pool.shutdown();
    result
}
