//! Comments and the running timer of a task (one per user; stopping records a timesheet entry).
use super::store::{self, event_payload};
use super::types::{Comment, TimerState};
use crate::access::Viewer;
use crate::error::{ApiError, ApiResult};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde_json::json;

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

pub fn comments(c: &Connection, task_id: &str) -> rusqlite::Result<Vec<Comment>> {
    c.prepare_cached(&format!(
        "{COMMENT} WHERE m.task_id = ?1 ORDER BY m.created_at, m.id"
    ))?
    .query_map([task_id], comment_row)?
    .collect()
}

/// Comment on a visible task; emits `comment.created` with the task's fields.
pub fn add_comment(
    c: &mut Connection,
    v: &Viewer,
    task_id: &str,
    content: &str,
) -> ApiResult<Comment> {
    let content = content.trim();
    if content.is_empty() || content.len() > 20_000 {
        return Err(ApiError::unprocessable(
            "content must be 1–20000 characters",
        ));
    }
    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let t = store::get(&tx, v, task_id)?.ok_or(ApiError::NotFound("task"))?;
    let id = uuid::Uuid::now_v7().to_string();
    tx.prepare_cached("INSERT INTO task_comments (id, task_id, author_id, content, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![id, t.id, v.user_id, content, crate::time::now_rfc3339()])?;
    let comment = tx
        .prepare_cached(&format!("{COMMENT} WHERE m.id = ?1"))?
        .query_row([&id], comment_row)?;
    let mut p = event_payload(&t);
    p["comment_id"] = json!(comment.id);
    p["content"] = json!(comment.content);
    p["author_id"] = json!(v.user_id);
    crate::events::emit(&tx, "comment.created", Some(&v.user_id), p)?;
    tx.commit()?;
    Ok(comment)
}

/// Delete a comment: its author or an admin (others get 403; invisible tasks 404).
pub fn delete_comment(c: &mut Connection, v: &Viewer, id: &str) -> ApiResult<()> {
    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let found: Option<(String, Option<String>)> = tx
        .prepare_cached("SELECT task_id, author_id FROM task_comments WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((task_id, author)) = found else {
        return Err(ApiError::NotFound("comment"));
    };
    store::get(&tx, v, &task_id)?.ok_or(ApiError::NotFound("comment"))?;
    if !v.admin && author.as_deref() != Some(&v.user_id) {
        return Err(ApiError::forbidden(
            "only the author or an admin may delete a comment",
        ));
    }
    tx.prepare_cached("DELETE FROM task_comments WHERE id = ?1")?
        .execute([id])?;
    tx.commit()?;
    Ok(())
}

fn running(c: &Connection, user: &str) -> rusqlite::Result<Option<(String, i64, String)>> {
    c.prepare_cached(
        "SELECT tt.task_id, tt.started_ms, t.title FROM task_timers tt JOIN tasks t ON t.id = tt.task_id WHERE tt.user_id = ?1",
    )?
    .query_row([user], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
    .optional()
}

pub fn timer_state(c: &Connection, user: &str) -> rusqlite::Result<TimerState> {
    Ok(match running(c, user)? {
        Some((task, started, title)) => TimerState {
            running: true,
            task_id: Some(task),
            task_title: Some(title),
            started_at: Some(crate::time::millis_to_rfc3339(started)),
            elapsed_seconds: (crate::time::now_millis() - started) / 1000,
            entry_id: None,
            minutes: None,
        },
        None => TimerState {
            running: false,
            task_id: None,
            task_title: None,
            started_at: None,
            elapsed_seconds: 0,
            entry_id: None,
            minutes: None,
        },
    })
}

/// Stop the user's running timer (if any), recording the elapsed time (rounded up to a minute).
fn stop_running(c: &Connection, v: &Viewer) -> ApiResult<Option<(String, i64)>> {
    let Some((task_id, started, _)) = running(c, &v.user_id)? else {
        return Ok(None);
    };
    c.prepare_cached("DELETE FROM task_timers WHERE user_id = ?1")?
        .execute([&v.user_id])?;
    let t = store::get(c, v, &task_id)?.ok_or(ApiError::NotFound("task"))?;
    let secs = ((crate::time::now_millis() - started) / 1000).max(0);
    let minutes = ((secs + 59) / 60).max(1);
    let entry = crate::api::timesheets::store::insert(
        c,
        &v.user_id,
        &t,
        minutes,
        true,
        "",
        &chrono::Utc::now().format("%Y-%m-%d").to_string(),
        "timer",
    )?;
    let mut p = event_payload(&t);
    p["minutes"] = json!(minutes);
    p["timesheet_id"] = json!(entry);
    p["user_id"] = json!(v.user_id);
    crate::events::emit(c, "timer.stopped", Some(&v.user_id), p)?;
    Ok(Some((entry, minutes)))
}

/// `start` (stopping any other running timer of the user first) or `stop`.
pub fn timer(c: &mut Connection, v: &Viewer, task_id: &str, action: &str) -> ApiResult<TimerState> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let t = store::get(&tx, v, task_id)?.ok_or(ApiError::NotFound("task"))?;
    let current = running(&tx, &v.user_id)?;
    let mut state = match action {
        "start" => {
            if current.as_ref().is_some_and(|(id, _, _)| *id == t.id) {
                return Err(ApiError::conflict(
                    "the timer is already running on this task",
                ));
            }
            stop_running(&tx, v)?;
            tx.prepare_cached(
                "INSERT INTO task_timers (user_id, task_id, started_ms) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![v.user_id, t.id, crate::time::now_millis()])?;
            let mut p = event_payload(&t);
            p["user_id"] = json!(v.user_id);
            crate::events::emit(&tx, "timer.started", Some(&v.user_id), p)?;
            timer_state(&tx, &v.user_id)?
        }
        "stop" => {
            if current.as_ref().is_none_or(|(id, _, _)| *id != t.id) {
                return Err(ApiError::conflict("no timer is running on this task"));
            }
            let (entry, minutes) = stop_running(&tx, v)?.expect("checked running");
            let mut s = timer_state(&tx, &v.user_id)?;
            s.task_id = Some(t.id.clone());
            s.entry_id = Some(entry);
            s.minutes = Some(minutes);
            s
        }
        other => {
            return Err(ApiError::unprocessable(format!(
                "action must be start or stop, not {other:?}"
            )));
        }
    };
    tx.commit()?;
    if state.task_title.is_none() {
        state.task_title = Some(t.title);
    }
    Ok(state)
}
