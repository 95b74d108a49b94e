//! Config: defaults < environment (NEUROMANCER_*) < flags, resolved by clap, validated once, passed down.
use std::net::SocketAddr;
use std::path::PathBuf;

/// Everything the server needs to start. No globals: built once in `cli` and handed to `app`.
#[derive(Clone, Debug)]
pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    /// Background worker threads for durable jobs (0: jobs run only when drained, as tests do).
    pub workers: usize,
    /// HTTP worker threads (actix); 0 means one per core.
    pub http_workers: usize,
    pub jwt_ttl_secs: i64,
    /// Login attempts per minute per client IP.
    pub login_per_minute: u32,
    /// Requests per minute per client IP for everything else (0 disables).
    pub global_per_minute: u32,
    /// Maximum JSON body, bytes.
    pub json_limit: usize,
    /// Maximum upload (multipart) body, bytes.
    pub upload_limit: usize,
    pub admin_email: Option<String>,
    pub admin_password: Option<String>,
    /// Base64 32-byte key for secrets at rest; when unset a 0600 key file in the data dir is used.
    pub secret_key: Option<String>,
    /// Trust X-Forwarded-For / Forwarded for the client IP (only behind your own reverse proxy).
    pub trust_proxy: bool,
    pub sync_full: bool,
    /// Mount a bare hello-world route at /__bench/hello (benchmarks compare against it).
    pub bench_routes: bool,
}

impl Config {
    /// Defaults used by tests and embedding code; the CLI overrides them.
    pub fn for_data_dir(data_dir: PathBuf) -> Self {
        Config {
            bind: "127.0.0.1:8080".parse().expect("static address"),
            data_dir,
            workers: 4,
            http_workers: 0,
            jwt_ttl_secs: 12 * 3600,
            login_per_minute: 5,
            global_per_minute: 1200,
            json_limit: 1024 * 1024,
            upload_limit: 25 * 1024 * 1024,
            admin_email: None,
            admin_password: None,
            secret_key: None,
            trust_proxy: false,
            sync_full: true,
            bench_routes: false,
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.join("neuromancer.db")
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.jwt_ttl_secs >= 60,
            "token lifetime must be at least 60 seconds"
        );
        anyhow::ensure!(
            self.json_limit >= 1024,
            "JSON body limit must be at least 1 KiB"
        );
        anyhow::ensure!(
            self.upload_limit >= self.json_limit,
            "upload limit must be at least the JSON limit"
        );
        Ok(())
    }
}

/// The platform data directory, e.g. `~/.local/share/neuromancer`.
pub fn default_data_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("neuromancer")
}
