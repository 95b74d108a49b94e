//! SQL of the users table.
use rusqlite::{Connection, OptionalExtension, Row, params};

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub active: bool,
    pub token_version: i64,
    pub password_hash: Option<String>,
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
    pub mfa_enabled: bool,
    pub mfa_secret: Option<String>,
    pub mfa_last_step: i64,
    pub created_at: String,
    pub last_login_at: Option<String>,
}

const COLUMNS: &str =
    "id, email, name, role, active, token_version, password_hash, failed_logins, locked_until,
    mfa_enabled, mfa_secret, mfa_last_step, created_at, last_login_at";

fn row(r: &Row) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: r.get(0)?,
        email: r.get(1)?,
        name: r.get(2)?,
        role: r.get(3)?,
        active: r.get(4)?,
        token_version: r.get(5)?,
        password_hash: r.get(6)?,
        failed_logins: r.get(7)?,
        locked_until: r.get(8)?,
        mfa_enabled: r.get(9)?,
        mfa_secret: r.get(10)?,
        mfa_last_step: r.get(11)?,
        created_at: r.get(12)?,
        last_login_at: r.get(13)?,
    })
}

pub fn get(c: &Connection, id: &str) -> rusqlite::Result<Option<UserRow>> {
    c.prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"))?
        .query_row([id], row)
        .optional()
}

pub fn get_by_email(c: &Connection, email: &str) -> rusqlite::Result<Option<UserRow>> {
    c.prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE email = ?1"))?
        .query_row([email], row)
        .optional()
}

pub fn count(c: &Connection) -> rusqlite::Result<i64> {
    c.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub password_hash: Option<&'a str>,
    pub auth_provider: &'a str,
    pub external_id: Option<&'a str>,
}

/// Insert a user; None when the email is taken.
pub fn insert(c: &Connection, u: &NewUser) -> rusqlite::Result<Option<UserRow>> {
    let id = uuid::Uuid::now_v7().to_string();
    let now = crate::time::now_rfc3339();
    let n = c
        .prepare_cached(
            "INSERT INTO users (id, email, name, role, password_hash, auth_provider, external_id, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) ON CONFLICT(email) DO NOTHING",
        )?
        .execute(params![id, u.email, u.name, u.role, u.password_hash, u.auth_provider, u.external_id, now])?;
    if n == 0 { Ok(None) } else { get(c, &id) }
}

pub fn record_success(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ?2 WHERE id = ?1",
    )?
    .execute(params![id, crate::time::now_rfc3339()])?;
    Ok(())
}

/// Set a new password hash and bump the token version (ending every earlier session).
pub fn set_password(c: &Connection, id: &str, hash: &str) -> rusqlite::Result<i64> {
    c.prepare_cached(
        "UPDATE users SET password_hash = ?2, token_version = token_version + 1, failed_logins = 0,
            locked_until = NULL, updated_at = ?3 WHERE id = ?1 RETURNING token_version",
    )?
    .query_row(params![id, hash, crate::time::now_rfc3339()], |r| r.get(0))
}
