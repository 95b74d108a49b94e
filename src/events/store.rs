//! SQL of the event outbox.
use rusqlite::{Connection, OptionalExtension, params};

pub fn insert(
    conn: &Connection,
    id: &str,
    kind: &str,
    actor: Option<&str>,
    data: &str,
    at: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO events (id, type, actor_id, data, created_at, pending) VALUES (?1, ?2, ?3, ?4, ?5, 1)",
    )?
    .execute(params![id, kind, actor, data, at])?;
    Ok(())
}

fn event(r: &rusqlite::Row, at: usize) -> rusqlite::Result<super::Event> {
    let data: String = r.get(at + 3)?;
    Ok(super::Event {
        id: r.get(at)?,
        kind: r.get(at + 1)?,
        actor_id: r.get(at + 2)?,
        data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
        created_at: r.get(at + 4)?,
    })
}

/// Events still waiting for their fan-out, oldest first, after `rowid` (with their rowids).
pub fn pending_after(
    conn: &Connection,
    rowid: i64,
    limit: usize,
) -> rusqlite::Result<Vec<(i64, super::Event)>> {
    conn.prepare_cached(
        "SELECT rowid, id, type, actor_id, data, created_at FROM events
         WHERE pending = 1 AND rowid > ?1 ORDER BY rowid LIMIT ?2",
    )?
    .query_map(params![rowid, limit as i64], |r| {
        Ok((r.get(0)?, event(r, 1)?))
    })?
    .collect()
}

pub fn mark_fanned(conn: &Connection, rowid: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE events SET pending = 0 WHERE rowid = ?1")?
        .execute([rowid])?;
    Ok(())
}

/// Count a failed hand-off; the attempts so far.
pub fn note_failure(conn: &Connection, rowid: i64) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "UPDATE events SET fanout_attempts = fanout_attempts + 1 WHERE rowid = ?1
         RETURNING fanout_attempts",
    )?
    .query_row([rowid], |r| r.get(0))
}

pub fn get(conn: &Connection, id: &str) -> rusqlite::Result<Option<super::Event>> {
    conn.prepare_cached("SELECT id, type, actor_id, data, created_at FROM events WHERE id = ?1")?
        .query_row([id], |r| event(r, 0))
        .optional()
}

pub fn purge_before(conn: &Connection, before: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM events WHERE created_at < ?1", [before])
}
