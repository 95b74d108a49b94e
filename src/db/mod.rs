//! The one SQLite file: r2d2 pool (WAL, foreign keys, busy timeout, sqlite-vec), `Db::run` off the executor.
pub mod migrate;
pub mod vector;

use anyhow::Context;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::Connection;
use std::path::Path;
use std::time::Duration;

pub type Pool = r2d2::Pool<SqliteConnectionManager>;
pub type PooledConn = r2d2::PooledConnection<SqliteConnectionManager>;

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
}

impl Db {
    /// Open (creating if needed) the database file, apply migrations, and build the pool.
    pub fn open(path: &Path, sync_full: bool) -> anyhow::Result<Self> {
        vector::register();
        let sync = if sync_full { "FULL" } else { "NORMAL" };
        let manager = SqliteConnectionManager::file(path).with_init(move |c| configure(c, sync));
        let pool = r2d2::Pool::builder()
            .max_size(16)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .with_context(|| format!("opening {}", path.display()))?;
        let db = Db { pool };
        let mut conn = db.conn()?;
        migrate::apply(&mut conn).with_context(|| format!("migrating {}", path.display()))?;
        Ok(db)
    }

    pub fn conn(&self) -> anyhow::Result<PooledConn> {
        self.pool.get().context("acquiring a database connection")
    }

    /// Run `f` with a pooled connection on the blocking thread pool (never on the actix executor).
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, crate::error::ApiError>
    where
        F: FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Into<crate::error::ApiError> + Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || -> Result<T, crate::error::ApiError> {
            let mut conn = pool.get()?;
            f(&mut conn).map_err(Into::into)
        })
        .await?
    }
}

fn configure(c: &mut Connection, sync: &str) -> rusqlite::Result<()> {
    c.busy_timeout(Duration::from_secs(5))?;
    c.execute_batch(&format!(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = {sync};
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;"
    ))?;
    Ok(())
}

/// Copy the live database into `dest` with SQLite's online backup API (consistent while the server writes).
pub fn backup_to(src: &Path, dest: &Path) -> anyhow::Result<i32> {
    anyhow::ensure!(src.exists(), "no database at {}", src.display());
    anyhow::ensure!(
        !dest.exists(),
        "{} already exists; refusing to overwrite",
        dest.display()
    );
    vector::register();
    let conn = Connection::open_with_flags(src, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("opening {}", src.display()))?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let mut out = Connection::open(dest).with_context(|| format!("creating {}", dest.display()))?;
    let backup = rusqlite::backup::Backup::new(&conn, &mut out)?;
    backup
        .run_to_completion(256, Duration::from_millis(5), None)
        .context("copying pages")?;
    let pages = backup.progress().pagecount;
    drop(backup);
    // A standalone file: no WAL side files needed to restore it.
    out.execute_batch("PRAGMA journal_mode = DELETE;")?;
    let ok: String = out.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    anyhow::ensure!(ok == "ok", "backup failed its integrity check: {ok}");
    Ok(pages)
}
