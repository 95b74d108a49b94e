//! SQL of connected accounts and OAuth states.
use super::RESOURCE;
use super::types::*;
use crate::access::Viewer;
use crate::page::Page;
use rusqlite::{Connection, OptionalExtension, Row, params};

const COLS: &str = "a.id, a.platform, a.name, a.external_id, a.status, a.status_detail, a.expires_at, \
                    a.scopes, a.client_id, a.project_id, a.owner_id, a.created_at, a.updated_at, a.token_sealed";

fn days_left(expires_at: Option<&str>) -> Option<i64> {
    let at = chrono::DateTime::parse_from_rfc3339(expires_at?).ok()?;
    Some((at.to_utc() - chrono::Utc::now()).num_days())
}

fn row(r: &Row) -> rusqlite::Result<AccountSecret> {
    let expires_at: Option<String> = r.get(6)?;
    let scopes: String = r.get(7)?;
    Ok(AccountSecret {
        account: Account {
            id: r.get(0)?,
            platform: r.get(1)?,
            name: r.get(2)?,
            external_id: r.get(3)?,
            status: r.get(4)?,
            status_detail: r.get(5)?,
            days_left: days_left(expires_at.as_deref()),
            expires_at,
            scopes: serde_json::from_str(&scopes).unwrap_or_default(),
            client_id: r.get(8)?,
            project_id: r.get(9)?,
            created_by: r.get(10)?,
            created_at: r.get(11)?,
            updated_at: r.get(12)?,
        },
        token_sealed: r.get(13)?,
    })
}

pub fn list(
    c: &Connection,
    v: &Viewer,
    platform: Option<&str>,
    page: Page,
) -> rusqlite::Result<(Vec<Account>, u64)> {
    let filter = format!(
        "FROM publishing_accounts a WHERE {} AND (?3 IS NULL OR a.platform = ?3)",
        RESOURCE.visible("a", 1)
    );
    let total: i64 = c
        .prepare_cached(&format!("SELECT COUNT(*) {filter}"))?
        .query_row(params![v.user_id, v.admin, platform], |r| r.get(0))?;
    let (limit, offset) = page.sql();
    let items = c
        .prepare_cached(&format!(
            "SELECT {COLS} {filter} ORDER BY a.platform, a.name, a.id LIMIT ?4 OFFSET ?5"
        ))?
        .query_map(params![v.user_id, v.admin, platform, limit, offset], row)?
        .map(|r| r.map(|a| a.account))
        .collect::<rusqlite::Result<_>>()?;
    Ok((items, total as u64))
}

/// An account the viewer may see, with its sealed token.
pub fn get(c: &Connection, v: &Viewer, id: &str) -> rusqlite::Result<Option<AccountSecret>> {
    let sql = format!(
        "SELECT {COLS} FROM publishing_accounts a WHERE a.id = ?3 AND {}",
        RESOURCE.visible("a", 1)
    );
    c.prepare_cached(&sql)?
        .query_row(params![v.user_id, v.admin, id], row)
        .optional()
}

/// Any account by id (workers act for the post's author, who was checked when it was queued).
pub fn get_any(c: &Connection, id: &str) -> rusqlite::Result<Option<AccountSecret>> {
    c.prepare_cached(&format!(
        "SELECT {COLS} FROM publishing_accounts a WHERE a.id = ?1"
    ))?
    .query_row([id], row)
    .optional()
}

/// Insert a connection, or refresh the same user's connection of the same external account.
pub fn upsert(
    c: &Connection,
    owner: &str,
    client_id: Option<&str>,
    x: &super::types::Connection,
    sealed: &str,
    expires_at: Option<&str>,
) -> rusqlite::Result<String> {
    let now = crate::time::now_rfc3339();
    let id = uuid::Uuid::now_v7().to_string();
    let scopes = serde_json::to_string(&x.scopes).unwrap_or_else(|_| "[]".into());
    c.prepare_cached(
        "INSERT INTO publishing_accounts (id, owner_id, client_id, platform, name, external_id, status,
             status_detail, expires_at, scopes, token_sealed, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'connected', NULL, ?7, ?8, ?9, ?10, ?10)
         ON CONFLICT (owner_id, platform, external_id) DO UPDATE SET
             name = excluded.name, status = 'connected', status_detail = NULL,
             expires_at = excluded.expires_at, scopes = excluded.scopes,
             token_sealed = excluded.token_sealed, updated_at = excluded.updated_at,
             client_id = COALESCE(excluded.client_id, publishing_accounts.client_id)",
    )?
    .execute(params![
        id,
        owner,
        client_id,
        x.platform,
        x.name,
        x.external_id,
        expires_at,
        scopes,
        sealed,
        now
    ])?;
    c.prepare_cached(
        "SELECT id FROM publishing_accounts WHERE owner_id = ?1 AND platform = ?2 AND external_id = ?3",
    )?
    .query_row(params![owner, x.platform, x.external_id], |r| r.get(0))
}

pub fn update(
    c: &Connection,
    id: &str,
    name: &str,
    client_id: Option<&str>,
    project_id: Option<&str>,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE publishing_accounts SET name = ?2, client_id = ?3, project_id = ?4, updated_at = ?5 WHERE id = ?1",
    )?
    .execute(params![id, name, client_id, project_id, crate::time::now_rfc3339()])?;
    Ok(())
}

pub fn set_status(
    c: &Connection,
    id: &str,
    status: &str,
    detail: Option<&str>,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE publishing_accounts SET status = ?2, status_detail = ?3, updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id, status, detail, crate::time::now_rfc3339()])?;
    Ok(())
}

pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    Ok(
        c.prepare_cached("DELETE FROM publishing_accounts WHERE id = ?1")?
            .execute([id])?
            == 1,
    )
}

/// Remember an OAuth state (its hash) for ten minutes.
pub fn insert_state(
    c: &Connection,
    hash: &str,
    user_id: &str,
    platform: &str,
    client_id: Option<&str>,
    redirect_uri: &str,
    expires_ms: i64,
) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM publishing_oauth_states WHERE expires_ms < ?1")?
        .execute([crate::time::now_millis()])?;
    c.prepare_cached(
        "INSERT INTO publishing_oauth_states (state_hash, user_id, platform, client_id, redirect_uri, expires_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![hash, user_id, platform, client_id, redirect_uri, expires_ms])?;
    Ok(())
}

/// A spent OAuth state: who asked, for which client, the redirect URI used, its expiry.
pub struct SpentState {
    pub user_id: String,
    pub client_id: Option<String>,
    pub redirect_uri: String,
    pub expires_ms: i64,
}

/// Spend a state: it is deleted whatever happens next (single use), if it existed for this
/// platform.
pub fn take_state(
    c: &Connection,
    hash: &str,
    platform: &str,
) -> rusqlite::Result<Option<SpentState>> {
    c.prepare_cached(
        "DELETE FROM publishing_oauth_states WHERE state_hash = ?1 AND platform = ?2
         RETURNING user_id, client_id, redirect_uri, expires_ms",
    )?
    .query_row(params![hash, platform], |r| {
        Ok(SpentState {
            user_id: r.get(0)?,
            client_id: r.get(1)?,
            redirect_uri: r.get(2)?,
            expires_ms: r.get(3)?,
        })
    })
    .optional()
}
