//! The knowledge graph: node and edge shapes, provenance as weighted "used" edges, belongs_to
//! and planned_as, the pipeline counts, the influence ranking, filters, and isolation (a member
//! never sees another user's nodes). Contents and their provenance are seeded with SQL until
//! the content area's routes exist on this branch.
use crate::helpers::*;
use crate::planner::{id, plan, seed_content};
use crate::tasks::workspace;
use serde_json::{Value, json};

fn paste_in(s: &TestServer, t: &str, title: &str, content: &str, extra: Value) -> String {
    let mut body = json!({"title": title, "content": content});
    if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
        b.extend(e);
    }
    let r = s.post("/api/v1/sources/import/paste", Some(t), &body);
    assert_eq!(r.status, 201, "{}", r.text);
    id(&r.json())
}

/// Provenance of a content's version: (kind, ref_id, source_id, label, weight).
fn provenance(
    s: &TestServer,
    content: &str,
    version: i64,
    rows: &[(&str, &str, Option<&str>, &str, f64)],
) {
    let content = content.to_string();
    let rows: Vec<(String, String, Option<String>, String, f64)> = rows
        .iter()
        .map(|(k, r, src, l, w)| {
            (
                k.to_string(),
                r.to_string(),
                src.map(str::to_string),
                l.to_string(),
                *w,
            )
        })
        .collect();
    s.state
        .db
        .write_blocking(move |tx| -> rusqlite::Result<()> {
            tx.execute("UPDATE contents SET version = ?2 WHERE id = ?1", rusqlite::params![content, version])?;
            for (k, r, src, l, w) in rows {
                tx.execute(
                    "INSERT INTO content_provenance (content_id, version, kind, ref_id, source_id, label, weight)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    rusqlite::params![content, version, k, r, src, l, w],
                )?;
            }
            Ok(())
        })
        .unwrap();
}

fn graph(s: &TestServer, t: &str, q: &str) -> Value {
    let r = s.get(&format!("/api/v1/graph/knowledge?{q}"), Some(t));
    assert_eq!(r.status, 200, "{}", r.text);
    r.json()
}

fn node<'a>(g: &'a Value, id: &str) -> Option<&'a Value> {
    g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == id)
}

fn edge<'a>(g: &'a Value, kind: &str, from: &str, to: &str) -> Option<&'a Value> {
    g["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == kind && e["source"] == from && e["target"] == to)
}

/// Alice's world: two sources (one in a collection), a persona, two contents built from them,
/// a plan in her project with an item drafted as the first content.
struct World {
    s: TestServer,
    member: String,
    outsider: String,
    project: String,
    client: String,
    a: String,
    b: String,
    col: String,
    persona: String,
    c1: String,
    c2: String,
    plan: String,
}

fn world() -> World {
    let s = TestServer::start();
    let (_, member, outsider, project, client) = workspace(&s);
    let uid: String = s
        .state
        .db
        .read_blocking(|c| {
            c.query_row(
                "SELECT id FROM users WHERE email = 'mia@example.com'",
                [],
                |r| r.get(0),
            )
        })
        .unwrap();
    let col = id(&s
        .post(
            "/api/v1/collections",
            Some(&member),
            &json!({"name": "Research"}),
        )
        .json());
    let a = paste_in(
        &s,
        &member,
        "Grinder specs",
        "The grinder holds 5 micron tolerance. It ships in March.",
        json!({"collection_id": col}),
    );
    let b = paste_in(
        &s,
        &member,
        "Barista survey",
        "Baristas lose 20 minutes a day dialing in.",
        json!({"project_id": project}),
    );
    s.drain_jobs();
    let persona = id(&s
        .post(
            "/api/v1/personas/",
            Some(&member),
            &json!({"name": "Head barista"}),
        )
        .json());
    let c1 = seed_content(&s, &uid, "Launch post", "approved");
    let c2 = seed_content(&s, &uid, "Survey thread", "published");
    provenance(
        &s,
        &c1,
        1,
        &[("chunk", "1", Some(&a), "Grinder specs", 0.9)],
    );
    // The latest version counts: two chunks of A summed, one of B, the persona and a template.
    provenance(
        &s,
        &c1,
        2,
        &[
            ("chunk", "1", Some(&a), "Grinder specs", 0.8),
            ("chunk", "2", Some(&a), "Grinder specs", 0.5),
            ("chunk", "3", Some(&b), "Barista survey", 0.2),
            ("persona", &persona, None, "Head barista", 1.0),
            ("template", "linkedin_post", None, "LinkedIn post", 1.0),
            ("model", "openai/gpt-4o-mini", None, "gpt-4o-mini", 1.0),
        ],
    );
    provenance(
        &s,
        &c2,
        1,
        &[("chunk", "4", Some(&a), "Grinder specs", 0.6)],
    );
    let p = plan(
        &s,
        &member,
        json!({"title": "Launch", "start_date": "2026-11-30", "end_date": "2026-12-13",
                                      "platforms": ["linkedin"], "project_id": project}),
    );
    let item = s
        .post(
            &format!("/api/v1/planner/plans/{}/items", id(&p)),
            Some(&member),
            &json!({"date": "2026-12-01", "platform": "linkedin", "title": "Launch post"}),
        )
        .json();
    let (iid, cid) = (id(&item), c1.clone());
    s.state
        .db
        .write_blocking(move |tx| {
            neuromancer::domain::planner::store::link_content(
                tx,
                &iid,
                &cid,
                "2026-11-30T10:00:00Z",
            )
        })
        .unwrap();
    World {
        s,
        member,
        outsider,
        project,
        client,
        a,
        b,
        col,
        persona,
        c1,
        c2,
        plan: id(&p),
    }
}

#[test]
fn the_graph_links_sources_contents_plans_and_scopes_with_weighted_edges() {
    let w = world();
    let g = graph(&w.s, &w.member, "");
    assert_eq!(g["truncated"], false);
    let src = node(&g, &format!("source:{}", w.a)).expect("source node");
    assert_eq!(src["type"], "source");
    assert_eq!(src["label"], "Grinder specs");
    assert!(src["data"].is_object());
    for n in [
        format!("content:{}", w.c1),
        format!("collection:{}", w.col),
        format!("persona:{}", w.persona),
        format!("plan:{}", w.plan),
        format!("project:{}", w.project),
        format!("client:{}", w.client),
        "template:linkedin_post".to_string(),
    ] {
        assert!(node(&g, &n).is_some(), "{n} missing: {g}");
    }
    assert_eq!(
        node(&g, &format!("content:{}", w.c1)).unwrap()["data"]["status"],
        "approved"
    );
    let used = edge(
        &g,
        "used",
        &format!("content:{}", w.c1),
        &format!("source:{}", w.a),
    )
    .expect("used edge");
    assert!(
        (used["weight"].as_f64().unwrap() - 1.3).abs() < 1e-9,
        "two chunks summed, latest version only: {used}"
    );
    assert!(
        edge(
            &g,
            "used",
            &format!("content:{}", w.c1),
            &format!("source:{}", w.b)
        )
        .is_some()
    );
    assert!(
        edge(
            &g,
            "used",
            &format!("content:{}", w.c1),
            &format!("persona:{}", w.persona)
        )
        .is_some()
    );
    assert!(
        edge(
            &g,
            "used",
            &format!("content:{}", w.c1),
            "template:linkedin_post"
        )
        .is_some()
    );
    assert!(
        edge(
            &g,
            "in_collection",
            &format!("source:{}", w.a),
            &format!("collection:{}", w.col)
        )
        .is_some()
    );
    assert!(
        edge(
            &g,
            "belongs_to",
            &format!("source:{}", w.b),
            &format!("project:{}", w.project)
        )
        .is_some()
    );
    assert!(
        edge(
            &g,
            "belongs_to",
            &format!("plan:{}", w.plan),
            &format!("project:{}", w.project)
        )
        .is_some()
    );
    assert!(
        edge(
            &g,
            "belongs_to",
            &format!("project:{}", w.project),
            &format!("client:{}", w.client)
        )
        .is_some()
    );
    assert!(
        edge(
            &g,
            "planned_as",
            &format!("plan:{}", w.plan),
            &format!("content:{}", w.c1)
        )
        .is_some()
    );
    let ids: Vec<&str> = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    for e in g["edges"].as_array().unwrap() {
        assert!(
            ids.contains(&e["source"].as_str().unwrap())
                && ids.contains(&e["target"].as_str().unwrap()),
            "dangling {e}"
        );
    }
}

#[test]
fn influence_ranks_inputs_by_summed_provenance_and_explains_one_content() {
    let w = world();
    let r = w.s.get("/api/v1/graph/influence", Some(&w.member));
    assert_eq!(r.status, 200, "{}", r.text);
    let items = r.json()["items"].as_array().unwrap().clone();
    assert_eq!(items[0]["node_id"], format!("source:{}", w.a));
    assert_eq!(items[0]["type"], "source");
    assert_eq!(items[0]["label"], "Grinder specs");
    assert_eq!(items[0]["contents"], 2);
    assert!(
        (items[0]["strength"].as_f64().unwrap() - 1.9).abs() < 1e-9,
        "{items:?}"
    );
    let b = items.iter().find(|i| i["id"] == w.b.as_str()).unwrap();
    assert_eq!(b["contents"], 1);
    assert!(items.iter().all(|i| i["type"] != "model"));
    let one =
        w.s.get(
            &format!("/api/v1/graph/influence?content_id={}", w.c2),
            Some(&w.member),
        )
        .json();
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    assert_eq!(one["items"][0]["contents"], 1);
    assert!((one["items"][0]["strength"].as_f64().unwrap() - 0.6).abs() < 1e-9);
    let top1 =
        w.s.get("/api/v1/graph/influence?limit=1", Some(&w.member))
            .json();
    assert_eq!(top1["items"].as_array().unwrap().len(), 1);
}

#[test]
fn stats_count_the_pipeline_the_caller_sees() {
    let w = world();
    let st = w.s.get("/api/v1/graph/stats", Some(&w.member)).json();
    assert_eq!(st["sources"], 2);
    assert!(st["chunks"].as_i64().unwrap() >= 2, "{st}");
    assert_eq!(st["collections"], 1);
    assert_eq!(st["contents"], 2);
    assert_eq!(st["approved"], 1);
    assert_eq!(st["published"], 1);
    assert_eq!(
        st["contents_by_status"],
        json!({"approved": 1, "published": 1})
    );
    assert_eq!(st["plans"], 1);
    assert_eq!(st["plan_items"], 1);
    assert_eq!(st["plan_items_by_status"], json!({"drafted": 1}));
    assert!(st["personas"].as_i64().unwrap() >= 1);
}

#[test]
fn a_member_never_sees_another_users_graph_nodes() {
    let w = world();
    let g = graph(&w.s, &w.outsider, "");
    let ids: Vec<&str> = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    for hidden in [
        &w.a, &w.b, &w.c1, &w.c2, &w.plan, &w.col, &w.project, &w.client,
    ] {
        assert!(
            !ids.iter().any(|i| i.ends_with(hidden.as_str())),
            "{hidden} leaked: {ids:?}"
        );
    }
    assert!(
        g["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| !e.to_string().contains(&w.a))
    );
    let st = w.s.get("/api/v1/graph/stats", Some(&w.outsider)).json();
    assert_eq!(
        (
            st["sources"].as_i64(),
            st["contents"].as_i64(),
            st["plans"].as_i64()
        ),
        (Some(0), Some(0), Some(0))
    );
    assert_eq!(
        w.s.get("/api/v1/graph/influence", Some(&w.outsider)).json()["items"],
        json!([])
    );
    let r = w.s.get(
        &format!("/api/v1/graph/influence?content_id={}", w.c1),
        Some(&w.outsider),
    );
    assert_eq!(
        (r.status, r.detail()),
        (404, "content not found".to_string())
    );
}

#[test]
fn types_client_and_limit_filter_the_graph() {
    let w = world();
    let only = graph(&w.s, &w.member, "types=source,collection");
    assert!(
        only["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["type"] == "source" || n["type"] == "collection")
    );
    let kinds: Vec<&str> = only["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["in_collection"]);
    let cut = graph(&w.s, &w.member, "limit=3");
    assert_eq!(cut["nodes"].as_array().unwrap().len(), 3);
    assert_eq!(cut["truncated"], true);
    let scoped = graph(&w.s, &w.member, &format!("client_id={}", w.client));
    assert!(node(&scoped, &format!("client:{}", w.client)).is_some());
    assert!(
        node(&scoped, &format!("source:{}", w.a)).is_none(),
        "a source outside the client is left out"
    );
    for q in ["types=source,unicorn", "limit=0", "limit=20001"] {
        let r =
            w.s.get(&format!("/api/v1/graph/knowledge?{q}"), Some(&w.member));
        assert_eq!(r.status, 422, "{q}: {}", r.text);
    }
    assert!(
        w.s.get("/api/v1/graph/knowledge?types=unicorn", Some(&w.member))
            .detail()
            .contains("known types")
    );
}
