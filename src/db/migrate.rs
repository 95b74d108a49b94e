//! Forward-only migrations embedded from `migrations/NNNN_name.sql`, each applied in its own
//! transaction with a row in `schema_migrations`. Hand-written (40 lines) rather than
//! rusqlite_migration so the version record keeps names and timestamps operators can read.
use anyhow::{Context, bail};
use rusqlite::Connection;

#[derive(rust_embed::RustEmbed)]
#[folder = "migrations/"]
struct Migrations;

/// (version, name, sql) sorted by version.
pub fn embedded() -> Vec<(i64, String, String)> {
    let mut out: Vec<(i64, String, String)> = Migrations::iter()
        .filter_map(|name| {
            let version: i64 = name.split('_').next()?.parse().ok()?;
            let file = Migrations::get(&name)?;
            Some((
                version,
                name.trim_end_matches(".sql").to_string(),
                String::from_utf8_lossy(&file.data).into_owned(),
            ))
        })
        .collect();
    out.sort_by_key(|m| m.0);
    out
}

pub fn apply(conn: &mut Connection) -> anyhow::Result<usize> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )?;
    let migrations = embedded();
    let latest_known = migrations.last().map(|m| m.0).unwrap_or(0);
    let current: i64 = conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?;
    if current > latest_known {
        bail!(
            "the database is at schema version {current} but this binary only knows up to {latest_known}: \
             it was written by a newer Neuromancer; upgrade the binary (or restore a backup)"
        );
    }
    let done: std::collections::HashSet<i64> = conn
        .prepare("SELECT version FROM schema_migrations")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut applied = 0;
    // Every embedded migration not yet recorded, in order (not only those above the maximum:
    // areas developed side by side may land their numbered migrations out of order).
    for (version, name, sql) in migrations.into_iter().filter(|m| !done.contains(&m.0)) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        tx.execute_batch(&sql)
            .with_context(|| format!("migration {name}"))?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![version, name, crate::time::now_rfc3339()],
        )?;
        tx.commit()?;
        tracing::info!(migration = %name, "applied");
        applied += 1;
    }
    Ok(applied)
}

pub fn current_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Migration 0016 rebuilds the 384-d vectors' vec0 table in chunks of 64: every vector, its
    /// model and its rowid come through, and the table keeps answering KNN and point reads.
    #[test]
    fn vectors_written_before_chunks_of_64_come_through_the_rebuild() {
        crate::db::vector::register();
        let mut c = Connection::open_in_memory().unwrap();
        c.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )
        .unwrap();
        for (version, name, sql) in embedded().into_iter().filter(|m| m.0 < 16) {
            c.execute_batch(&sql).unwrap();
            c.execute(
                "INSERT INTO schema_migrations VALUES (?1, ?2, '')",
                rusqlite::params![version, name],
            )
            .unwrap();
        }
        let vector = |i: usize| -> Vec<u8> {
            (0..384)
                .flat_map(|d| (((i * 31 + d * 17) % 211) as f32 - 105.0).to_le_bytes())
                .collect()
        };
        for i in 1..=150usize {
            let model = if i % 3 == 0 { "b" } else { "a" };
            c.execute(
                "INSERT INTO vec_chunks (rowid, model, embedding) VALUES (?1, ?2, ?3)",
                rusqlite::params![i as i64 * 10, model, vector(i)],
            )
            .unwrap();
        }
        assert!(apply(&mut c).unwrap() >= 1);
        let sql: String = c
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'vec_chunks'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(sql.contains("chunk_size=64"), "{sql}");
        let n: i64 = c
            .query_row(
                "SELECT COUNT(*) FROM vec_chunks WHERE model = 'b'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 50);
        for i in [1usize, 64, 65, 150] {
            let (model, v): (String, Vec<u8>) = c
                .query_row(
                    "SELECT model, embedding FROM vec_chunks WHERE rowid = ?1",
                    [i as i64 * 10],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            assert_eq!(v, vector(i), "vector {i}");
            assert_eq!(model, if i % 3 == 0 { "b" } else { "a" });
        }
        let nearest: i64 = c
            .query_row(
                "SELECT rowid FROM vec_chunks WHERE embedding MATCH ?1 AND k = 1 AND model = 'a'",
                [vector(64)],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(nearest, 640);
    }
}
