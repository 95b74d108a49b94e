//! SQL of the planner.
use super::types::*;
use crate::access::{self, Viewer};
use crate::page::Page;
use rusqlite::{Connection, OptionalExtension, Row, params};

const PLAN_COLS: &str = "p.id, p.title, p.description, p.start_date, p.end_date, p.platforms, p.cadence, \
     p.goals, p.client_id, p.project_id, p.status, \
     (SELECT COUNT(*) FROM plan_items i WHERE i.plan_id = p.id), p.owner_id, p.created_at, p.updated_at";

const ITEM_COLS: &str = "i.id, i.plan_id, i.date, i.platform, i.title, i.brief, i.status, i.content_id, \
     i.task_id, i.created_at, i.updated_at";

fn plan_row(r: &Row) -> rusqlite::Result<Plan> {
    let platforms: String = r.get(5)?;
    Ok(Plan {
        id: r.get(0)?,
        title: r.get(1)?,
        description: r.get(2)?,
        start_date: r.get(3)?,
        end_date: r.get(4)?,
        platforms: serde_json::from_str(&platforms).unwrap_or_default(),
        cadence: r.get(6)?,
        goals: r.get(7)?,
        client_id: r.get(8)?,
        project_id: r.get(9)?,
        status: r.get(10)?,
        items_count: r.get(11)?,
        created_by: r.get(12)?,
        created_at: r.get(13)?,
        updated_at: r.get(14)?,
    })
}

fn item_row(r: &Row) -> rusqlite::Result<PlanItem> {
    Ok(PlanItem {
        id: r.get(0)?,
        plan_id: r.get(1)?,
        date: r.get(2)?,
        platform: r.get(3)?,
        title: r.get(4)?,
        brief: r.get(5)?,
        status: r.get(6)?,
        content_id: r.get(7)?,
        task_id: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

fn js(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

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

pub fn get(c: &Connection, v: &Viewer, id: &str) -> rusqlite::Result<Option<Plan>> {
    let sql = format!(
        "SELECT {PLAN_COLS} FROM plans p WHERE p.id = ?3 AND {}",
        access::visible("p", "plan", 1)
    );
    c.prepare_cached(&sql)?
        .query_row(params![v.user_id, v.admin, id], plan_row)
        .optional()
}

pub fn list(
    c: &Connection,
    v: &Viewer,
    f: &PlanFilter,
    page: Page,
) -> rusqlite::Result<(Vec<Plan>, u64)> {
    let filter = format!(
        "FROM plans p WHERE {} AND (?3 IS NULL OR p.client_id = ?3)
           AND (?4 IS NULL OR p.project_id = ?4) AND (?5 IS NULL OR p.status = ?5)",
        access::visible("p", "plan", 1)
    );
    let total: i64 = c
        .prepare_cached(&format!("SELECT COUNT(*) {filter}"))?
        .query_row(
            params![v.user_id, v.admin, f.client_id, f.project_id, f.status],
            |r| r.get(0),
        )?;
    let (limit, offset) = page.sql();
    let items = c
        .prepare_cached(&format!(
            "SELECT {PLAN_COLS} {filter} ORDER BY p.start_date DESC, p.created_at DESC, p.id LIMIT ?6 OFFSET ?7"
        ))?
        .query_map(
            params![
                v.user_id,
                v.admin,
                f.client_id,
                f.project_id,
                f.status,
                limit,
                offset
            ],
            plan_row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok((items, total as u64))
}

pub fn insert(c: &Connection, owner: &str, p: &PlanRow) -> rusqlite::Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    c.prepare_cached(
        "INSERT INTO plans (id, owner_id, client_id, project_id, title, description, start_date, end_date,
            platforms, cadence, goals, status, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
    )?
    .execute(params![
        id,
        owner,
        p.client_id,
        p.project_id,
        p.title,
        p.description,
        p.start_date,
        p.end_date,
        js(&p.platforms),
        p.cadence,
        p.goals,
        p.status,
        crate::time::now_rfc3339()
    ])?;
    Ok(id)
}

pub fn update(c: &Connection, id: &str, p: &PlanRow) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE plans SET client_id = ?2, project_id = ?3, title = ?4, description = ?5, start_date = ?6,
            end_date = ?7, platforms = ?8, cadence = ?9, goals = ?10, status = ?11, updated_at = ?12
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        p.client_id,
        p.project_id,
        p.title,
        p.description,
        p.start_date,
        p.end_date,
        js(&p.platforms),
        p.cadence,
        p.goals,
        p.status,
        crate::time::now_rfc3339()
    ])?;
    Ok(())
}

pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached("DELETE FROM plans WHERE id = ?1")?
        .execute([id])?
        > 0)
}

/// Items of a plan dated outside `start..=end`.
pub fn items_outside(
    c: &Connection,
    plan_id: &str,
    start: &str,
    end: &str,
) -> rusqlite::Result<i64> {
    c.prepare_cached(
        "SELECT COUNT(*) FROM plan_items WHERE plan_id = ?1 AND (date < ?2 OR date > ?3)",
    )?
    .query_row(params![plan_id, start, end], |r| r.get(0))
}

pub fn items_of(c: &Connection, plan_id: &str) -> rusqlite::Result<Vec<PlanItem>> {
    c.prepare_cached(&format!(
        "SELECT {ITEM_COLS} FROM plan_items i WHERE i.plan_id = ?1 ORDER BY i.date, i.platform, i.created_at"
    ))?
    .query_map([plan_id], item_row)?
    .collect()
}

/// An item of a plan the viewer may see.
pub fn get_item(c: &Connection, v: &Viewer, id: &str) -> rusqlite::Result<Option<PlanItem>> {
    let sql = format!(
        "SELECT {ITEM_COLS} FROM plan_items i JOIN plans p ON p.id = i.plan_id WHERE i.id = ?3 AND {}",
        access::visible("p", "plan", 1)
    );
    c.prepare_cached(&sql)?
        .query_row(params![v.user_id, v.admin, id], item_row)
        .optional()
}

/// The calendar: items of every visible plan, by date.
pub fn list_items(
    c: &Connection,
    v: &Viewer,
    f: &ItemFilter,
    page: Page,
) -> rusqlite::Result<(Vec<PlanItem>, u64)> {
    let filter = format!(
        "FROM plan_items i JOIN plans p ON p.id = i.plan_id WHERE {}
           AND (?3 IS NULL OR i.date >= ?3) AND (?4 IS NULL OR i.date <= ?4)
           AND (?5 IS NULL OR i.plan_id = ?5) AND (?6 IS NULL OR p.client_id = ?6)
           AND (?7 IS NULL OR i.status = ?7) AND (?8 IS NULL OR i.platform = ?8)",
        access::visible("p", "plan", 1)
    );
    let args = params![
        v.user_id,
        v.admin,
        f.from,
        f.to,
        f.plan_id,
        f.client_id,
        f.status,
        f.platform
    ];
    let total: i64 = c
        .prepare_cached(&format!("SELECT COUNT(*) {filter}"))?
        .query_row(args, |r| r.get(0))?;
    let (limit, offset) = page.sql();
    let items = c
        .prepare_cached(&format!(
            "SELECT {ITEM_COLS} {filter} ORDER BY i.date, i.platform, i.created_at, i.id LIMIT ?9 OFFSET ?10"
        ))?
        .query_map(
            params![
                v.user_id,
                v.admin,
                f.from,
                f.to,
                f.plan_id,
                f.client_id,
                f.status,
                f.platform,
                limit,
                offset
            ],
            item_row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok((items, total as u64))
}

pub fn insert_item(c: &Connection, plan_id: &str, n: &NewItem) -> rusqlite::Result<PlanItem> {
    let id = uuid::Uuid::now_v7().to_string();
    c.prepare_cached(
        "INSERT INTO plan_items (id, plan_id, date, platform, title, brief, status, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?
    .execute(params![
        id,
        plan_id,
        n.date,
        n.platform,
        n.title,
        n.brief,
        n.status,
        crate::time::now_rfc3339()
    ])?;
    load_item(c, &id)
}

pub fn load_item(c: &Connection, id: &str) -> rusqlite::Result<PlanItem> {
    c.prepare_cached(&format!(
        "SELECT {ITEM_COLS} FROM plan_items i WHERE i.id = ?1"
    ))?
    .query_row([id], item_row)
}

/// Write back every field of an item.
pub fn update_item(c: &Connection, i: &PlanItem) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE plan_items SET date = ?2, platform = ?3, title = ?4, brief = ?5, status = ?6,
            content_id = ?7, task_id = ?8, updated_at = ?9 WHERE id = ?1",
    )?
    .execute(params![
        i.id,
        i.date,
        i.platform,
        i.title,
        i.brief,
        i.status,
        i.content_id,
        i.task_id,
        crate::time::now_rfc3339()
    ])?;
    Ok(())
}

pub fn delete_item(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached("DELETE FROM plan_items WHERE id = ?1")?
        .execute([id])?
        > 0)
}

/// The (date, platform) pairs a plan already has.
pub fn slots_of(c: &Connection, plan_id: &str) -> rusqlite::Result<Vec<(String, String)>> {
    c.prepare_cached("SELECT date, platform FROM plan_items WHERE plan_id = ?1")?
        .query_map([plan_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

/// Whether the plan already has an item on this platform that day.
pub fn slot_taken(
    c: &Connection,
    plan_id: &str,
    date: &str,
    platform: &str,
) -> rusqlite::Result<bool> {
    c.prepare_cached(
        "SELECT EXISTS(SELECT 1 FROM plan_items WHERE plan_id = ?1 AND date = ?2 AND platform = ?3)",
    )?
    .query_row(params![plan_id, date, platform], |r| r.get(0))
}
