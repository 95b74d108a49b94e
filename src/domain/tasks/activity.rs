//! Comments, the running timer of a task (one per user; stopping records time on the task) and
//! time logs, which the timesheets area records through [`log_time_in`].
use super::activity_store as store;
use super::types::{Comment, Task, TimerState};
use super::{event_payload, find};
use crate::access::Viewer;
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::page::{Page, Paged};
use rusqlite::Connection;
use serde_json::json;

pub use store::TimeLog;

pub async fn comments(
    db: &Db,
    v: Viewer,
    task_id: String,
    page: Page,
) -> ApiResult<Paged<Comment>> {
    db.read(move |c| -> ApiResult<_> {
        find(c, &v, &task_id)?.ok_or(ApiError::NotFound("task"))?;
        let (items, total) = store::comments(c, &task_id, page)?;
        Ok(Paged::new(items, total, page))
    })
    .await
}

pub async fn comment(db: &Db, v: Viewer, task_id: String, content: String) -> ApiResult<Comment> {
    db.write(move |c| comment_in(c, &v, &task_id, &content))
        .await
}

/// Comment on a task the viewer may change (a share is read-only: 403) inside the caller's
/// transaction; emits `comment.created` with the task's fields.
pub fn comment_in(c: &Connection, v: &Viewer, task_id: &str, content: &str) -> ApiResult<Comment> {
    let content = content.trim();
    if content.is_empty() || content.len() > 20_000 {
        return Err(ApiError::unprocessable(
            "content must be 1–20000 characters",
        ));
    }
    let t = super::editable(c, v, task_id)?;
    let comment = store::insert_comment(c, &t.id, &v.user_id, content)?;
    let mut p = event_payload(&t);
    p["comment_id"] = json!(comment.id);
    p["content"] = json!(comment.content);
    p["author_id"] = json!(v.user_id);
    crate::events::emit(c, "comment.created", Some(&v.user_id), p)?;
    Ok(comment)
}

/// Delete a comment: its author or an admin (others get 403; invisible tasks 404).
pub async fn delete_comment(db: &Db, v: Viewer, id: String) -> ApiResult<()> {
    db.write(move |c| -> ApiResult<_> {
        let (task_id, author) = store::comment_ref(c, &id)?.ok_or(ApiError::NotFound("comment"))?;
        find(c, &v, &task_id)?.ok_or(ApiError::NotFound("comment"))?;
        if !v.admin && author.as_deref() != Some(&v.user_id) {
            return Err(ApiError::forbidden(
                "only the author or an admin may delete a comment",
            ));
        }
        Ok(store::delete_comment(c, &id)?)
    })
    .await
}

fn state_of(c: &Connection, user: &str) -> rusqlite::Result<TimerState> {
    Ok(match store::running(c, user)? {
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

/// The caller's running timer, if any.
pub async fn timer_state(db: &Db, v: Viewer) -> ApiResult<TimerState> {
    Ok(db.read(move |c| state_of(c, &v.user_id)).await?)
}

/// Record time on a visible task for the viewer, inside the caller's transaction. Returns the
/// entry id.
pub fn log_time_in(
    c: &Connection,
    v: &Viewer,
    task: &Task,
    log: &TimeLog,
) -> rusqlite::Result<String> {
    store::log_time(c, &v.user_id, task, log)
}

/// Stop the user's running timer (if any), recording the elapsed time (rounded up to a minute).
fn stop_running(c: &Connection, v: &Viewer) -> ApiResult<Option<(String, i64)>> {
    let Some((task_id, started, _)) = store::running(c, &v.user_id)? else {
        return Ok(None);
    };
    store::clear_timer(c, &v.user_id)?;
    let t = find(c, v, &task_id)?.ok_or(ApiError::NotFound("task"))?;
    let secs = ((crate::time::now_millis() - started) / 1000).max(0);
    let minutes = ((secs + 59) / 60).max(1);
    let date = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let entry = log_time_in(
        c,
        v,
        &t,
        &TimeLog {
            minutes,
            billable: true,
            description: "",
            date: &date,
            source: "timer",
        },
    )?;
    let mut p = event_payload(&t);
    p["minutes"] = json!(minutes);
    p["timesheet_id"] = json!(entry);
    p["user_id"] = json!(v.user_id);
    crate::events::emit(c, "timer.stopped", Some(&v.user_id), p)?;
    Ok(Some((entry, minutes)))
}

/// `start` (stopping any other running timer of the user first) or `stop`.
pub async fn timer(db: &Db, v: Viewer, task_id: String, action: String) -> ApiResult<TimerState> {
    db.write(move |c| -> ApiResult<_> {
        let t = find(c, &v, &task_id)?.ok_or(ApiError::NotFound("task"))?;
        let current = store::running(c, &v.user_id)?;
        let mut state = match action.trim() {
            "start" => {
                if current.as_ref().is_some_and(|(id, _, _)| *id == t.id) {
                    return Err(ApiError::conflict(
                        "the timer is already running on this task",
                    ));
                }
                stop_running(c, &v)?;
                store::start_timer(c, &v.user_id, &t.id)?;
                let mut p = event_payload(&t);
                p["user_id"] = json!(v.user_id);
                crate::events::emit(c, "timer.started", Some(&v.user_id), p)?;
                state_of(c, &v.user_id)?
            }
            "stop" => {
                if current.as_ref().is_none_or(|(id, _, _)| *id != t.id) {
                    return Err(ApiError::conflict("no timer is running on this task"));
                }
                let (entry, minutes) = stop_running(c, &v)?.expect("checked running");
                let mut s = state_of(c, &v.user_id)?;
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
        if state.task_title.is_none() {
            state.task_title = Some(t.title);
        }
        Ok(state)
    })
    .await
}
