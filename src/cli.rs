//! Command line: serve | user add/reset-password | backup | models | openapi | healthcheck.
use crate::config::{Config, default_data_dir};
use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "neuromancer",
    version,
    about = "Self-hosted AI content studio: one binary, one SQLite file"
)]
pub struct Cli {
    /// Log filter (tracing EnvFilter syntax); RUST_LOG wins when set.
    #[arg(long, global = true, env = "NEUROMANCER_LOG", default_value = "info")]
    pub log: String,
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    pub fn log_filter(&self) -> &str {
        &self.log
    }
}

#[derive(Args, Debug, Clone)]
pub struct DataArg {
    /// Data directory holding neuromancer.db and the key files.
    #[arg(long = "data", env = "NEUROMANCER_DATA_DIR")]
    pub data: Option<PathBuf>,
    /// Litestream replicates the database: leave every checkpoint to it (README: Backup and restore).
    #[arg(
        long,
        env = "NEUROMANCER_LITESTREAM",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub litestream: bool,
}

impl DataArg {
    fn dir(&self) -> PathBuf {
        self.data.clone().unwrap_or_else(default_data_dir)
    }

    fn config(&self) -> Config {
        let mut cfg = Config::for_data_dir(self.dir());
        cfg.litestream = self.litestream;
        cfg
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the HTTP server (API + embedded web app) and the background workers.
    Serve(ServeArgs),
    /// Manage users from the command line (passwords are read from stdin).
    #[command(subcommand)]
    User(UserCommand),
    /// Write a consistent copy of the database to FILE (safe while the server runs).
    Backup {
        file: PathBuf,
        #[command(flatten)]
        data: DataArg,
    },
    /// Install local models (e.g. `models pull minilm --from DIR|URL|ARCHIVE`).
    #[command(subcommand)]
    Models(ModelsCommand),
    /// Print the OpenAPI document (JSON).
    Openapi,
    /// Exit 0 when the server at ADDR answers /api/v1/health with status ok; prints the answer
    /// (with the WAL's size, who checkpoints it and the last checkpoint seen).
    Healthcheck {
        #[arg(long, env = "NEUROMANCER_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
    },
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "NEUROMANCER_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    #[command(flatten)]
    pub data: DataArg,
    /// Background job worker threads.
    #[arg(long, env = "NEUROMANCER_WORKERS", default_value_t = 4)]
    pub workers: usize,
    /// HTTP worker threads (0 = one per CPU core).
    #[arg(long, env = "NEUROMANCER_HTTP_WORKERS", default_value_t = 0)]
    pub http_workers: usize,
    /// Access token lifetime in seconds.
    #[arg(long, env = "NEUROMANCER_TOKEN_TTL", default_value_t = 12 * 3600)]
    pub token_ttl: i64,
    /// Login attempts per minute per client IP.
    #[arg(long, env = "NEUROMANCER_LOGIN_RATE", default_value_t = 5)]
    pub login_rate: u32,
    /// Requests per minute per client IP on other routes (0 disables the global limiter).
    #[arg(long, env = "NEUROMANCER_RATE_LIMIT", default_value_t = 1200)]
    pub rate_limit: u32,
    /// Requests per minute per client IP to public pages: approval links, OAuth callbacks (0: off).
    #[arg(long, env = "NEUROMANCER_PUBLIC_RATE", default_value_t = 120)]
    pub public_rate: u32,
    /// Largest JSON request body in bytes.
    #[arg(long, env = "NEUROMANCER_JSON_LIMIT", default_value_t = 1024 * 1024)]
    pub json_limit: usize,
    /// Largest upload in bytes.
    #[arg(long, env = "NEUROMANCER_UPLOAD_LIMIT", default_value_t = 25 * 1024 * 1024)]
    pub upload_limit: usize,
    /// First admin's email (used only while no user exists).
    #[arg(long, env = "NEUROMANCER_ADMIN_EMAIL")]
    pub admin_email: Option<String>,
    /// First admin's password (used only while no user exists).
    #[arg(long, env = "NEUROMANCER_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
    /// Base64 of a 32-byte key for secrets at rest (default: DATA/secret.key, created 0600).
    #[arg(long, env = "NEUROMANCER_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
    /// Take the client IP from X-Forwarded-For, only behind your own reverse proxies: the number
    /// of proxies in front of the server (`--trust-proxy` alone: 1), or their addresses as a
    /// comma-separated CIDR list. The right-most hop that is not a proxy is the client.
    #[arg(long, env = "NEUROMANCER_TRUST_PROXY", default_value = "off", num_args = 0..=1,
          default_missing_value = "1", value_parser = crate::auth::proxy::TrustProxy::parse)]
    pub trust_proxy: crate::auth::proxy::TrustProxy,
    /// SQLite synchronous mode: full (fsync every commit; survives power loss) or normal.
    /// Default: full, or normal with --litestream (Litestream's advice, and a far narrower window
    /// for the crash-during-commit replica damage described in README: Backup and restore).
    #[arg(long, env = "NEUROMANCER_DB_SYNC", value_parser = ["full", "normal"])]
    pub db_sync: Option<String>,
    /// Mount /__bench/hello and /__bench/file, bare routes benchmarks compare against.
    #[arg(
        long,
        env = "NEUROMANCER_BENCH_ROUTES",
        default_value_t = false,
        hide = true
    )]
    pub bench_routes: bool,
    /// Webhook delivery schedule: comma-separated seconds before each attempt (default: the
    /// Standard Webhooks schedule 0,5,300,1800,7200,18000,36000,50400,72000,86400).
    #[arg(long, env = "NEUROMANCER_WEBHOOK_RETRY_SCHEDULE")]
    pub webhook_retry_schedule: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user; the password is read from stdin.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = ["admin", "member"], default_value = "member")]
        role: String,
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        data: DataArg,
    },
    /// Set a new password (read from stdin); the user's existing sessions end.
    ResetPassword {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        data: DataArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum ModelsCommand {
    /// Download and verify (sha256) a model into DATA/models/.
    Pull {
        /// Model name: minilm (all-MiniLM-L6-v2, the local embedder), or a local LLM for the
        /// local-llm provider: smollm2-135m, qwen2.5-0.5b, qwen2.5-1.5b.
        model: String,
        /// A URL, a local file or folder, or a .zip/.whl archive holding the file(s).
        #[arg(long)]
        from: Option<String>,
        #[command(flatten)]
        data: DataArg,
    },
    /// Show the models the app knows: present or not, size on disk, which one local-llm runs.
    List {
        #[command(flatten)]
        data: DataArg,
    },
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => crate::app::serve(serve_config(args)?),
        Command::User(UserCommand::Add {
            email,
            role,
            name,
            data,
        }) => {
            let password = read_password()?;
            let store = crate::state::open_store(&data.config())?;
            let user =
                crate::users::admin::add_user(&store, &email, &role, name.as_deref(), &password)?;
            println!("created {} ({}) id={}", user.email, user.role, user.id);
            Ok(())
        }
        Command::User(UserCommand::ResetPassword { email, data }) => {
            let password = read_password()?;
            let store = crate::state::open_store(&data.config())?;
            crate::users::admin::reset_password(&store, &email, &password)?;
            println!("password reset for {email}; existing sessions were ended");
            Ok(())
        }
        Command::Backup { file, data } => {
            let cfg = Config::for_data_dir(data.dir());
            let pages = crate::db::backup_to(&cfg.db_path(), &file)?;
            println!("backup written to {} ({pages} pages)", file.display());
            println!(
                "keep {} with it: secrets stored in the database are encrypted with that key",
                cfg.data_dir.join("secret.key").display()
            );
            Ok(())
        }
        Command::Models(ModelsCommand::Pull { model, from, data }) => {
            let dir = pull_model(&data.dir(), &model, from.as_deref())?;
            println!("installed {model} in {} (sha256 verified)", dir.display());
            Ok(())
        }
        Command::Models(ModelsCommand::List { data }) => list_models(&data.config()),
        Command::Openapi => {
            println!("{}", crate::docs::openapi_json_pretty());
            Ok(())
        }
        Command::Healthcheck { bind } => healthcheck(&bind),
    }
}

#[cfg(feature = "minilm")]
fn pull_model(
    data_dir: &std::path::Path,
    model: &str,
    from: Option<&str>,
) -> anyhow::Result<PathBuf> {
    let mut shown = 0;
    crate::domain::models::pull::pull(data_dir, model, from, &mut |done, total| {
        let pct = (done * 100).checked_div(total).unwrap_or(0);
        if pct >= shown + 5 || (done == total && pct > shown) {
            shown = pct;
            eprintln!("{model}: {pct}% ({} of {} MB)", done >> 20, total >> 20);
        }
    })
}

#[cfg(not(feature = "minilm"))]
fn pull_model(
    data_dir: &std::path::Path,
    model: &str,
    from: Option<&str>,
) -> anyhow::Result<PathBuf> {
    crate::domain::knowledge::models::pull(data_dir, model, from)
}

#[cfg(feature = "minilm")]
fn list_models(cfg: &Config) -> anyhow::Result<()> {
    let chosen = if cfg.db_path().is_file() {
        let store = crate::state::open_store(cfg)?;
        // The model name is a plain (unsealed) setting: no key needed to read it.
        store
            .read_blocking(|c| crate::settings::store::get_raw(c, "local_llm_model"))?
            .and_then(|s| serde_json::from_str::<String>(&s.value).ok())
    } else {
        None
    };
    let list = crate::domain::models::list_in(&cfg.data_dir, chosen.as_deref(), String::new());
    println!(
        "{:<14} {:<9} {:>9}  {:<7} FILE",
        "NAME", "KIND", "SIZE", "STATE"
    );
    for m in list.items {
        let state = match (m.present, m.active) {
            (true, true) => "active",
            (true, false) => "present",
            _ => "-",
        };
        let size = if m.present {
            format!("{:.1} MB", m.size as f64 / 1e6)
        } else {
            "-".into()
        };
        println!(
            "{:<14} {:<9} {:>9}  {:<7} {}",
            m.name, m.kind, size, state, m.file
        );
    }
    println!("models dir: {}", cfg.data_dir.join("models").display());
    Ok(())
}

#[cfg(not(feature = "minilm"))]
fn list_models(cfg: &Config) -> anyhow::Result<()> {
    let present = crate::domain::knowledge::models::minilm_installed(&cfg.data_dir);
    println!("minilm: {}", if present { "present" } else { "-" });
    Ok(())
}

fn serve_config(a: ServeArgs) -> anyhow::Result<Config> {
    let mut cfg = a.data.config();
    cfg.bind = a.bind;
    cfg.workers = a.workers;
    cfg.http_workers = a.http_workers;
    cfg.jwt_ttl_secs = a.token_ttl;
    cfg.login_per_minute = a.login_rate;
    cfg.global_per_minute = a.rate_limit;
    cfg.public_per_minute = a.public_rate;
    cfg.json_limit = a.json_limit;
    cfg.upload_limit = a.upload_limit;
    cfg.admin_email = a.admin_email;
    cfg.admin_password = a.admin_password;
    cfg.secret_key = a.secret_key;
    cfg.trust_proxy = a.trust_proxy;
    cfg.sync_full = match a.db_sync.as_deref() {
        Some(mode) => mode == "full",
        None => !cfg.litestream,
    };
    cfg.bench_routes = a.bench_routes;
    if let Some(s) = &a.webhook_retry_schedule {
        cfg.webhook_retry_schedule = crate::config::parse_retry_schedule(s)?;
    }
    cfg.validate()?;
    Ok(cfg)
}

fn read_password() -> anyhow::Result<String> {
    let mut buf = String::new();
    std::io::stdin()
        .read_to_string(&mut buf)
        .context("reading the password from stdin")?;
    let password = buf.lines().next().unwrap_or("").to_string();
    anyhow::ensure!(
        !password.is_empty(),
        "no password on stdin (pipe it in: echo 'pw' | neuromancer user add ...)"
    );
    Ok(password)
}

fn healthcheck(bind: &str) -> anyhow::Result<()> {
    let url = format!("http://{bind}/api/v1/health");
    let body: serde_json::Value = crate::net::local_agent()
        .get(&url)
        .call()
        .with_context(|| format!("GET {url}"))?
        .body_mut()
        .read_json()
        .context("reading the health response")?;
    anyhow::ensure!(body["status"] == "ok", "unhealthy: {body}");
    println!("{body}");
    Ok(())
}
