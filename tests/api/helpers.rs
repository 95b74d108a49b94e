//! Test harness: servers on loopback, a small HTTP client, fixtures.
#![allow(dead_code)]
use neuromancer::app::build_app;
use neuromancer::config::Config;
use neuromancer::state::AppState;
use serde_json::{Value, json};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Serve an actix app factory on a free loopback port from its own thread and runtime.
/// Returns (address, handle to stop it, thread). A macro because the factory's type is unnameable.
macro_rules! spawn_http {
    ($factory:expr) => {{
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let factory = $factory;
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = actix_web::HttpServer::new(factory)
                    .workers(1)
                    .disable_signals()
                    .listen(listener)
                    .unwrap()
                    .run();
                tx.send(server.handle()).unwrap();
                let _ = server.await;
            })
        });
        (addr, rx.recv().unwrap(), thread)
    }};
}

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "tangerine-orbit-42";

pub struct Resp {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }
    pub fn detail(&self) -> String {
        self.json()["detail"]
            .as_str()
            .unwrap_or_else(|| panic!("no detail in {:?}", self.text))
            .to_string()
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

/// A plain HTTP client against one base URL.
#[derive(Clone)]
pub struct Client {
    pub base: String,
    agent: ureq::Agent,
}

impl Client {
    pub fn new(base: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .new_agent();
        Client {
            base: base.trim_end_matches('/').to_string(),
            agent,
        }
    }

    pub fn raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Resp {
        let mut b = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{}", self.base, path));
        if let Some(t) = token {
            b = b.header("Authorization", format!("Bearer {t}"));
        }
        if let Some(ct) = content_type {
            b = b.header("Content-Type", ct);
        }
        let req = b.body(body).expect("request");
        let mut resp = self
            .agent
            .run(req)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp
            .body_mut()
            .with_config()
            .limit(50 * 1024 * 1024)
            .read_to_string()
            .unwrap_or_default();
        Resp {
            status,
            headers,
            text,
        }
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.raw("GET", path, token, None, Vec::new())
    }

    pub fn send(&self, method: &str, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.raw(
            method,
            path,
            token,
            Some("application/json"),
            body.to_string().into_bytes(),
        )
    }

    pub fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.send("POST", path, token, body)
    }

    pub fn put(&self, path: &str, token: Option<&str>, body: &Value) -> Resp {
        self.send("PUT", path, token, body)
    }

    /// Log in; panics unless 200. Returns the access token.
    pub fn login(&self, email: &str, password: &str) -> String {
        let r = self.post(
            "/api/v1/auth/login",
            None,
            &json!({ "email": email, "password": password }),
        );
        assert_eq!(r.status, 200, "login failed: {}", r.text);
        r.json()["access_token"]
            .as_str()
            .expect("token")
            .to_string()
    }

    pub fn admin_token(&self) -> String {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    }
}

impl TestServer {
    /// A new member account: its id and a fresh token.
    pub fn member(&self, email: &str) -> (String, String) {
        let u = neuromancer::users::admin::add_user(
            &self.state.db,
            email,
            "member",
            None,
            "member-pass-123",
        )
        .unwrap();
        (u.id, self.login(email, "member-pass-123"))
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn test_config(dir: &std::path::Path) -> Config {
    let mut cfg = Config::for_data_dir(dir.to_path_buf());
    cfg.workers = 0; // tests drain the queue themselves
    cfg.admin_email = Some(ADMIN_EMAIL.into());
    cfg.admin_password = Some(ADMIN_PASSWORD.into());
    cfg.sync_full = false;
    cfg
}

/// The real app, in-process, on a free loopback port (real HTTP, real SQLite in a temp dir).
pub struct TestServer {
    pub state: AppState,
    pub client: Client,
    pub dir: tempfile::TempDir,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    pub fn start() -> Self {
        Self::start_with(|_| {})
    }

    pub fn start_with(tweak: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = test_config(dir.path());
        tweak(&mut cfg);
        Self::start_in(dir, cfg)
    }

    pub fn start_in(dir: tempfile::TempDir, cfg: Config) -> Self {
        let state = neuromancer::app::state(cfg).expect("app state");
        // Start from an empty queue (first start queues `user.created` for the admin).
        neuromancer::jobs::run_until_idle(&state).expect("drain");
        let st = state.clone();
        let (addr, handle, thread) = spawn_http!(move || build_app(st.clone()));
        TestServer {
            state,
            client: Client::new(&format!("http://{addr}")),
            dir,
            handle,
            thread: Some(thread),
        }
    }

    /// Run every due background job now (deterministic).
    pub fn drain_jobs(&self) -> usize {
        neuromancer::jobs::run_until_idle(&self.state).expect("drain")
    }
}

impl std::ops::Deref for TestServer {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let h = self.handle.clone();
        std::thread::spawn(move || actix_web::rt::System::new().block_on(h.stop(false)));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The compiled `neuromancer` binary as a child process.
pub struct BinaryServer {
    pub child: Child,
    pub client: Client,
    pub port: u16,
    pub data: std::path::PathBuf,
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_neuromancer")
}

impl BinaryServer {
    pub fn spawn(data: &std::path::Path) -> Self {
        let port = free_port();
        let child = Command::new(bin())
            .args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--data"])
            .arg(data)
            .env("NEUROMANCER_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("NEUROMANCER_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("NEUROMANCER_WORKERS", "1")
            .env("NEUROMANCER_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn neuromancer");
        let mut s = BinaryServer {
            child,
            client: Client::new(&format!("http://127.0.0.1:{port}")),
            port,
            data: data.to_path_buf(),
        };
        s.wait_healthy();
        s
    }

    fn wait_healthy(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                let mut err = String::new();
                if let Some(mut e) = self.child.stderr.take() {
                    use std::io::Read;
                    let _ = e.read_to_string(&mut err);
                }
                panic!("server exited early ({status}): {err}");
            }
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok()
                && self.client.get("/api/v1/health", None).status == 200
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("server did not become healthy");
    }

    pub fn kill9(mut self) {
        let _ = Command::new("kill")
            .args(["-9", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }

    pub fn terminate(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.child.wait().expect("wait")
    }
}

impl Drop for BinaryServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tiny loopback HTTP server answering fixed routes (stands in for outside services).
pub struct FakeService {
    pub base: String,
    handle: actix_web::dev::ServerHandle,
}

impl FakeService {
    pub fn start(
        configure: impl Fn(&mut actix_web::web::ServiceConfig) + Send + Clone + 'static,
    ) -> Self {
        let (addr, handle, _thread) =
            spawn_http!(move || actix_web::App::new().configure(configure.clone()));
        FakeService {
            base: format!("http://{addr}"),
            handle,
        }
    }
}

impl Drop for FakeService {
    fn drop(&mut self) {
        let h = self.handle.clone();
        std::thread::spawn(move || actix_web::rt::System::new().block_on(h.stop(false)));
    }
}

/// The response head (lower-cased) of one raw HTTP/1.1 request: what arrives before any client
/// decoding.
pub fn raw_head(base: &str, request: &str) -> String {
    raw_exchange(base, request).0
}

/// One raw HTTP/1.1 exchange: the response head (lower-cased) and the bytes after it.
pub fn raw_exchange(base: &str, request: &str) -> (String, Vec<u8>) {
    use std::io::{Read, Write};
    let mut conn = std::net::TcpStream::connect(base.trim_start_matches("http://")).unwrap();
    conn.write_all(request.as_bytes()).unwrap();
    let mut all = Vec::new();
    conn.read_to_end(&mut all).unwrap();
    let end = all.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    (
        String::from_utf8_lossy(&all[..end]).to_lowercase(),
        all[end + 4..].to_vec(),
    )
}

impl BinaryServer {
    /// Like `spawn`, with extra environment variables (e.g. more workers, no global rate limit).
    pub fn spawn_with(data: &std::path::Path, env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let mut cmd = Command::new(bin());
        cmd.args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--data"])
            .arg(data)
            .env("NEUROMANCER_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("NEUROMANCER_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("NEUROMANCER_WORKERS", "1")
            .env("NEUROMANCER_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut s = BinaryServer {
            child: cmd.spawn().expect("spawn neuromancer"),
            client: Client::new(&format!("http://127.0.0.1:{port}")),
            port,
            data: data.to_path_buf(),
        };
        s.wait_healthy();
        s
    }
}
