//! Loop protection: events written while an action runs are tagged with the automation and the
//! chain depth, atomically with the event itself. A TEMP trigger on the action's own connection
//! copies the context row of `temp.automation_ctx` for every inserted event, so it works for
//! actions that call other areas' functions opening their own transactions.
use super::store;
use rusqlite::Connection;

/// Run `f` with every event it writes on `c` attributed to `automation_id` at `depth`. The
/// context is cleared afterwards even if `f` panics: the pooled connection is reused.
pub fn with_origin<T>(
    c: &mut Connection,
    automation_id: &str,
    depth: i64,
    f: impl FnOnce(&mut Connection) -> T,
) -> rusqlite::Result<T> {
    store::install_origin_tagging(c)?;
    store::clear_origin(c)?;
    store::set_origin(c, automation_id, depth)?;
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(c)));
    store::clear_origin(c)?;
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
            crate::events::emit(c, "task.updated", None, serde_json::json!({})).unwrap()
        })
        .unwrap();
        let outside = crate::events::emit(&c, "task.updated", None, serde_json::json!({})).unwrap();
        let origin = super::store::origin(&c, &inside).unwrap();
        assert_eq!(origin, Some(("auto-1".to_string(), 2)));
        assert_eq!(super::store::origin(&c, &outside).unwrap(), None);
    }
}
