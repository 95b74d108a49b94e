//! SQL of the knowledge graph: set-based reads (one query per node type and per edge type,
//! never one per node), each filtered by the registered resource's visibility fragment.
use super::types::*;
use crate::access::{Resource, Viewer};
use rusqlite::{Connection, Row, params};
use std::collections::{BTreeMap, HashMap};

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

type NodeRow = (String, String, GraphNodeData);

/// Every node query selects: id, label, kind, platform, status, chunks, confidence,
/// start_date, end_date, description, client_id, project_id, updated_at.
fn node_row(r: &Row) -> rusqlite::Result<NodeRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        GraphNodeData {
            kind: r.get(2)?,
            platform: r.get(3)?,
            status: r.get(4)?,
            chunks: r.get(5)?,
            confidence: r.get(6)?,
            start_date: r.get(7)?,
            end_date: r.get(8)?,
            description: r.get(9)?,
            client_id: r.get(10)?,
            project_id: r.get(11)?,
            updated_at: r.get(12)?,
        },
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
    let tail = "x.client_id, x.project_id, x.updated_at";
    let sql = match kind {
        "source" => scoped(
            &k.source,
            &format!("x.id, COALESCE(NULLIF(x.title, ''), x.url, 'Untitled source'), x.kind, x.platform, x.status, x.chunk_count, NULL, NULL, NULL, NULL, {tail}"),
        ),
        "collection" => scoped(
            &k.collection,
            &format!("x.id, x.name, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULLIF(x.description, ''), {tail}"),
        ),
        "learning" => scoped(
            &k.learning,
            &format!("x.id, x.title, x.type, NULL, NULL, NULL, x.confidence, NULL, NULL, NULL, {tail}"),
        ),
        "skill" => scoped(
            &k.skill,
            &format!("x.id, x.name, x.skill_type, NULL, CASE x.active WHEN 1 THEN 'active' ELSE 'inactive' END, \
                      NULL, NULL, NULL, NULL, NULL, {tail}"),
        ),
        "persona" => scoped(
            &k.persona,
            &format!("x.id, x.name, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULLIF(x.role, ''), {tail}"),
        ),
        "content" => scoped(
            &k.content,
            &format!("x.id, x.title, NULL, x.platform, x.status, NULL, NULL, NULL, NULL, NULL, {tail}"),
        ),
        "plan" => scoped(
            &k.plan,
            &format!("x.id, x.title, NULL, NULL, x.status, NULL, NULL, x.start_date, x.end_date, NULL, {tail}"),
        ),
        "client" => "SELECT x.id, x.name, NULL, NULL, x.status, NULL, NULL, NULL, NULL, NULL, NULL, NULL, x.updated_at
               FROM clients x
              WHERE (?2 = 1 OR x.id IN (SELECT client_id FROM user_clients WHERE user_id = ?1))
                AND (?3 IS NULL OR x.id = ?3) ORDER BY x.name, x.id LIMIT ?4"
            .to_string(),
        "project" => "SELECT x.id, x.name, NULL, NULL, x.status, NULL, NULL, NULL, NULL, NULL, x.client_id, NULL, x.updated_at
               FROM projects x
              WHERE (?2 = 1 OR x.id IN (SELECT project_id FROM user_projects WHERE user_id = ?1))
                AND (?3 IS NULL OR x.client_id = ?3) ORDER BY x.name, x.id LIMIT ?4"
            .to_string(),
        // Custom templates of the viewer, and the built-ins (named by id) the viewer's contents used.
        _ => format!(
            "SELECT t.id, t.name, 'custom', t.platform, NULL, NULL, NULL, NULL, NULL, NULLIF(t.description, ''),
                    NULL, NULL, t.created_at
               FROM content_templates t WHERE ?2 = 1 OR t.owner_id = ?1
             UNION
             SELECT cp.ref_id, MAX(cp.label), 'builtin', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
               FROM content_provenance cp JOIN {} x ON x.id = cp.content_id
              WHERE cp.kind = 'template' AND {} AND cp.ref_id NOT IN (SELECT id FROM content_templates)
              GROUP BY cp.ref_id
             LIMIT ?4",
            k.content.table,
            k.content.visible("x", 1)
        ),
    };
    c.prepare_cached(&sql)?
        .query_map(params![v.user_id, v.admin, client_id, limit], node_row)?
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

/// One provenance row: content id, version, input kind (`source` for chunks), input id (the
/// chunk's source), weight, label.
pub type Provenance<'a> = (&'a str, i64, &'static str, &'a str, f64, &'a str);

fn input_kind(k: &str) -> Option<&'static str> {
    ["source", "learning", "skill", "persona", "template"]
        .into_iter()
        .find(|x| *x == k)
}

/// The latest version that recorded provenance, per content.
pub fn latest_versions(c: &Connection) -> rusqlite::Result<HashMap<String, i64>> {
    c.prepare_cached("SELECT content_id, MAX(version) FROM content_provenance GROUP BY content_id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

/// Feed `f` the provenance rows (models left out) of the contents the viewer sees — of client ?3
/// and content ?4 when given. `every`: all rows, unfiltered, for a caller that keeps only the
/// contents it already knows are visible (one sequential scan instead of a join).
pub fn each_provenance(
    c: &Connection,
    v: &Viewer,
    k: &Kinds,
    every: bool,
    client_id: Option<&str>,
    content_id: Option<&str>,
    f: &mut dyn FnMut(Provenance),
) -> rusqlite::Result<()> {
    let cols = "cp.content_id, cp.version, CASE cp.kind WHEN 'chunk' THEN 'source' ELSE cp.kind END, \
                COALESCE(cp.source_id, cp.ref_id), cp.weight, cp.label";
    let sql = if every {
        format!("SELECT {cols} FROM content_provenance cp WHERE cp.kind <> 'model'")
    } else {
        format!(
            "SELECT {cols} FROM {} x JOIN content_provenance cp ON cp.content_id = x.id
              WHERE cp.kind <> 'model' AND {} AND (?3 IS NULL OR x.client_id = ?3) AND (?4 IS NULL OR x.id = ?4)",
            k.content.table,
            k.content.visible("x", 1)
        )
    };
    let mut st = c.prepare_cached(&sql)?;
    let mut rows = if every {
        st.query([])?
    } else {
        st.query(params![v.user_id, v.admin, client_id, content_id])?
    };
    while let Some(r) = rows.next()? {
        let Some(kind) = input_kind(r.get_ref(2)?.as_str()?) else {
            continue;
        };
        let weight: f64 = r.get(4)?;
        f((
            r.get_ref(0)?.as_str()?,
            r.get(1)?,
            kind,
            r.get_ref(3)?.as_str()?,
            weight,
            r.get_ref(5)?.as_str()?,
        ));
    }
    Ok(())
}

/// A row placed in a client or project: (id, client_id, project_id).
pub type Placed = (String, Option<String>, Option<String>);

/// Rows of a kind placed in a client or project.
pub fn placed(c: &Connection, v: &Viewer, res: &Resource) -> rusqlite::Result<Vec<Placed>> {
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
