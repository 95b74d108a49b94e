//! SQL of the sealed li_at cookie per user.
use rusqlite::{Connection, OptionalExtension, params};

pub fn save(c: &Connection, user: &str, sealed: &str) -> rusqlite::Result<String> {
    let now = crate::time::now_rfc3339();
    c.prepare_cached(
        "INSERT INTO linkedin_cookies (user_id, sealed, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(user_id) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at",
    )?
    .execute(params![user, sealed, now])?;
    Ok(now)
}

/// (sealed cookie, updated_at)
pub fn get(c: &Connection, user: &str) -> rusqlite::Result<Option<(String, String)>> {
    c.prepare_cached("SELECT sealed, updated_at FROM linkedin_cookies WHERE user_id = ?1")?
        .query_row([user], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
}
