//! SQL of what happens on a task: comments, the per-user running timer, and the time logged on
//! a task (rows of `timesheets`, which the timesheets area reads and edits).
use super::types::{Comment, Task};
use crate::page::Page;
use rusqlite::{Connection, OptionalExtension, params};

const COMMENT: &str = "SELECT m.id, m.task_id, m.author_id, u.name, m.content, m.created_at
    FROM task_comments m LEFT JOIN users u ON u.id = m.author_id";

fn comment_row(r: &rusqlite::Row) -> rusqlite::Result<Comment> {
    Ok(Comment {
        id: r.get(0)?,
        task_id: r.get(1)?,
        author_id: r.get(2)?,
        author_name: r.get(3)?,
        content: r.get(4)?,
        created_at: r.get(5)?,
    })
}

/// One page of a task's comments, oldest first, and how many there are.
pub fn comments(
    c: &Connection,
    task_id: &str,
    page: Page,
) -> rusqlite::Result<(Vec<Comment>, u64)> {
    let (limit, offset) = page.sql();
    let total = c
        .prepare_cached("SELECT COUNT(*) FROM task_comments WHERE task_id = ?1")?
        .query_row([task_id], |r| r.get::<_, i64>(0).map(|n| n as u64))?;
    let items = c
        .prepare_cached(&format!(
            "{COMMENT} WHERE m.task_id = ?1 ORDER BY m.created_at, m.id LIMIT ?2 OFFSET ?3"
        ))?
        .query_map(params![task_id, limit, offset], comment_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok((items, total))
}

pub fn insert_comment(
    c: &Connection,
    task_id: &str,
    author: &str,
    content: &str,
) -> rusqlite::Result<Comment> {
    let id = uuid::Uuid::now_v7().to_string();
    c.prepare_cached("INSERT INTO task_comments (id, task_id, author_id, content, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![id, task_id, author, content, crate::time::now_rfc3339()])?;
    c.prepare_cached(&format!("{COMMENT} WHERE m.id = ?1"))?
        .query_row([&id], comment_row)
}

/// The task and author of a comment.
pub fn comment_ref(c: &Connection, id: &str) -> rusqlite::Result<Option<(String, Option<String>)>> {
    c.prepare_cached("SELECT task_id, author_id FROM task_comments WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
}

pub fn delete_comment(c: &Connection, id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM task_comments WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// The user's running timer: (task id, started ms, task title).
pub fn running(c: &Connection, user: &str) -> rusqlite::Result<Option<(String, i64, String)>> {
    c.prepare_cached(
        "SELECT tt.task_id, tt.started_ms, t.title FROM task_timers tt JOIN tasks t ON t.id = tt.task_id WHERE tt.user_id = ?1",
    )?
    .query_row([user], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
    .optional()
}

pub fn start_timer(c: &Connection, user: &str, task_id: &str) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO task_timers (user_id, task_id, started_ms) VALUES (?1, ?2, ?3)")?
        .execute(params![user, task_id, crate::time::now_millis()])?;
    Ok(())
}

pub fn clear_timer(c: &Connection, user: &str) -> rusqlite::Result<()> {
    c.prepare_cached("DELETE FROM task_timers WHERE user_id = ?1")?
        .execute([user])?;
    Ok(())
}

/// What a time log records (validated by the caller).
pub struct TimeLog<'a> {
    pub minutes: i64,
    pub billable: bool,
    pub description: &'a str,
    /// `YYYY-MM-DD`.
    pub date: &'a str,
    /// `manual` or `timer`.
    pub source: &'a str,
}

/// Record time on a task for `user`, snapshotting their hourly rate. Returns the entry id.
pub fn log_time(c: &Connection, user: &str, task: &Task, l: &TimeLog) -> rusqlite::Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    let now = crate::time::now_rfc3339();
    c.prepare_cached(
        "INSERT INTO timesheets (id, owner_id, task_id, client_id, project_id, minutes, billable, description, date,
            source, hourly_rate, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, (SELECT hourly_rate FROM users WHERE id = ?2), ?11, ?11)",
    )?
    .execute(params![
        id, user, task.id, task.client_id, task.project_id, l.minutes, l.billable, l.description, l.date,
        l.source, now
    ])?;
    Ok(id)
}
