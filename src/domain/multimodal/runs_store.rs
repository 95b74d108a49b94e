//! SQL of plan executions (`asset_runs`).
use rusqlite::{Connection, OptionalExtension, params};

pub struct Run {
    pub content_id: String,
    pub concurrency: i64,
}

pub fn insert(
    c: &Connection,
    id: &str,
    content_id: &str,
    by: &str,
    text: &str,
    concurrency: i64,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO asset_runs (id, content_id, created_by, plan_text, concurrency, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        id,
        content_id,
        by,
        text,
        concurrency,
        crate::time::now_rfc3339()
    ])?;
    Ok(())
}

pub fn get(c: &Connection, id: &str) -> rusqlite::Result<Option<Run>> {
    c.prepare_cached("SELECT content_id, concurrency FROM asset_runs WHERE id = ?1")?
        .query_row([id], |r| {
            Ok(Run {
                content_id: r.get(0)?,
                concurrency: r.get(1)?,
            })
        })
        .optional()
}

pub fn finish(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE asset_runs SET status = 'done', finished_at = ?2 WHERE id = ?1")?
        .execute(params![id, crate::time::now_rfc3339()])?;
    Ok(())
}
