//! SQL of notifications. A row with `user_id` NULL is a broadcast; per-user read/deleted state of
//! broadcasts lives in `notification_receipts`.
use super::types::{NewNotification, Notification};
use rusqlite::{Connection, OptionalExtension, params};

/// Create a notification; None when this event already notified this user.
pub fn create(c: &Connection, n: &NewNotification) -> rusqlite::Result<Option<Notification>> {
    let id = uuid::Uuid::now_v7().to_string();
    let now = crate::time::now_rfc3339();
    let inserted = c.prepare_cached(
        "INSERT OR IGNORE INTO notifications (id, user_id, kind, title, body, link, data, event_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![id, n.user_id, n.kind, n.title, n.body, n.link, n.data.to_string(), n.event_id, now])?;
    if inserted == 0 {
        return Ok(None);
    }
    Ok(Some(Notification {
        id,
        kind: n.kind.to_string(),
        title: n.title.to_string(),
        body: n.body.to_string(),
        link: n.link.map(str::to_string),
        data: n.data.clone(),
        broadcast: n.user_id.is_none(),
        read: false,
        created_at: now,
        user_id: n.user_id.map(str::to_string),
    }))
}

/// Rows the user sees: their own and broadcasts they have not deleted. `?1` = user id.
const VISIBLE: &str = "FROM notifications n
     LEFT JOIN notification_receipts r ON r.notification_id = n.id AND r.user_id = ?1
     WHERE (n.user_id = ?1 OR (n.user_id IS NULL AND r.deleted_at IS NULL))";
const READ: &str =
    "(CASE WHEN n.user_id IS NULL THEN r.read_at IS NOT NULL ELSE n.read_at IS NOT NULL END)";

pub fn list(
    c: &Connection,
    user: &str,
    unread_only: bool,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<(Vec<Notification>, u64)> {
    let filter = if unread_only {
        format!(" AND NOT {READ}")
    } else {
        String::new()
    };
    let items = c
        .prepare_cached(&format!(
            "SELECT n.id, n.kind, n.title, n.body, n.link, n.data, n.user_id, {READ}, n.created_at {VISIBLE}{filter}
             ORDER BY n.created_at DESC, n.id DESC LIMIT ?2 OFFSET ?3"
        ))?
        .query_map(params![user, limit, offset], |r| {
            let data: String = r.get(5)?;
            let user_id: Option<String> = r.get(6)?;
            Ok(Notification {
                id: r.get(0)?,
                kind: r.get(1)?,
                title: r.get(2)?,
                body: r.get(3)?,
                link: r.get(4)?,
                data: serde_json::from_str(&data).unwrap_or_default(),
                broadcast: user_id.is_none(),
                user_id,
                read: r.get(7)?,
                created_at: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total: i64 = c
        .prepare_cached(&format!("SELECT COUNT(*) {VISIBLE}{filter}"))?
        .query_row([user], |r| r.get(0))?;
    Ok((items, total as u64))
}

pub fn unread_count(c: &Connection, user: &str) -> rusqlite::Result<i64> {
    c.prepare_cached(&format!("SELECT COUNT(*) {VISIBLE} AND NOT {READ}"))?
        .query_row([user], |r| r.get(0))
}

/// Whether the user sees this notification, and whether it is a broadcast.
fn visible(c: &Connection, user: &str, id: &str) -> rusqlite::Result<Option<bool>> {
    c.prepare_cached(&format!("SELECT n.user_id IS NULL {VISIBLE} AND n.id = ?2"))?
        .query_row(params![user, id], |r| r.get(0))
        .optional()
}

pub fn mark_read(c: &Connection, user: &str, id: &str) -> rusqlite::Result<bool> {
    let now = crate::time::now_rfc3339();
    match visible(c, user, id)? {
        None => Ok(false),
        Some(false) => {
            c.prepare_cached(
                "UPDATE notifications SET read_at = COALESCE(read_at, ?2) WHERE id = ?1",
            )?
            .execute(params![id, now])?;
            Ok(true)
        }
        Some(true) => {
            c.prepare_cached(
                "INSERT INTO notification_receipts (notification_id, user_id, read_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (notification_id, user_id) DO UPDATE SET read_at = COALESCE(read_at, excluded.read_at)",
            )?
            .execute(params![id, user, now])?;
            Ok(true)
        }
    }
}

pub fn mark_all_read(c: &Connection, user: &str) -> rusqlite::Result<()> {
    let now = crate::time::now_rfc3339();
    c.prepare_cached(
        "UPDATE notifications SET read_at = ?2 WHERE user_id = ?1 AND read_at IS NULL",
    )?
    .execute(params![user, now])?;
    c.prepare_cached(
        "INSERT INTO notification_receipts (notification_id, user_id, read_at)
         SELECT id, ?1, ?2 FROM notifications WHERE user_id IS NULL
         ON CONFLICT (notification_id, user_id) DO UPDATE SET read_at = COALESCE(read_at, excluded.read_at)",
    )?
    .execute(params![user, now])?;
    Ok(())
}

pub fn delete(c: &Connection, user: &str, id: &str) -> rusqlite::Result<bool> {
    match visible(c, user, id)? {
        None => Ok(false),
        Some(false) => {
            c.prepare_cached("DELETE FROM notifications WHERE id = ?1")?
                .execute([id])?;
            Ok(true)
        }
        Some(true) => {
            // A broadcast stays for others: hide it for this user only.
            c.prepare_cached(
                "INSERT INTO notification_receipts (notification_id, user_id, deleted_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (notification_id, user_id) DO UPDATE SET deleted_at = excluded.deleted_at",
            )?
            .execute(params![id, user, crate::time::now_rfc3339()])?;
            Ok(true)
        }
    }
}
