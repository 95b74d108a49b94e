//! SQL of automations, their runs and the origins of events caused by their actions (with the
//! per-connection tagging that records them).
use super::types::{Automation, Run};
use rusqlite::{Connection, OptionalExtension, Row, params};

const COLS: &str = "id, owner_id, name, trigger, conditions, action, action_config, active, created_at, updated_at";

fn row(r: &Row) -> rusqlite::Result<Automation> {
    let conditions: String = r.get(4)?;
    let config: String = r.get(6)?;
    Ok(Automation {
        id: r.get(0)?,
        owner_id: r.get(1)?,
        name: r.get(2)?,
        trigger: r.get(3)?,
        conditions: serde_json::from_str(&conditions).unwrap_or_default(),
        action: r.get(5)?,
        action_config: serde_json::from_str(&config).unwrap_or_default(),
        active: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
    })
}

pub fn upsert(c: &Connection, a: &Automation) -> rusqlite::Result<()> {
    c.prepare_cached(&format!(
        "INSERT INTO automations ({COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, trigger = excluded.trigger,
           conditions = excluded.conditions, action = excluded.action,
           action_config = excluded.action_config, active = excluded.active, updated_at = excluded.updated_at"
    ))?
    .execute(params![
        a.id,
        a.owner_id,
        a.name,
        a.trigger,
        serde_json::to_string(&a.conditions).unwrap_or_default(),
        a.action,
        a.action_config.to_string(),
        a.active,
        a.created_at,
        a.updated_at
    ])?;
    Ok(())
}

/// One automation, if the viewer owns it (admins see all).
pub fn get(
    c: &Connection,
    id: &str,
    user: &str,
    admin: bool,
) -> rusqlite::Result<Option<Automation>> {
    c.prepare_cached(&format!(
        "SELECT {COLS} FROM automations WHERE id = ?1 AND (?3 = 1 OR owner_id = ?2)"
    ))?
    .query_row(params![id, user, admin], row)
    .optional()
}

pub fn get_any(c: &Connection, id: &str) -> rusqlite::Result<Option<Automation>> {
    c.prepare_cached(&format!("SELECT {COLS} FROM automations WHERE id = ?1"))?
        .query_row([id], row)
        .optional()
}

/// One page of the automations the viewer owns (admins: all), newest first, and how many.
pub fn list(
    c: &Connection,
    user: &str,
    admin: bool,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<(Vec<Automation>, u64)> {
    let items = c
        .prepare_cached(&format!(
            "SELECT {COLS} FROM automations WHERE (?2 = 1 OR owner_id = ?1)
             ORDER BY created_at DESC, id DESC LIMIT ?3 OFFSET ?4"
        ))?
        .query_map(params![user, admin, limit, offset], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total = c
        .prepare_cached("SELECT COUNT(*) FROM automations WHERE (?2 = 1 OR owner_id = ?1)")?
        .query_row(params![user, admin], |r| r.get::<_, i64>(0))? as u64;
    Ok((items, total))
}

pub fn active_for(c: &Connection, trigger: &str) -> rusqlite::Result<Vec<Automation>> {
    c.prepare_cached(&format!(
        "SELECT {COLS} FROM automations WHERE trigger = ?1 AND active = 1"
    ))?
    .query_map([trigger], row)?
    .collect()
}

/// `(id, action_config)` of every automation whose config has a `secret` (the start-up pass that
/// seals values written before they were sealed).
pub fn configs_with_secret(c: &Connection) -> rusqlite::Result<Vec<(String, serde_json::Value)>> {
    c.prepare_cached(
        "SELECT id, action_config FROM automations
         WHERE json_type(action_config, '$.secret') = 'text'",
    )?
    .query_map([], |r| {
        let config: String = r.get(1)?;
        Ok((r.get(0)?, serde_json::from_str(&config).unwrap_or_default()))
    })?
    .collect()
}

/// Replace the stored config without touching `updated_at`.
pub fn set_action_config(
    c: &Connection,
    id: &str,
    config: &serde_json::Value,
) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE automations SET action_config = ?2 WHERE id = ?1")?
        .execute(params![id, config.to_string()])?;
    Ok(())
}

pub fn delete(c: &Connection, id: &str) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached("DELETE FROM automations WHERE id = ?1")?
        .execute([id])?
        == 1)
}

const RUN_COLS: &str = "id, automation_id, event_id, trigger, payload, depth, is_test, status, output, error, duration_ms, created_at, finished_at";

fn run_row(r: &Row) -> rusqlite::Result<Run> {
    let payload: String = r.get(4)?;
    let output: Option<String> = r.get(8)?;
    Ok(Run {
        id: r.get(0)?,
        automation_id: r.get(1)?,
        event_id: r.get(2)?,
        trigger: r.get(3)?,
        payload: serde_json::from_str(&payload).unwrap_or_default(),
        depth: r.get(5)?,
        is_test: r.get(6)?,
        status: r.get(7)?,
        output: output.and_then(|o| serde_json::from_str(&o).ok()),
        error: r.get(9)?,
        duration_ms: r.get(10)?,
        created_at: r.get(11)?,
        finished_at: r.get(12)?,
    })
}

pub struct NewRun<'a> {
    pub automation_id: &'a str,
    pub event_id: Option<&'a str>,
    pub trigger: &'a str,
    pub payload: &'a serde_json::Value,
    pub depth: i64,
    pub is_test: bool,
    pub status: &'a str,
    pub error: Option<&'a str>,
}

/// Insert a run unless this automation already ran for this event; returns its id when inserted.
pub fn insert_run(c: &Connection, r: &NewRun) -> rusqlite::Result<Option<String>> {
    let id = uuid::Uuid::now_v7().to_string();
    let n = c
        .prepare_cached(
            "INSERT OR IGNORE INTO automation_runs (id, automation_id, event_id, trigger, payload, depth, is_test, status, error, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![id, r.automation_id, r.event_id, r.trigger, r.payload.to_string(), r.depth, r.is_test, r.status, r.error, crate::time::now_rfc3339()])?;
    Ok((n == 1).then_some(id))
}

pub fn get_run(c: &Connection, id: &str) -> rusqlite::Result<Option<Run>> {
    c.prepare_cached(&format!(
        "SELECT {RUN_COLS} FROM automation_runs WHERE id = ?1"
    ))?
    .query_row([id], run_row)
    .optional()
}

pub fn finish_run(
    c: &Connection,
    id: &str,
    status: &str,
    output: Option<&serde_json::Value>,
    error: Option<&str>,
    duration_ms: i64,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE automation_runs SET status = ?2, output = ?3, error = ?4, duration_ms = ?5, finished_at = ?6 WHERE id = ?1",
    )?
    .execute(params![id, status, output.map(|o| o.to_string()), error, duration_ms, crate::time::now_rfc3339()])?;
    Ok(())
}

/// One page of an automation's runs, newest first, and how many there are.
pub fn runs(
    c: &Connection,
    automation_id: &str,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<(Vec<Run>, u64)> {
    let items = c
        .prepare_cached(&format!(
            "SELECT {RUN_COLS} FROM automation_runs WHERE automation_id = ?1
             ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3"
        ))?
        .query_map(params![automation_id, limit, offset], run_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total = c
        .prepare_cached("SELECT COUNT(*) FROM automation_runs WHERE automation_id = ?1")?
        .query_row([automation_id], |r| r.get::<_, i64>(0))? as u64;
    Ok((items, total))
}

/// The automation and chain depth that caused an event, if an action caused it.
pub fn origin(c: &Connection, event_id: &str) -> rusqlite::Result<Option<(String, i64)>> {
    c.prepare_cached(
        "SELECT automation_id, depth FROM automation_event_origins WHERE event_id = ?1",
    )?
    .query_row([event_id], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()
}

/// The per-connection TEMP table and trigger that tag every event inserted on this connection
/// with the row of `temp.automation_ctx` (see `origin.rs`).
pub fn install_origin_tagging(c: &Connection) -> rusqlite::Result<()> {
    c.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS automation_ctx (automation_id TEXT NOT NULL, depth INTEGER NOT NULL);
         CREATE TEMP TRIGGER IF NOT EXISTS automation_tag_events AFTER INSERT ON main.events
         BEGIN
             INSERT OR IGNORE INTO main.automation_event_origins (event_id, automation_id, depth)
             SELECT NEW.id, automation_id, depth FROM temp.automation_ctx;
         END;",
    )
}

pub fn clear_origin(c: &Connection) -> rusqlite::Result<()> {
    c.execute("DELETE FROM temp.automation_ctx", []).map(|_| ())
}

pub fn set_origin(c: &Connection, automation_id: &str, depth: i64) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO temp.automation_ctx (automation_id, depth) VALUES (?1, ?2)",
        params![automation_id, depth],
    )
    .map(|_| ())
}
