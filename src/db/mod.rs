//! The one SQLite file and its one write path.
//!
//! Reads use a pool of connections (WAL: readers never wait for the writer). Writes go through
//! [`Db::write`] (async, from handlers) or [`Db::write_blocking`] (worker threads, CLI): one
//! dedicated writer connection behind an in-process mutex, `BEGIN IMMEDIATE`, commit. Queuing in
//! a mutex is fair and immediate where SQLite's busy handler sleeps in growing steps, and a
//! transaction that holds the write lock from its first statement can never fail with
//! `SQLITE_BUSY_SNAPSHOT` after reading. A write that cannot get the lock within its budget is
//! [`DbError::Busy`] (503 with `Retry-After`), never a 500. When a write queued a job (an insert
//! into `jobs`, seen by an update hook) the workers are woken after the commit. Checkpoints
//! belong to the application or, when it replicates the file, to Litestream (see [`wal`]).
pub mod ann;
pub mod migrate;
pub mod vector;
pub mod wal;

use anyhow::Context;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, ErrorCode, Transaction, TransactionBehavior};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

pub type Pool = r2d2::Pool<SqliteConnectionManager>;
pub type PooledConn = r2d2::PooledConnection<SqliteConnectionManager>;

/// How long a write waits for the in-process write lock before answering 503.
const WRITE_BUDGET: Duration = Duration::from_secs(8);
/// SQLite's own wait, for another process (the CLI, a backup) holding the file's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a database call failed, as callers need to tell it apart.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The write lock was not free within the budget: try again shortly.
    #[error("the database is busy; try again shortly")]
    Busy,
    #[error(transparent)]
    Sqlite(rusqlite::Error),
    #[error("database pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("blocking task failed: {0}")]
    Join(String),
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        if is_busy(&e) {
            DbError::Busy
        } else {
            DbError::Sqlite(e)
        }
    }
}

/// So that closures handed to `read` / `write` may return plain `rusqlite::Result` (store
/// functions do); contention stays recognisable as SQLITE_BUSY on the way back up.
impl From<DbError> for rusqlite::Error {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Sqlite(e) => e,
            DbError::Busy => rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                Some("the write lock was not free within its budget".into()),
            ),
            other => rusqlite::Error::ToSqlConversionFailure(Box::new(other)),
        }
    }
}

/// SQLITE_BUSY / SQLITE_LOCKED (any extended code): contention, not a fault.
pub fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// Wakes idle job workers when new work is queued; carries the shutdown flag.
#[derive(Clone, Default)]
pub struct Bell {
    inner: Arc<(Mutex<u64>, Condvar, AtomicBool)>,
}

impl Bell {
    pub fn notify(&self) {
        let (lock, cv, _) = &*self.inner;
        *lock.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        cv.notify_all();
    }

    /// Sleep until notified, shut down, or `timeout`.
    pub fn wait(&self, timeout: Duration) {
        let (lock, cv, _) = &*self.inner;
        let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
        let seen = *guard;
        let _ = cv.wait_timeout_while(guard, timeout, |n| *n == seen && !self.is_shutdown());
    }

    pub fn shutdown(&self) {
        self.inner.2.store(true, Ordering::SeqCst);
        self.notify();
    }

    pub fn is_shutdown(&self) -> bool {
        self.inner.2.load(Ordering::SeqCst)
    }
}

struct Writer {
    conn: parking_lot::Mutex<Connection>,
    /// Set by the writer's update hook when a row is inserted into `jobs`.
    queued: Arc<AtomicBool>,
    /// The WAL as of the last commit (locked only while `conn` is held).
    wal: parking_lot::Mutex<wal::Watch>,
    checkpoints: wal::Checkpoints,
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    writer: Arc<Writer>,
    bell: Bell,
    /// How long a write waits for the write lock (`WRITE_BUDGET`; shorter in tests).
    budget: Duration,
}

impl Db {
    /// Open (creating if needed) the database file, apply migrations, and build the pool; the
    /// application checkpoints the WAL.
    pub fn open(path: &Path, sync_full: bool) -> anyhow::Result<Self> {
        Self::open_with(path, sync_full, wal::Checkpoints::App)
    }

    /// [`Db::open`] with the owner of checkpoints chosen (Litestream when it replicates the file).
    pub fn open_with(
        path: &Path,
        sync_full: bool,
        checkpoints: wal::Checkpoints,
    ) -> anyhow::Result<Self> {
        vector::register();
        let sync = if sync_full { "FULL" } else { "NORMAL" };
        let mut writer =
            Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
        configure(&mut writer, sync)?;
        // Only the writer commits, so only its automatic checkpoint matters.
        writer.execute_batch(checkpoints.pragma())?;
        migrate::apply(&mut writer).with_context(|| format!("migrating {}", path.display()))?;
        let queued = Arc::new(AtomicBool::new(false));
        let flag = queued.clone();
        writer.update_hook(Some(
            move |action: rusqlite::hooks::Action, _db: &str, table: &str, _row: i64| {
                if action == rusqlite::hooks::Action::SQLITE_INSERT && table == "jobs" {
                    flag.store(true, Ordering::Relaxed);
                }
            },
        ))?;
        let watch = wal::Watch::baseline(&writer)?;
        // Pool connections are read-only: a write that bypasses `Db::write` fails loudly
        // ("attempt to write a readonly database") instead of racing the writer.
        let manager = SqliteConnectionManager::file(path).with_init(move |c| {
            configure(c, sync)?;
            c.execute_batch("PRAGMA query_only = ON;")
        });
        let pool = r2d2::Pool::builder()
            .max_size(16)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .with_context(|| format!("opening {}", path.display()))?;
        Ok(Db {
            pool,
            writer: Arc::new(Writer {
                conn: parking_lot::Mutex::new(writer),
                queued,
                wal: parking_lot::Mutex::new(watch),
                checkpoints,
            }),
            bell: Bell::default(),
            budget: WRITE_BUDGET,
        })
    }

    /// The doorbell of the job workers (rung after every commit that queued a job).
    pub fn bell(&self) -> &Bell {
        &self.bell
    }

    /// A pooled (read-only) connection on the current thread.
    pub fn conn(&self) -> anyhow::Result<PooledConn> {
        Ok(self.pool.get().map_err(DbError::from)?)
    }

    /// Run `f` on a pooled read connection, off the async executor.
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let db = self.clone();
        blocking(move || db.read_blocking(f)).await
    }

    /// Run `f` on a pooled read connection on this thread (worker threads, CLI).
    pub fn read_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Connection) -> Result<T, E>,
        E: From<DbError>,
    {
        let conn = self.pool.get().map_err(DbError::from)?;
        f(&conn)
    }

    /// Run `f` in one `BEGIN IMMEDIATE` transaction on the writer, off the async executor.
    /// `Ok` commits, `Err` rolls back. Workers are woken if the transaction queued a job.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Transaction<'_>) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let db = self.clone();
        blocking(move || db.write_blocking(f)).await
    }

    /// [`Db::write`] on this thread (worker threads, CLI). Long jobs call it once per short
    /// batch, so a request never waits long behind them.
    pub fn write_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Transaction<'_>) -> Result<T, E>,
        E: From<DbError>,
    {
        let mut conn = self
            .writer
            .conn
            .try_lock_for(self.budget)
            .ok_or(DbError::Busy)?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(DbError::from)?;
        self.writer.queued.store(false, Ordering::Relaxed);
        let out = f(&tx)?;
        tx.commit().map_err(DbError::from)?;
        if let Err(e) = self.writer.wal.lock().observe(&conn) {
            tracing::warn!(error = %e, "could not read the WAL's state after a commit");
        }
        drop(conn);
        if self.writer.queued.swap(false, Ordering::Relaxed) {
            self.bell.notify();
        }
        Ok(out)
    }
}

impl Db {
    /// The WAL's size, who checkpoints it and when a checkpoint was last seen (for `/health`).
    pub fn wal_status_blocking(&self) -> Result<wal::WalStatus, DbError> {
        let conn = self
            .writer
            .conn
            .try_lock_for(self.budget)
            .ok_or(DbError::Busy)?;
        let mut watch = self.writer.wal.lock();
        watch.observe(&conn)?;
        Ok(watch.status(&conn, self.writer.checkpoints)?)
    }

    /// [`Db::wal_status_blocking`] off the async executor.
    pub async fn wal_status(&self) -> Result<wal::WalStatus, DbError> {
        let db = self.clone();
        blocking(move || db.wal_status_blocking()).await
    }
}

/// Run blocking work on the runtime's blocking pool.
async fn blocking<T, E, F>(f: F) -> Result<T, E>
where
    F: FnOnce() -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r,
        Err(e) => Err(DbError::Join(e.to_string()).into()),
    }
}

fn configure(c: &mut Connection, sync: &str) -> rusqlite::Result<()> {
    c.busy_timeout(BUSY_TIMEOUT)?;
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
    conn.busy_timeout(BUSY_TIMEOUT)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_past_its_budget_is_busy_and_a_queued_job_rings_the_bell() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&dir.path().join("t.db"), false).unwrap();
        db.budget = Duration::from_millis(50);
        let holder = db.clone();
        let (held, release) = (std::sync::mpsc::channel(), std::sync::mpsc::channel::<()>());
        let t = std::thread::spawn(move || {
            holder
                .write_blocking(|_| -> Result<(), DbError> {
                    held.0.send(()).unwrap();
                    release.1.recv().unwrap();
                    Ok(())
                })
                .unwrap();
        });
        held.1.recv().unwrap();
        let busy = db.write_blocking(|_| -> Result<(), DbError> { Ok(()) });
        assert!(matches!(busy, Err(DbError::Busy)));
        assert!(matches!(
            crate::error::ApiError::from(busy.unwrap_err()),
            crate::error::ApiError::Busy
        ));
        release.0.send(()).unwrap();
        t.join().unwrap();

        let seen = *db.bell.inner.0.lock().unwrap();
        db.write_blocking(|tx| crate::jobs::enqueue(tx, "test.kind", serde_json::json!({})))
            .unwrap();
        assert_eq!(
            *db.bell.inner.0.lock().unwrap(),
            seen + 1,
            "a queued job rang"
        );
        db.write_blocking(|tx| tx.execute("CREATE TABLE t (x)", []).map(|_| ()))
            .unwrap();
        assert_eq!(
            *db.bell.inner.0.lock().unwrap(),
            seen + 1,
            "no job, no ring"
        );
        let denied = db.conn().unwrap().execute("INSERT INTO t VALUES (1)", []);
        assert!(denied.is_err(), "pool connections are read-only");
    }
}
