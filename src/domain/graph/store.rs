//! SQL of the knowledge graph: set-based reads (one query per node type and per edge type,
//! never one per node), each filtered by the registered resource's visibility fragment.
use super::types::*;
use crate::access::{Resource, Viewer};
use rusqlite::{Connection, Row, params};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The visibility rules of the graph's shareable kinds (from the registry).
pub struct Kinds {
    pub source: Resource,
    pub collection: Resource,
    pub learning: Resource,
    pub skill: Resource,
    pub persona: Resource,
    pub content: Resource,
    pub plan: Resource,
}

type NodeRow = (String, String, Value);

fn source_row(r: &Row) -> rusqlite::Result<NodeRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        json!({"kind": r.get::<_, String>(2)?, "platform": r.get::<_, Option<String>>(3)?,
               "status": r.get::<_, String>(4)?, "chunks": r.get::<_, i64>(5)?,
               "collection_id": r.get::<_, Option<String>>(6)?, "client_id": r.get::<_, Option<String>>(7)?,
               "project_id": r.get::<_, Option<String>>(8)?, "created_at": r.get::<_, String>(9)?}),
    ))
}

fn scoped_row(r: &Row) -> rusqlite::Result<NodeRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        json!({"detail": r.get::<_, Option<String>>(2)?, "status": r.get::<_, Option<String>>(3)?,
               "client_id": r.get::<_, Option<String>>(4)?, "project_id": r.get::<_, Option<String>>(5)?,
               "updated_at": r.get::<_, String>(6)?}),
    ))
}

/// Rows of one node type the viewer (?1, ?2) sees, of client ?3 when given, newest first, at
/// most ?4.
pub fn nodes(
    c: &Connection,
    v: &Viewer,
    k: &Kinds,
    kind: &str,
    client_id: Option<&str>,
    limit: i64,
) -> rusqlite::Result<Vec<NodeRow>> {
    let scoped = |res: &Resource, cols: &str| {
        format!(
            "SELECT {cols} FROM {} x WHERE {} AND (?3 IS NULL OR x.client_id = ?3)
             ORDER BY x.updated_at DESC, x.id LIMIT ?4",
            res.table,
            res.visible("x", 1)
        )
    };
    let common = "x.client_id, x.project_id, x.updated_at";
    let (sql, row): (String, fn(&Row) -> rusqlite::Result<NodeRow>) = match kind {
        "source" => (
            scoped(
                &k.source,
                "x.id, x.title, x.kind, x.platform, x.status, x.chunk_count, x.collection_id, x.client_id, x.project_id, x.created_at",
            ),
            source_row,
        ),
        "collection" => (
            scoped(&k.collection, &format!("x.id, x.name, x.description, NULL, {common}")),
            scoped_row,
        ),
        "learning" => (
            scoped(&k.learning, &format!("x.id, x.title, x.type, printf('%.2f', x.confidence), {common}")),
            scoped_row,
        ),
        "skill" => (
            scoped(&k.skill, &format!("x.id, x.name, x.skill_type, CASE x.active WHEN 1 THEN 'active' ELSE 'inactive' END, {common}")),
            scoped_row,
        ),
        "persona" => (
            scoped(&k.persona, &format!("x.id, x.name, x.role, NULL, {common}")),
            scoped_row,
        ),
        "content" => (
            scoped(&k.content, &format!("x.id, x.title, x.platform, x.status, {common}")),
            scoped_row,
        ),
        "plan" => (
            scoped(&k.plan, &format!("x.id, x.title, x.start_date || ' – ' || x.end_date, x.status, {common}")),
            scoped_row,
        ),
        "client" => (
            "SELECT x.id, x.name, NULL, x.status, NULL, NULL, x.updated_at FROM clients x
             WHERE (?2 = 1 OR x.id IN (SELECT client_id FROM user_clients WHERE user_id = ?1))
               AND (?3 IS NULL OR x.id = ?3) ORDER BY x.name, x.id LIMIT ?4"
                .to_string(),
            scoped_row,
        ),
        "project" => (
            "SELECT x.id, x.name, NULL, x.status, x.client_id, NULL, x.updated_at FROM projects x
             WHERE (?2 = 1 OR x.id IN (SELECT project_id FROM user_projects WHERE user_id = ?1))
               AND (?3 IS NULL OR x.client_id = ?3) ORDER BY x.name, x.id LIMIT ?4"
                .to_string(),
            scoped_row,
        ),
        // Custom templates of the viewer, and the built-ins (named by id) the viewer's contents used.
        _ => (
            format!(
                "SELECT t.id, t.name, t.platform, 'custom', NULL, NULL, t.created_at FROM content_templates t
                  WHERE ?2 = 1 OR t.owner_id = ?1
                 UNION
                 SELECT cp.ref_id, MAX(cp.label), NULL, 'builtin', NULL, NULL, '' FROM content_provenance cp
                  JOIN {} x ON x.id = cp.content_id
                  WHERE cp.kind = 'template' AND {} AND cp.ref_id NOT IN (SELECT id FROM content_templates)
                  GROUP BY cp.ref_id
                 LIMIT ?4",
                k.content.table,
                k.content.visible("x", 1)
            ),
            scoped_row,
        ),
    };
    c.prepare_cached(&sql)?
        .query_map(params![v.user_id, v.admin, client_id, limit], row)?
        .collect()
}

/// (from id, to id, weight) pairs of one kind of link.
type Pairs = Vec<(String, String, f64)>;

fn pairs(c: &Connection, v: &Viewer, sql: &str) -> rusqlite::Result<Pairs> {
    c.prepare_cached(sql)?
        .query_map(params![v.user_id, v.admin], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect()
}

/// Sources in collections.
pub fn in_collection(c: &Connection, v: &Viewer, k: &Kinds) -> rusqlite::Result<Pairs> {
    let sql = format!(
        "SELECT x.id, x.collection_id, 1.0 FROM {} x WHERE x.collection_id IS NOT NULL AND {}",
        k.source.table,
        k.source.visible("x", 1)
    );
    pairs(c, v, &sql)
}

/// Learnings and the sources they were derived from.
pub fn derived_from(c: &Connection, v: &Viewer, k: &Kinds) -> rusqlite::Result<Pairs> {
    let sql = format!(
        "SELECT x.id, j.value, 1.0 FROM {} x, json_each(x.source_ids) j
          WHERE x.source_ids <> '[]' AND {}",
        k.learning.table,
        k.learning.visible("x", 1)
    );
    pairs(c, v, &sql)
}

/// What each visible content's latest recorded generation drew on: (content id, input kind —
/// `source` for chunks —, input id, summed weight).
pub fn used(
    c: &Connection,
    v: &Viewer,
    k: &Kinds,
    client_id: Option<&str>,
    content_id: Option<&str>,
) -> rusqlite::Result<Vec<(String, String, String, f64, String)>> {
    let sql = format!(
        "WITH latest AS (SELECT content_id, MAX(version) AS version FROM content_provenance GROUP BY content_id)
         SELECT cp.content_id, CASE cp.kind WHEN 'chunk' THEN 'source' ELSE cp.kind END,
                COALESCE(cp.source_id, cp.ref_id), SUM(cp.weight), MAX(cp.label)
           FROM latest
           JOIN content_provenance cp ON cp.content_id = latest.content_id AND cp.version = latest.version
           JOIN {} x ON x.id = cp.content_id
          WHERE cp.kind <> 'model' AND (cp.kind <> 'chunk' OR cp.source_id IS NOT NULL) AND {}
            AND (?3 IS NULL OR x.client_id = ?3) AND (?4 IS NULL OR x.id = ?4)
          GROUP BY 1, 2, 3",
        k.content.table,
        k.content.visible("x", 1)
    );
    c.prepare_cached(&sql)?
        .query_map(params![v.user_id, v.admin, client_id, content_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect()
}

/// Rows of a kind placed in a client or project: (id, client_id, project_id).
pub fn placed(
    c: &Connection,
    v: &Viewer,
    res: &Resource,
) -> rusqlite::Result<Vec<(String, Option<String>, Option<String>)>> {
    let sql = format!(
        "SELECT x.id, x.client_id, x.project_id FROM {} x
          WHERE (x.client_id IS NOT NULL OR x.project_id IS NOT NULL) AND {}",
        res.table,
        res.visible("x", 1)
    );
    c.prepare_cached(&sql)?
        .query_map(params![v.user_id, v.admin], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect()
}

/// Projects and their clients.
pub fn project_clients(c: &Connection, v: &Viewer) -> rusqlite::Result<Pairs> {
    pairs(
        c,
        v,
        "SELECT x.id, x.client_id, 1.0 FROM projects x
          WHERE ?2 = 1 OR x.id IN (SELECT project_id FROM user_projects WHERE user_id = ?1)",
    )
}

/// Plans and the contents their items were drafted as.
pub fn planned_as(c: &Connection, v: &Viewer, k: &Kinds) -> rusqlite::Result<Pairs> {
    let sql = format!(
        "SELECT i.plan_id, i.content_id, COUNT(*) FROM plan_items i JOIN {} x ON x.id = i.plan_id
          WHERE i.content_id IS NOT NULL AND {} GROUP BY 1, 2",
        k.plan.table,
        k.plan.visible("x", 1)
    );
    c.prepare_cached(&sql)?
        .query_map(params![v.user_id, v.admin], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? as f64))
        })?
        .collect()
}

fn count(c: &Connection, v: &Viewer, sql: &str) -> rusqlite::Result<i64> {
    c.prepare_cached(sql)?
        .query_row(params![v.user_id, v.admin], |r| r.get(0))
}

fn by_status(c: &Connection, v: &Viewer, sql: &str) -> rusqlite::Result<BTreeMap<String, i64>> {
    c.prepare_cached(sql)?
        .query_map(params![v.user_id, v.admin], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

/// The pipeline counts over what the viewer sees.
pub fn stats(c: &Connection, v: &Viewer, k: &Kinds) -> rusqlite::Result<GraphStats> {
    let n = |res: &Resource| {
        count(
            c,
            v,
            &format!(
                "SELECT COUNT(*) FROM {} x WHERE {}",
                res.table,
                res.visible("x", 1)
            ),
        )
    };
    let contents_by_status = by_status(
        c,
        v,
        &format!(
            "SELECT x.status, COUNT(*) FROM {} x WHERE {} GROUP BY x.status",
            k.content.table,
            k.content.visible("x", 1)
        ),
    )?;
    let plan_items_by_status = by_status(
        c,
        v,
        &format!(
            "SELECT i.status, COUNT(*) FROM plan_items i JOIN {} x ON x.id = i.plan_id WHERE {} GROUP BY i.status",
            k.plan.table,
            k.plan.visible("x", 1)
        ),
    )?;
    Ok(GraphStats {
        sources: n(&k.source)?,
        chunks: count(
            c,
            v,
            &format!(
                "SELECT COALESCE(SUM(x.chunk_count), 0) FROM {} x WHERE {}",
                k.source.table,
                k.source.visible("x", 1)
            ),
        )?,
        collections: n(&k.collection)?,
        learnings: n(&k.learning)?,
        skills: n(&k.skill)?,
        personas: n(&k.persona)?,
        contents: contents_by_status.values().sum(),
        approved: contents_by_status.get("approved").copied().unwrap_or(0),
        published: contents_by_status.get("published").copied().unwrap_or(0),
        contents_by_status,
        plans: n(&k.plan)?,
        plan_items: plan_items_by_status.values().sum(),
        plan_items_by_status,
    })
}

/// Labels of the inputs the viewer may see, of one kind, among `ids` (JSON array).
pub fn labels(
    c: &Connection,
    v: &Viewer,
    k: &Kinds,
    kind: &str,
    ids: &str,
) -> rusqlite::Result<Vec<(String, String)>> {
    let (res, label) = match kind {
        "source" => (&k.source, "title"),
        "learning" => (&k.learning, "title"),
        "skill" => (&k.skill, "name"),
        "persona" => (&k.persona, "name"),
        _ => {
            // Templates: the viewer's custom ones; built-ins are not rows (labelled from provenance).
            return c
                .prepare_cached(
                    "SELECT t.id, t.name FROM content_templates t
                      WHERE t.id IN (SELECT value FROM json_each(?3)) AND (?2 = 1 OR t.owner_id = ?1)",
                )?
                .query_map(params![v.user_id, v.admin, ids], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect();
        }
    };
    let sql = format!(
        "SELECT x.id, x.{label} FROM {} x WHERE x.id IN (SELECT value FROM json_each(?3)) AND {}",
        res.table,
        res.visible("x", 1)
    );
    c.prepare_cached(&sql)?
        .query_map(params![v.user_id, v.admin, ids], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect()
}

/// Ids among `ids` (JSON array) that are custom templates (the rest of a template kind are built-ins).
pub fn custom_templates(c: &Connection, ids: &str) -> rusqlite::Result<Vec<String>> {
    c.prepare_cached(
        "SELECT id FROM content_templates WHERE id IN (SELECT value FROM json_each(?1))",
    )?
    .query_map([ids], |r| r.get(0))?
    .collect()
}
