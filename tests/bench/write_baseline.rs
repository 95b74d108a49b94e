//! The bare-rusqlite baseline of the write-contention bench: N threads, each with its own
//! connection (WAL, the server's `synchronous`, busy timeout), committing one small row per
//! `BEGIN IMMEDIATE` transaction for the given seconds. Prints writes/s as JSON.
//!
//!     cargo run --release --example write_baseline -- DB_PATH THREADS SECONDS [full|normal]
use rusqlite::{Connection, TransactionBehavior, params};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn open(path: &str, sync: &str) -> Connection {
    let c = Connection::open(path).expect("open");
    c.busy_timeout(Duration::from_secs(10)).unwrap();
    c.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = {sync}; PRAGMA foreign_keys = ON;"
    ))
    .unwrap();
    c
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("DB_PATH").clone();
    let threads: usize = args.get(2).map_or(8, |s| s.parse().unwrap());
    let seconds: u64 = args.get(3).map_or(10, |s| s.parse().unwrap());
    let sync = args
        .get(4)
        .cloned()
        .unwrap_or_else(|| "full".into())
        .to_uppercase();
    open(&path, &sync)
        .execute_batch(
            "CREATE TABLE IF NOT EXISTS items (id TEXT PRIMARY KEY, title TEXT NOT NULL,
             body TEXT NOT NULL, position INTEGER NOT NULL, created_at TEXT NOT NULL)",
        )
        .unwrap();
    let done = Arc::new(AtomicU64::new(0));
    let busy = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (path, sync, done, busy) = (path.clone(), sync.clone(), done.clone(), busy.clone());
            std::thread::spawn(move || {
                let mut c = open(&path, &sync);
                let mut i = 0u64;
                while start.elapsed() < Duration::from_secs(seconds) {
                    i += 1;
                    let r = (|| -> rusqlite::Result<()> {
                        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
                        // Read then write, as the app's writes do (a look-up by key).
                        let pos: i64 = tx.query_row(
                            "SELECT COUNT(*) FROM items WHERE id = ?1",
                            [format!("{t}-{}", i - 1)],
                            |r| r.get(0),
                        )?;
                        tx.execute(
                            "INSERT INTO items (id, title, body, position, created_at) VALUES (?1, ?2, ?3, ?4, datetime('now'))",
                            params![format!("{t}-{i}"), "a task", "written by the baseline", pos],
                        )?;
                        tx.commit()
                    })();
                    match r {
                        Ok(()) => done.fetch_add(1, Ordering::Relaxed),
                        Err(_) => busy.fetch_add(1, Ordering::Relaxed),
                    };
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{{\"writes_per_s\": {:.1}, \"writes\": {}, \"busy_errors\": {}, \"threads\": {threads}, \"seconds\": {secs:.2}}}",
        done.load(Ordering::Relaxed) as f64 / secs,
        done.load(Ordering::Relaxed),
        busy.load(Ordering::Relaxed)
    );
}
