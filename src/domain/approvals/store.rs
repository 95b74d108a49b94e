//! SQL of approval links.
use super::types::*;
use crate::access::Viewer;
use crate::domain::content::RESOURCE as CONTENT;
use crate::page::Page;
use rusqlite::{Connection, OptionalExtension, Row, params};

const COLS: &str = "a.id, a.content_id, c.title, a.status, a.comment, a.reviewer_name, a.reviewer_email, \
                    a.message, a.decided_name, a.decided_at, a.expires_at, a.created_by, a.created_at";

fn row(r: &Row) -> rusqlite::Result<Approval> {
    let stored: String = r.get(3)?;
    let expires_at: String = r.get(10)?;
    let status = if stored == "pending" && expires_at < crate::time::now_rfc3339() {
        "expired".to_string()
    } else {
        stored
    };
    Ok(Approval {
        id: r.get(0)?,
        content_id: r.get(1)?,
        content_title: r.get(2)?,
        decision: match status.as_str() {
            "approved" => Some("approve".into()),
            "rejected" => Some("reject".into()),
            _ => None,
        },
        status,
        comment: r.get(4)?,
        reviewer_name: r.get(5)?,
        reviewer_email: r.get(6)?,
        message: r.get(7)?,
        decided_name: r.get(8)?,
        decided_at: r.get(9)?,
        expires_at,
        created_by: r.get(11)?,
        created_at: r.get(12)?,
    })
}

pub struct NewApproval<'a> {
    pub id: &'a str,
    pub content_id: &'a str,
    pub token_hash: &'a str,
    pub reviewer_name: Option<&'a str>,
    pub reviewer_email: Option<&'a str>,
    pub message: Option<&'a str>,
    pub expires_at: &'a str,
    pub by: &'a str,
}

pub fn insert(c: &Connection, a: &NewApproval) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO approvals (id, content_id, token_hash, reviewer_name, reviewer_email, message, status,
             expires_at, created_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8, ?9)",
    )?
    .execute(params![
        a.id,
        a.content_id,
        a.token_hash,
        a.reviewer_name,
        a.reviewer_email,
        a.message,
        a.expires_at,
        a.by,
        crate::time::now_rfc3339()
    ])?;
    Ok(())
}

/// Approvals of contents the viewer may see (of one content, or all), newest first.
pub fn list(
    c: &Connection,
    v: &Viewer,
    content_id: Option<&str>,
    page: Page,
) -> rusqlite::Result<(Vec<Approval>, u64)> {
    let filter = format!(
        "FROM approvals a JOIN contents c ON c.id = a.content_id WHERE {} AND (?3 IS NULL OR a.content_id = ?3)",
        CONTENT.visible("c", 1)
    );
    let total: i64 = c
        .prepare_cached(&format!("SELECT COUNT(*) {filter}"))?
        .query_row(params![v.user_id, v.admin, content_id], |r| r.get(0))?;
    let (limit, offset) = page.sql();
    let items = c
        .prepare_cached(&format!(
            "SELECT {COLS} {filter} ORDER BY a.created_at DESC, a.id DESC LIMIT ?4 OFFSET ?5"
        ))?
        .query_map(params![v.user_id, v.admin, content_id, limit, offset], row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok((items, total as u64))
}

pub fn get(c: &Connection, v: &Viewer, id: &str) -> rusqlite::Result<Option<Approval>> {
    c.prepare_cached(&format!(
        "SELECT {COLS} FROM approvals a JOIN contents c ON c.id = a.content_id WHERE a.id = ?3 AND {}",
        CONTENT.visible("c", 1)
    ))?
    .query_row(params![v.user_id, v.admin, id], row)
    .optional()
}

/// The link behind a token's hash (with its stored status, `revoked` included).
pub fn by_hash(c: &Connection, hash: &str) -> rusqlite::Result<Option<Approval>> {
    c.prepare_cached(&format!(
        "SELECT {COLS} FROM approvals a JOIN contents c ON c.id = a.content_id WHERE a.token_hash = ?1"
    ))?
    .query_row([hash], row)
    .optional()
}

pub fn revoke(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE approvals SET status = 'revoked' WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Record the one decision: only a pending link changes (false when it was decided meanwhile).
pub fn decide(
    c: &Connection,
    id: &str,
    status: &str,
    comment: Option<&str>,
    name: Option<&str>,
) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached(
        "UPDATE approvals SET status = ?2, comment = ?3, decided_name = ?4, decided_at = ?5
         WHERE id = ?1 AND status = 'pending'",
    )?
    .execute(params![
        id,
        status,
        comment,
        name,
        crate::time::now_rfc3339()
    ])? == 1)
}
