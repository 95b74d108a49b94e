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
        "INSERT INTO events (id, type, actor_id, data, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id, kind, actor, data, at])?;
    Ok(())
}

pub fn get(conn: &Connection, id: &str) -> rusqlite::Result<Option<super::Event>> {
    conn.prepare_cached("SELECT id, type, actor_id, data, created_at FROM events WHERE id = ?1")?
        .query_row([id], |r| {
            let data: String = r.get(3)?;
            Ok(super::Event {
                id: r.get(0)?,
                kind: r.get(1)?,
                actor_id: r.get(2)?,
                data: serde_json::from_str(&data).unwrap_or(serde_json::Value::Null),
                created_at: r.get(4)?,
            })
        })
        .optional()
}

pub fn purge_before(conn: &Connection, before: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM events WHERE created_at < ?1", [before])
}
