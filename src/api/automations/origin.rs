//! Loop protection: events written while an action runs are tagged with the automation and the
//! chain depth, atomically with the event itself. A TEMP trigger on the action's own connection
//! copies the context row of `temp.automation_ctx` for every inserted event, so it works for
//! actions that call other areas' functions opening their own transactions.
use rusqlite::{Connection, params};

fn install(c: &Connection) -> rusqlite::Result<()> {
    c.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS automation_ctx (automation_id TEXT NOT NULL, depth INTEGER NOT NULL);
         CREATE TEMP TRIGGER IF NOT EXISTS automation_tag_events AFTER INSERT ON main.events
         BEGIN
             INSERT OR IGNORE INTO main.automation_event_origins (event_id, automation_id, depth)
             SELECT NEW.id, automation_id, depth FROM temp.automation_ctx;
         END;",
    )
}

fn reset(c: &Connection) -> rusqlite::Result<()> {
    c.execute("DELETE FROM temp.automation_ctx", []).map(|_| ())
}

/// Run `f` with every event it writes on `c` attributed to `automation_id` at `depth`. The
/// context is cleared afterwards even if `f` panics: the pooled connection is reused.
pub fn with_origin<T>(
    c: &mut Connection,
    automation_id: &str,
    depth: i64,
    f: impl FnOnce(&mut Connection) -> T,
) -> rusqlite::Result<T> {
    install(c)?;
    reset(c)?;
    c.execute(
        "INSERT INTO temp.automation_ctx (automation_id, depth) VALUES (?1, ?2)",
        params![automation_id, depth],
    )?;
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(c)));
    reset(c)?;
    match out {
        Ok(v) => Ok(v),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn events_written_inside_are_tagged_and_outside_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::db::Db::open(&dir.path().join("t.db"), false).unwrap();
        let mut c = db.conn().unwrap();
        let inside = super::with_origin(&mut c, "auto-1", 2, |c| {
            let tx = c.transaction().unwrap();
            let id = crate::events::emit(&tx, "task.updated", None, serde_json::json!({})).unwrap();
            tx.commit().unwrap();
            id
        })
        .unwrap();
        let outside = crate::events::emit(&c, "task.updated", None, serde_json::json!({})).unwrap();
        let origin = crate::api::automations::store::origin(&c, &inside).unwrap();
        assert_eq!(origin, Some(("auto-1".to_string(), 2)));
        assert_eq!(
            crate::api::automations::store::origin(&c, &outside).unwrap(),
            None
        );
    }
}
