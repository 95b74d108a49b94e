//! The knowledge graph over what the caller may see: sources, collections, learnings, skills,
//! personas, templates, contents, plans, clients and projects as nodes; `in_collection`,
//! `derived_from`, `used` (weighted by provenance), `belongs_to` and `planned_as` as edges.
//! Plus the pipeline counts and the influence ranking. Every read is set-based (`store`).
pub mod store;
pub mod types;

use crate::access::{self, Resource, Viewer};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use std::collections::{HashMap, HashSet};
use store::Kinds;
use types::*;

pub const DEFAULT_NODES: u32 = 2000;
pub const MAX_NODES: u32 = 20_000;
const INPUT_KINDS: &[&str] = &["source", "learning", "skill", "persona", "template"];

/// The registered visibility rule of each kind (the usual columns for one not registered).
fn kinds(state: &AppState) -> Kinds {
    let get = |kind: &'static str, table: &'static str| {
        state
            .registry
            .resources
            .get(kind)
            .copied()
            .unwrap_or(Resource::shareable(kind, table))
    };
    Kinds {
        source: get("source", "sources"),
        collection: get("collection", "collections"),
        learning: get("learning", "learnings"),
        skill: get("skill", "skills"),
        persona: get("persona", "personas"),
        content: get("content", "contents"),
        plan: get("plan", "plans"),
    }
}

fn node_type(kind: &str) -> Option<&'static str> {
    NODE_TYPES.iter().copied().find(|t| *t == kind)
}

fn parse_types(types: Option<&str>) -> ApiResult<Vec<&'static str>> {
    let Some(list) = types.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(NODE_TYPES.to_vec());
    };
    let mut wanted = HashSet::new();
    for t in list.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        wanted.insert(node_type(t).ok_or_else(|| {
            ApiError::unprocessable(format!(
                "unknown node type '{t}'; known types: {}",
                NODE_TYPES.join(", ")
            ))
        })?);
    }
    Ok(NODE_TYPES
        .iter()
        .copied()
        .filter(|t| wanted.contains(t))
        .collect())
}

/// Nodes then the edges between them; `truncated` when the limit left nodes out.
pub async fn knowledge(state: &AppState, v: Viewer, f: GraphFilter) -> ApiResult<KnowledgeGraph> {
    let limit = f.limit.unwrap_or(DEFAULT_NODES);
    if !(1..=MAX_NODES).contains(&limit) {
        return Err(ApiError::unprocessable(format!(
            "limit must be 1–{MAX_NODES}"
        )));
    }
    let types = parse_types(f.types.as_deref())?;
    let k = kinds(state);
    state
        .db
        .read(move |c| -> ApiResult<KnowledgeGraph> {
            let client = f.client_id.as_deref();
            let mut nodes: Vec<GraphNode> = Vec::new();
            let mut truncated = false;
            for kind in types {
                let room = limit as usize - nodes.len();
                let mut rows = store::nodes(c, &v, &k, kind, client, room as i64 + 1)?;
                if rows.len() > room {
                    truncated = true;
                    rows.truncate(room);
                }
                nodes.extend(rows.into_iter().map(|(id, label, data)| GraphNode {
                    id: format!("{kind}:{id}"),
                    kind,
                    label,
                    data,
                }));
            }
            let edges = edges(c, &v, &k, &nodes)?;
            Ok(KnowledgeGraph {
                nodes,
                edges,
                truncated,
            })
        })
        .await
}

/// Every edge whose two ends are among `nodes`. Ends are checked against the node set by
/// (type, row id) without allocating; only kept edges build their strings.
fn edges(
    c: &rusqlite::Connection,
    v: &Viewer,
    k: &Kinds,
    nodes: &[GraphNode],
) -> rusqlite::Result<Vec<GraphEdge>> {
    let mut ids: HashMap<&'static str, HashSet<&str>> = HashMap::new();
    for n in nodes {
        ids.entry(n.kind)
            .or_default()
            .insert(&n.id[n.kind.len() + 1..]);
    }
    let is = |kind: &str, id: &str| ids.get(kind).is_some_and(|s| s.contains(id));
    let has = |kind: &str| ids.contains_key(kind);
    let mut out = Vec::new();
    let mut link =
        |kind: &'static str, (fk, from): (&str, &str), (tk, to): (&str, &str), weight: f64| {
            if is(fk, from) && is(tk, to) {
                out.push(GraphEdge {
                    source: format!("{fk}:{from}"),
                    target: format!("{tk}:{to}"),
                    kind,
                    weight,
                });
            }
        };
    if has("source") && has("collection") {
        for (s, col, w) in store::in_collection(c, v, k)? {
            link("in_collection", ("source", &s), ("collection", &col), w);
        }
    }
    if has("learning") && has("source") {
        for (l, s, w) in store::derived_from(c, v, k)? {
            link("derived_from", ("learning", &l), ("source", &s), w);
        }
    }
    if has("content") {
        // One pass, keyed by the node set's own strings (no allocation per row): the newest
        // version per content, and per (content, input) the summed weight of its newest version.
        let find = |kind: &str, id: &str| ids.get(kind).and_then(|s| s.get(id)).copied();
        let mut newest: HashMap<&str, i64> = HashMap::new();
        let mut used: HashMap<(&str, &'static str, &str), (i64, f64)> = HashMap::new();
        store::each_provenance(c, v, k, true, None, None, &mut |(
            content,
            version,
            kind,
            input,
            w,
            _,
        )| {
            let Some(content) = find("content", content) else {
                return;
            };
            let top = newest.entry(content).or_insert(version);
            *top = (*top).max(version);
            if version < *top {
                return;
            }
            if let Some(input) = find(kind, input) {
                let e = used.entry((content, kind, input)).or_insert((version, 0.0));
                if version > e.0 {
                    *e = (version, 0.0);
                }
                e.1 += w;
            }
        })?;
        for ((content, kind, input), (version, w)) in used {
            if newest.get(content) == Some(&version) {
                link("used", ("content", content), (kind, input), w);
            }
        }
    }
    if has("client") || has("project") {
        let placed = [
            ("source", &k.source),
            ("collection", &k.collection),
            ("learning", &k.learning),
            ("content", &k.content),
            ("plan", &k.plan),
        ];
        for (kind, res) in placed {
            if !has(kind) {
                continue;
            }
            for (id, client, project) in store::placed(c, v, res)? {
                match (project, client) {
                    (Some(p), _) => link("belongs_to", (kind, &id), ("project", &p), 1.0),
                    (None, Some(cl)) => link("belongs_to", (kind, &id), ("client", &cl), 1.0),
                    (None, None) => {}
                }
            }
        }
        if has("project") && has("client") {
            for (p, cl, w) in store::project_clients(c, v)? {
                link("belongs_to", ("project", &p), ("client", &cl), w);
            }
        }
    }
    if has("plan") && has("content") {
        for (plan, content, w) in store::planned_as(c, v, k)? {
            link("planned_as", ("plan", &plan), ("content", &content), w);
        }
    }
    Ok(out)
}

pub async fn stats(state: &AppState, v: Viewer) -> ApiResult<GraphStats> {
    let k = kinds(state);
    Ok(state.db.read(move |c| store::stats(c, &v, &k)).await?)
}

/// Inputs ranked by how strongly they shaped the visible contents (of a client, or of one
/// content): per content, an input's provenance weight relative to the strongest input of the
/// same kind in that content (1.0 for the top source, the persona, …), summed over contents.
/// None: the content is not visible (404).
pub async fn influence(
    state: &AppState,
    v: Viewer,
    client_id: Option<String>,
    content_id: Option<String>,
    limit: Option<u32>,
) -> ApiResult<Option<Influence>> {
    let limit = limit.unwrap_or(20);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::unprocessable("limit must be 1–200"));
    }
    let k = kinds(state);
    state
        .db
        .read(move |c| -> ApiResult<Option<Influence>> {
            if let Some(id) = &content_id
                && !access::can_view(c, &v, &k.content, id)?
            {
                return Ok(None);
            }
            let latest = store::latest_versions(c)?;
            // Per (content, input): summed weight; then per input: contents and strength.
            let mut per: HashMap<(String, &'static str, String), (f64, String)> = HashMap::new();
            store::each_provenance(
                c,
                &v,
                &k,
                false,
                client_id.as_deref(),
                content_id.as_deref(),
                &mut |(content, version, kind, input, w, label)| {
                    if latest.get(content) == Some(&version) {
                        per.entry((content.to_string(), kind, input.to_string()))
                            .or_insert_with(|| (0.0, label.to_string()))
                            .0 += w;
                    }
                },
            )?;
            // Weights differ in scale by kind (retrieval scores for chunks, 1.0 for a persona):
            // within one content each input counts relative to the strongest of its kind there.
            let mut top: HashMap<(&str, &str), f64> = HashMap::new();
            for ((content, kind, _), (w, _)) in &per {
                let t = top.entry((content.as_str(), kind)).or_insert(0.0);
                *t = t.max(*w);
            }
            let mut agg: HashMap<(String, String), (i64, f64, String)> = HashMap::new();
            for ((content, kind, id), (w, label)) in &per {
                let t = top[&(content.as_str(), *kind)];
                let e =
                    agg.entry((kind.to_string(), id.clone()))
                        .or_insert((0, 0.0, label.clone()));
                e.0 += 1;
                e.1 += if t > 0.0 { w / t } else { 0.0 };
            }
            let mut items = Vec::new();
            for kind in INPUT_KINDS {
                let ids: Vec<&String> = agg
                    .keys()
                    .filter(|(k2, _)| k2 == kind)
                    .map(|(_, id)| id)
                    .collect();
                if ids.is_empty() {
                    continue;
                }
                let json = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
                let mut labels: HashMap<String, String> =
                    store::labels(c, &v, &k, kind, &json)?.into_iter().collect();
                if *kind == "template" {
                    // Built-ins are files, not rows: anyone may see them, labelled from provenance.
                    let custom: HashSet<String> =
                        store::custom_templates(c, &json)?.into_iter().collect();
                    for id in ids.iter().filter(|id| !custom.contains(id.as_str())) {
                        let label = agg[&(kind.to_string(), id.to_string())].2.clone();
                        labels.insert(id.to_string(), label);
                    }
                }
                for (id, label) in labels {
                    let (contents, strength, _) = agg[&(kind.to_string(), id.clone())];
                    items.push(InfluenceItem {
                        node_id: format!("{kind}:{id}"),
                        id,
                        kind: kind.to_string(),
                        label,
                        contents,
                        strength: (strength * 1e6).round() / 1e6,
                    });
                }
            }
            items.sort_by(|a, b| {
                b.strength
                    .total_cmp(&a.strength)
                    .then(b.contents.cmp(&a.contents))
                    .then(a.label.cmp(&b.label))
            });
            items.truncate(limit as usize);
            Ok(Some(Influence { items }))
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_parse_in_graph_order_and_unknown_ones_are_named() {
        assert_eq!(
            parse_types(Some("source, client")).unwrap(),
            vec!["client", "source"]
        );
        assert_eq!(parse_types(None).unwrap().len(), NODE_TYPES.len());
        let err = parse_types(Some("source,unicorn")).unwrap_err().to_string();
        assert!(
            err.contains("'unicorn'") && err.contains("known types"),
            "{err}"
        );
    }
}
