//! SQL of the planner.
use rusqlite::{Connection, OptionalExtension, params};

/// The plan an item belongs to (None: no such item).
pub fn plan_of_item(c: &Connection, item_id: &str) -> rusqlite::Result<Option<String>> {
    c.query_row(
        "SELECT plan_id FROM plan_items WHERE id = ?1",
        [item_id],
        |r| r.get(0),
    )
    .optional()
}

/// Link a drafted content to its item; an item still at `idea`/`planned` becomes `drafted`.
pub fn link_content(
    c: &Connection,
    item_id: &str,
    content_id: &str,
    now: &str,
) -> rusqlite::Result<bool> {
    Ok(c.execute(
        "UPDATE plan_items SET content_id = ?2, updated_at = ?3,
                status = CASE WHEN status IN ('idea', 'planned') THEN 'drafted' ELSE status END
         WHERE id = ?1",
        params![item_id, content_id, now],
    )? > 0)
}
