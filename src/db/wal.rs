//! Who checkpoints the WAL, and what an operator sees of it.
//!
//! By default the application does: SQLite's automatic PASSIVE checkpoint after a commit once
//! the WAL holds 1,000 pages. It never waits for readers and never truncates, so the WAL stays
//! bounded without blocking anyone. With Litestream replicating the file (`--litestream`,
//! `NEUROMANCER_LITESTREAM=1`) Litestream must be the only checkpointer, as its documentation
//! asks: it pins the frames it has not copied yet with a read transaction and checkpoints
//! between its own syncs, behind a write barrier. The writer's automatic checkpoint is then
//! switched off (`wal_autocheckpoint = 0`), so no checkpoint of ours can run while Litestream
//! swaps its locks, and nothing of ours ever truncates or restarts the WAL behind its back.
//!
//! Either way the writer looks at the WAL after each commit (a NOOP checkpoint reads the
//! wal-index and copies nothing) and notes when frames were copied back or the log restarted
//! since its last look: that is the last checkpoint an operator sees on `/health`. A WAL that
//! keeps growing with no checkpoint under Litestream means replication has stalled.
use rusqlite::Connection;

/// Who runs checkpoints on this database.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Checkpoints {
    /// SQLite's automatic PASSIVE checkpoint on the writer (the default).
    #[default]
    App,
    /// Litestream replicates the file and owns checkpointing; the application never checkpoints.
    Litestream,
}

impl Checkpoints {
    pub fn as_str(self) -> &'static str {
        match self {
            Checkpoints::App => "app",
            Checkpoints::Litestream => "litestream",
        }
    }

    /// The writer's setting for this owner.
    pub(super) fn pragma(self) -> &'static str {
        match self {
            Checkpoints::App => "PRAGMA wal_autocheckpoint = 1000;",
            Checkpoints::Litestream => "PRAGMA wal_autocheckpoint = 0;",
        }
    }
}

/// The WAL as the writer last saw it.
#[derive(Debug, Default)]
pub struct Watch {
    frames: i64,
    backfilled: i64,
    /// Unix millis of the first look that found a checkpoint since the previous look.
    last_checkpoint: Option<i64>,
}

/// What `/health` reports about the WAL.
#[derive(Debug, Clone)]
pub struct WalStatus {
    pub checkpoints: Checkpoints,
    /// Bytes of WAL content not yet restarted over (frames × page size).
    pub wal_bytes: i64,
    /// Of those, bytes already copied back into the database file.
    pub checkpointed_bytes: i64,
    /// When this process last saw a checkpoint happen (by anyone), RFC 3339; `None` since start.
    pub last_checkpoint_at: Option<String>,
}

impl Watch {
    /// Read the WAL's frame counts without checkpointing; a change other than growth means
    /// someone checkpointed since the last look.
    pub fn observe(&mut self, c: &Connection) -> rusqlite::Result<()> {
        let (frames, backfilled): (i64, i64) = c
            .prepare_cached("PRAGMA wal_checkpoint(NOOP)")?
            .query_row([], |r| Ok((r.get(1)?, r.get(2)?)))?;
        if backfilled != self.backfilled || frames < self.frames {
            self.last_checkpoint = Some(crate::time::now_millis());
        }
        self.frames = frames;
        self.backfilled = backfilled;
        Ok(())
    }

    /// The first look after opening: a baseline, not a checkpoint.
    pub fn baseline(c: &Connection) -> rusqlite::Result<Self> {
        let mut w = Watch::default();
        w.observe(c)?;
        w.last_checkpoint = None;
        Ok(w)
    }

    pub fn status(&self, c: &Connection, checkpoints: Checkpoints) -> rusqlite::Result<WalStatus> {
        let page: i64 = c.pragma_query_value(None, "page_size", |r| r.get(0))?;
        Ok(WalStatus {
            checkpoints,
            wal_bytes: self.frames.max(0) * page,
            checkpointed_bytes: self.backfilled.max(0) * page,
            last_checkpoint_at: self.last_checkpoint.map(crate::time::millis_to_rfc3339),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    fn insert(db: &Db, n: usize) {
        db.write_blocking(|tx| {
            for i in 0..n {
                tx.execute("INSERT INTO t VALUES (?1)", [format!("{i:0>2000}")])?;
            }
            Ok::<_, rusqlite::Error>(())
        })
        .unwrap();
    }

    #[test]
    fn the_app_checkpoints_by_default_and_never_under_litestream() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("app.db"), false).unwrap();
        db.write_blocking(|tx| tx.execute_batch("CREATE TABLE t (x)"))
            .unwrap();
        let before = db.wal_status_blocking().unwrap();
        assert_eq!(before.checkpoints, Checkpoints::App);
        assert!(before.last_checkpoint_at.is_none(), "{before:?}");
        for _ in 0..12 {
            insert(&db, 200); // ~100 pages a write: past the 1,000-page mark
        }
        let after = db.wal_status_blocking().unwrap();
        assert!(after.last_checkpoint_at.is_some(), "{after:?}");
        assert!(after.wal_bytes < 8_000_000, "the WAL restarted: {after:?}");

        let path = dir.path().join("replicated.db");
        let db = Db::open_with(&path, false, Checkpoints::Litestream).unwrap();
        db.write_blocking(|tx| tx.execute_batch("CREATE TABLE t (x)"))
            .unwrap();
        for _ in 0..12 {
            insert(&db, 200);
        }
        let held = db.wal_status_blocking().unwrap();
        assert_eq!(held.checkpoints, Checkpoints::Litestream);
        assert_eq!(held.checkpointed_bytes, 0, "{held:?}");
        assert!(held.wal_bytes > 4_000_000, "{held:?}");
        assert!(held.last_checkpoint_at.is_none(), "{held:?}");
        // Litestream's checkpoint (another connection) is seen at the writer's next look.
        let other = rusqlite::Connection::open(&path).unwrap();
        other
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            .unwrap();
        insert(&db, 1);
        let seen = db.wal_status_blocking().unwrap();
        assert!(seen.last_checkpoint_at.is_some(), "{seen:?}");
    }
}
