//! Loop protection: events written while an action runs are tagged with the automation and the
//! chain depth, atomically with the event itself. A TEMP trigger on the writer connection copies
//! the context row of `temp.automation_ctx` for every inserted event, so it works for actions
//! that call other areas' operations.
use super::store;
use rusqlite::Connection;

/// Run `f` with every event it writes in the write transaction `tx` attributed to
/// `automation_id` at `depth`. The context row lives in a TEMP table, so it is part of the same
/// transaction: cleared before commit, and rolled back with everything else on an error.
pub fn with_origin<T, E: From<rusqlite::Error>>(
    tx: &Connection,
    automation_id: &str,
    depth: i64,
    f: impl FnOnce(&Connection) -> Result<T, E>,
) -> Result<T, E> {
    store::install_origin_tagging(tx)?;
    store::clear_origin(tx)?;
    store::set_origin(tx, automation_id, depth)?;
    let out = f(tx)?;
    store::clear_origin(tx)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn events_written_inside_are_tagged_and_outside_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::db::Db::open(&dir.path().join("t.db"), false).unwrap();
        let (inside, outside) = db
            .write_blocking(|tx| -> rusqlite::Result<_> {
                let inside = super::with_origin(tx, "auto-1", 2, |c| {
                    crate::events::emit(c, "task.updated", None, serde_json::json!({}))
                })?;
                let outside = crate::events::emit(tx, "task.updated", None, serde_json::json!({}))?;
                Ok((inside, outside))
            })
            .unwrap();
        let c = db.conn().unwrap();
        let origin = super::store::origin(&c, &inside).unwrap();
        assert_eq!(origin, Some(("auto-1".to_string(), 2)));
        assert_eq!(super::store::origin(&c, &outside).unwrap(), None);
    }
}
