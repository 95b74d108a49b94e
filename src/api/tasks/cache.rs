//! The serialized board list of a project, cached per (query, board version). Everyone who may
//! open a project's board sees the same cards (access.rs: project members see every task with
//! that project_id), so one cached body serves all of them; triggers bump `board_versions` on any
//! write to the board's tasks or columns, which retires the entry. The body is kept gzipped as
//! well (compressed once per board version): a 500-card board is ~300 kB of JSON and ~30 kB on
//! the wire to a browser.
use super::types::TaskQuery;
use crate::access::{self, Viewer};
use actix_web::web::Bytes;
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;
use std::sync::Mutex;

/// One board body, plain and gzipped.
#[derive(Clone)]
pub struct Board {
    pub json: Bytes,
    pub gzip: Bytes,
}

type Entries = HashMap<String, (i64, Board)>;

static CACHE: Mutex<Option<Entries>> = Mutex::new(None);
const MAX_ENTRIES: usize = 512;

fn key(c: &Connection, q: &TaskQuery) -> String {
    // The database file path keeps test servers in one process apart.
    let db = c.path().unwrap_or_default();
    format!(
        "{db}\u{1}{:?}\u{1}{:?}\u{1}{:?}\u{1}{:?}\u{1}{:?}\u{1}{:?}\u{1}{:?}",
        q.project_id,
        q.client_id,
        q.assignee_id,
        q.column_id,
        q.priority,
        q.parent_task_id,
        q.include_subtasks
    )
}

/// The JSON body of `GET /tasks/?project_id=…` (None: not a project board query — list normally).
/// Answers an empty list when the viewer may not open the project, like the unfiltered rule would.
pub fn board_json(c: &Connection, v: &Viewer, q: &TaskQuery) -> anyhow::Result<Option<Board>> {
    let Some(project) = q.project_id.as_deref() else {
        return Ok(None);
    };
    if !access::in_project(c, v, project)? {
        return Ok(None);
    }
    // Read the version first: the list read after it is at least as new.
    let version: i64 = c
        .prepare_cached("SELECT version FROM board_versions WHERE project_id = ?1")?
        .query_row([project], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    let k = key(c, q);
    if let Some((ver, body)) = CACHE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .and_then(|m| m.get(&k))
        && *ver == version
    {
        return Ok(Some(body.clone()));
    }
    let list = super::store::list(c, v, q)?;
    let json = serde_json::to_vec(&list)?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &json)?;
    let body = Board {
        json: Bytes::from(json),
        gzip: Bytes::from(gz.finish()?),
    };
    let mut guard = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let map = guard.get_or_insert_with(HashMap::new);
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
    map.insert(k, (version, body.clone()));
    Ok(Some(body))
}
