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
    /// Requests per minute per IP to public pages (approval links, OAuth callbacks); 0: off.
    pub public_per_minute: u32,
    /// Maximum JSON body, bytes.
    pub json_limit: usize,
    /// Maximum upload (multipart) body, bytes.
    pub upload_limit: usize,
    pub admin_email: Option<String>,
    pub admin_password: Option<String>,
    /// Base64 32-byte key for secrets at rest; when unset a 0600 key file in the data dir is used.
    pub secret_key: Option<String>,
    /// Which X-Forwarded-For hops to believe for the client IP (only behind your own reverse proxies).
    pub trust_proxy: crate::auth::proxy::TrustProxy,
    pub sync_full: bool,
    /// Litestream replicates the database file and owns its checkpoints (the app never runs one).
    pub litestream: bool,
    /// Mount a bare hello-world route at /__bench/hello (benchmarks compare against it).
    pub bench_routes: bool,
    /// Delay before each webhook delivery attempt (the first is normally 0: immediately).
    pub webhook_retry_schedule: Vec<std::time::Duration>,
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
            public_per_minute: 120,
            json_limit: 1024 * 1024,
            upload_limit: 25 * 1024 * 1024,
            admin_email: None,
            admin_password: None,
            secret_key: None,
            trust_proxy: crate::auth::proxy::TrustProxy::Off,
            sync_full: true,
            litestream: false,
            bench_routes: false,
            webhook_retry_schedule: default_retry_schedule(),
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
        anyhow::ensure!(
            !self.webhook_retry_schedule.is_empty(),
            "the webhook retry schedule needs at least one attempt"
        );
        Ok(())
    }
}

/// Standard Webhooks schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h.
pub fn default_retry_schedule() -> Vec<std::time::Duration> {
    [0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]
        .into_iter()
        .map(std::time::Duration::from_secs)
        .collect()
}

/// Parse `NEUROMANCER_WEBHOOK_RETRY_SCHEDULE`: comma-separated seconds (decimals allowed).
pub fn parse_retry_schedule(s: &str) -> anyhow::Result<Vec<std::time::Duration>> {
    s.split(',')
        .map(|p| {
            let secs: f64 = p
                .trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("retry schedule: {p:?} is not a number of seconds"))?;
            anyhow::ensure!(
                secs.is_finite() && secs >= 0.0,
                "retry schedule: {p:?} must be zero or more seconds"
            );
            Ok(std::time::Duration::from_secs_f64(secs))
        })
        .collect()
}

/// The platform data directory, e.g. `~/.local/share/neuromancer`.
pub fn default_data_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("neuromancer")
}
