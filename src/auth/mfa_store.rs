//! SQL of MFA state: the users.mfa_* columns and mfa_backup_codes.
use rusqlite::{Connection, OptionalExtension, params};

pub fn backup_codes_remaining(c: &Connection, user_id: &str) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT COUNT(*) FROM mfa_backup_codes WHERE user_id = ?1 AND pending = 0 AND used_at IS NULL")?
        .query_row([user_id], |r| r.get(0))
}

/// Start (or restart) enrollment: a pending sealed secret and pending backup-code hashes.
pub fn begin_enrollment(
    c: &Connection,
    user_id: &str,
    sealed_secret: &str,
    code_hashes: &[String],
) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE users SET mfa_pending_secret = ?2, updated_at = ?3 WHERE id = ?1",
        params![user_id, sealed_secret, crate::time::now_rfc3339()],
    )?;
    c.execute(
        "DELETE FROM mfa_backup_codes WHERE user_id = ?1 AND pending = 1",
        [user_id],
    )?;
    let mut ins = c.prepare_cached(
        "INSERT INTO mfa_backup_codes (user_id, code_hash, pending) VALUES (?1, ?2, 1)",
    )?;
    for h in code_hashes {
        ins.execute(params![user_id, h])?;
    }
    Ok(())
}

pub fn pending_secret(c: &Connection, user_id: &str) -> rusqlite::Result<Option<String>> {
    c.query_row(
        "SELECT mfa_pending_secret FROM users WHERE id = ?1",
        [user_id],
        |r| r.get(0),
    )
    .optional()
    .map(Option::flatten)
}

/// Turn MFA on: the pending secret becomes the secret; the pending codes become the codes.
/// False (nothing changed) when the pending secret is no longer `pending` (a newer enrollment).
pub fn enable(c: &Connection, user_id: &str, pending: &str, step: i64) -> rusqlite::Result<bool> {
    let n = c.execute(
        "UPDATE users SET mfa_secret = mfa_pending_secret, mfa_pending_secret = NULL, mfa_enabled = 1,
            mfa_last_step = ?2, token_version = token_version + 1, updated_at = ?3
         WHERE id = ?1 AND mfa_pending_secret = ?4",
        params![user_id, step, crate::time::now_rfc3339(), pending],
    )?;
    if n == 0 {
        return Ok(false);
    }
    c.execute(
        "DELETE FROM mfa_backup_codes WHERE user_id = ?1 AND pending = 0",
        [user_id],
    )?;
    c.execute(
        "UPDATE mfa_backup_codes SET pending = 0 WHERE user_id = ?1",
        [user_id],
    )?;
    Ok(true)
}

pub fn disable(c: &Connection, user_id: &str) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE users SET mfa_enabled = 0, mfa_secret = NULL, mfa_pending_secret = NULL,
            token_version = token_version + 1, updated_at = ?2 WHERE id = ?1",
        params![user_id, crate::time::now_rfc3339()],
    )?;
    c.execute("DELETE FROM mfa_backup_codes WHERE user_id = ?1", [user_id])?;
    Ok(())
}

/// Record a used time step; false when this or a later step was already used.
pub fn advance_step(c: &Connection, user_id: &str, step: i64) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached(
        "UPDATE users SET mfa_last_step = ?2 WHERE id = ?1 AND mfa_last_step < ?2",
    )?
    .execute(params![user_id, step])?
        == 1)
}

/// Consume a backup code; false when unknown or already used.
pub fn use_backup_code(c: &Connection, user_id: &str, code_hash: &str) -> rusqlite::Result<bool> {
    Ok(c
        .prepare_cached(
            "UPDATE mfa_backup_codes SET used_at = ?3
             WHERE id = (SELECT id FROM mfa_backup_codes WHERE user_id = ?1 AND code_hash = ?2 AND pending = 0 AND used_at IS NULL LIMIT 1)",
        )?
        .execute(params![user_id, code_hash, crate::time::now_rfc3339()])?
        == 1)
}
