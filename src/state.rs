//! AppState: what every handler and worker shares — the pool, configuration, keys, caches,
//! channels, and the registry of job kinds, event subscribers, agent tools and shareable
//! resources that the composition root (`app.rs`) hands in. Imports nothing from `api/` or
//! `domain/`: lower layers receive their lists from above.
use crate::auth::jwt::JwtKeys;
use crate::auth::rate_limit::Limiters;
use crate::config::Config;
use crate::crypto::SecretBox;
use crate::db::Db;
use anyhow::Context;
use std::sync::Arc;

/// The lists the platform dispatches over, assembled once in `app.rs`.
#[derive(Default)]
pub struct Registry {
    /// Durable job kinds (`jobs::dispatch` runs a claimed job through its kind).
    pub jobs: Vec<crate::jobs::Kind>,
    /// Who hears each committed domain event (`events::fanout_job`).
    pub subscribers: Vec<crate::events::Subscriber>,
    /// The chat agent's tools, from the areas that offer them.
    pub tools: Vec<crate::ai::tools::Tool>,
    /// Shareable / associable resource kinds and where their rows live.
    pub resources: crate::access::Resources,
}

/// A model loaded from a directory, type-erased.
pub type LoadedModel = (std::path::PathBuf, Arc<dyn std::any::Any + Send + Sync>);

/// Shared by every handler and worker; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub cfg: Arc<Config>,
    pub db: Db,
    pub jwt: Arc<JwtKeys>,
    pub secrets: SecretBox,
    pub limiters: Arc<Limiters>,
    /// Failed sign-ins per (email, IP) and per email (see `auth::lockout`).
    pub lockout: Arc<crate::auth::lockout::Lockout>,
    /// Model replies running at once, per user and in all (see `ai::slots`).
    pub generation: crate::ai::slots::GenerationSlots,
    /// Long-lived event streams open at once, per user and in all.
    pub streams: crate::ai::slots::GenerationSlots,
    /// Providers' model lists, kept a minute: listing calls every configured provider.
    pub model_lists: Arc<crate::cache::TtlMap<Result<Vec<String>, String>>>,
    /// Dedicated argon2 threads (19 MiB per hash): a login storm cannot exhaust memory.
    pub hasher: Arc<crate::auth::password::HashPool>,
    /// Users behind recent bearer tokens; call `sessions.forget(id)` after changing a user.
    pub sessions: Arc<crate::auth::sessions::SessionCache>,
    /// The job workers' doorbell (the same one `Db::write` rings after queuing a job).
    pub jobs: crate::jobs::Signal,
    /// Committed domain events, live (SSE screens, tests).
    pub bus: crate::events::Bus,
    /// Per-user live pushes (notifications) for the SSE stream.
    pub feed: crate::events::Feed,
    /// Rung when a watched durable run moves (plan executions' SSE observers wait on it).
    pub progress: crate::events::Progress,
    /// Single-use tickets that open a user's SSE stream without a token in the URL.
    pub tickets: Arc<crate::auth::tickets::Tickets>,
    pub jwks: crate::auth::jwks::JwksCache,
    /// The outbound HTTP agents (see `net`).
    pub http: crate::net::Http,
    /// Serialized responses keyed by (query, version): project boards.
    pub bodies: Arc<crate::cache::VersionedBodies>,
    /// The in-memory sign-bit index of this database's vectors (knowledge search).
    pub ann: Arc<crate::db::ann::Ann>,
    /// Vector sizes of remote embedding models, learned once per "provider|endpoint|model".
    pub embed_dims: Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>,
    /// The local embedding model once loaded, with the directory it came from (its type is
    /// the knowledge area's; held type-erased so the state names nothing above the platform).
    pub local_model: Arc<std::sync::Mutex<Option<LoadedModel>>>,
    pub registry: Arc<Registry>,
}

/// Create the data dir (0700) and open the database with migrations applied.
pub fn open_store(cfg: &Config) -> anyhow::Result<Db> {
    create_private_dir(&cfg.data_dir)?;
    let checkpoints = if cfg.litestream {
        tracing::info!("checkpoints are left to Litestream (wal_autocheckpoint = 0)");
        crate::db::wal::Checkpoints::Litestream
    } else {
        crate::db::wal::Checkpoints::App
    };
    Db::open_with(&cfg.db_path(), cfg.sync_full, checkpoints)
}

pub fn create_private_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    if !dir.exists() {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        b.create(dir)
            .with_context(|| format!("creating data dir {}", dir.display()))?;
    }
    Ok(())
}

impl AppState {
    /// Open the store and keys. The first admin is created by the caller (`app::state`).
    pub fn new(cfg: Config, registry: Registry) -> anyhow::Result<Self> {
        let db = open_store(&cfg)?;
        let key = crate::crypto::load_or_create_key(
            cfg.secret_key.as_deref(),
            &cfg.data_dir.join("secret.key"),
        )?;
        let jwt_secret = crate::auth::jwt::load_or_create_secret(&cfg.data_dir)?;
        let permits = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            .max(2);
        Ok(AppState {
            jwt: Arc::new(JwtKeys::new(&jwt_secret, cfg.jwt_ttl_secs)),
            secrets: SecretBox::from_key(&key),
            limiters: Arc::new(Limiters::new(&cfg)),
            lockout: Default::default(),
            generation: Default::default(),
            streams: crate::ai::slots::GenerationSlots::streams(),
            model_lists: Default::default(),
            hasher: Arc::new(crate::auth::password::HashPool::new(permits, 256)),
            sessions: Default::default(),
            jobs: db.bell().clone(),
            bus: Default::default(),
            feed: Default::default(),
            progress: Default::default(),
            tickets: Default::default(),
            jwks: Default::default(),
            http: Default::default(),
            bodies: Default::default(),
            ann: Arc::new(crate::db::ann::Ann::new(db.clone())),
            embed_dims: Default::default(),
            local_model: Default::default(),
            registry: Arc::new(registry),
            cfg: Arc::new(cfg),
            db,
        })
    }
}
