//! SQL of linked outside identities (`user_identities`: provider, subject → user).
use rusqlite::{Connection, OptionalExtension, params};

/// The user linked to (provider, subject), if any.
pub fn user_for(c: &Connection, provider: &str, subject: &str) -> rusqlite::Result<Option<String>> {
    c.prepare_cached("SELECT user_id FROM user_identities WHERE provider = ?1 AND subject = ?2")?
        .query_row([provider, subject], |r| r.get(0))
        .optional()
}

/// Link (provider, subject) to a user; false when it is already linked (to anyone).
pub fn link(
    c: &Connection,
    provider: &str,
    subject: &str,
    user_id: &str,
) -> rusqlite::Result<bool> {
    let n = c
        .prepare_cached(
            "INSERT INTO user_identities (provider, subject, user_id, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(provider, subject) DO NOTHING",
        )?
        .execute(params![provider, subject, user_id, crate::time::now_rfc3339()])?;
    Ok(n == 1)
}
