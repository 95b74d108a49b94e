//! The knowledge graph: node and edge shapes, provenance as weighted "used" edges, belongs_to
//! and planned_as, the pipeline counts, the influence ranking, filters, and isolation (a member
//! never sees another user's nodes). Contents are generated offline through POST
//! /content/generate, so the provenance the graph reads is the real one, end to end.
use crate::helpers::*;
use crate::planner::{id, plan, stream};
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

/// Generate a content offline; its id.
fn generate(s: &TestServer, t: &str, body: Value) -> String {
    let f = stream(s, t, "/api/v1/content/generate", body);
    let done = f.last().unwrap();
    assert_eq!(done["done"], true, "{f:?}");
    done["content_id"].as_str().unwrap().to_string()
}

/// Summed provenance weight of one input in a content's current version, as the content page shows it.
fn weight_of(s: &TestServer, t: &str, content: &str, kind: &str, input: &str) -> f64 {
    let c = s.get(&format!("/api/v1/content/{content}"), Some(t)).json();
    c["provenance"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == kind && (p["source_id"] == input || p["ref_id"] == input))
        .map(|p| p["weight"].as_f64().unwrap())
        .sum()
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

/// Mia's world: two sources (one in a collection, one in her project), a persona, two contents
/// generated from them (the first with the persona and a template, for a plan item), statuses
/// approved and published.
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
        "The Kestrel grinder holds a 5 micron burr tolerance. The Kestrel grinder ships to cafes in March.",
        json!({"collection_id": col}),
    );
    let b = paste_in(
        &s,
        &member,
        "Barista survey",
        "Baristas told us they lose 20 minutes every morning dialing in the grinder.",
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
    let c1 = generate(
        &s,
        &member,
        json!({"platform": "linkedin", "brief": "The Kestrel grinder burr tolerance and how baristas lose minutes dialing in the grinder",
        "persona_id": persona, "template_id": "linkedin_post", "plan_item_id": item["id"]}),
    );
    let c2 = generate(
        &s,
        &member,
        json!({"platform": "x", "brief": "Kestrel grinder micron burr tolerance"}),
    );
    // A second version: the graph reads the provenance of the newest one.
    let f = stream(
        &s,
        &member,
        "/api/v1/content/refine",
        json!({"content_id": c1, "instructions": "Shorter, and open with the burr tolerance"}),
    );
    assert_eq!(f.last().unwrap()["version"], 2, "{f:?}");
    for (c, status) in [(&c1, "approved"), (&c2, "published")] {
        let r = s.put(
            &format!("/api/v1/content/{c}"),
            Some(&member),
            &json!({"status": status}),
        );
        assert_eq!(r.status, 200, "{}", r.text);
    }
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
    let want = weight_of(&w.s, &w.member, &w.c1, "chunk", &w.a);
    assert!(want > 0.0);
    assert!(
        (used["weight"].as_f64().unwrap() - want).abs() < 1e-9,
        "the chunks of the source summed: {used} vs {want}"
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
    let a = items
        .iter()
        .find(|i| i["id"] == w.a.as_str())
        .expect("source A ranked");
    assert_eq!(a["node_id"], format!("source:{}", w.a));
    assert_eq!(a["type"], "source");
    assert_eq!(a["label"], "Grinder specs");
    assert_eq!(a["contents"], 2, "both contents drew on it");
    let b = items
        .iter()
        .find(|i| i["id"] == w.b.as_str())
        .expect("source B ranked");
    let strength = |i: &Value| i["strength"].as_f64().unwrap();
    assert_eq!(
        strength(a),
        2.0,
        "the strongest source of both contents: {items:?}"
    );
    assert!(
        strength(b) < strength(a) && b["contents"].as_i64().unwrap() >= 1,
        "{items:?}"
    );
    assert!(
        items
            .iter()
            .any(|i| i["node_id"] == format!("persona:{}", w.persona) && i["contents"] == 1)
    );
    assert!(
        items
            .iter()
            .any(|i| i["node_id"] == "template:linkedin_post")
    );
    assert!(items.iter().all(|i| i["type"] != "model"));
    let strengths: Vec<f64> = items
        .iter()
        .map(|i| i["strength"].as_f64().unwrap())
        .collect();
    assert!(
        strengths.windows(2).all(|p| p[0] >= p[1]),
        "ranked: {strengths:?}"
    );
    let one =
        w.s.get(
            &format!("/api/v1/graph/influence?content_id={}", w.c2),
            Some(&w.member),
        )
        .json();
    let inputs = one["items"].as_array().unwrap();
    assert!(inputs.iter().all(|i| i["contents"] == 1), "{inputs:?}");
    let a2 = inputs
        .iter()
        .find(|i| i["id"] == w.a.as_str())
        .expect("c2's source");
    assert_eq!(
        a2["strength"], 1.0,
        "the strongest source of c2: {inputs:?}"
    );
    assert!(
        !inputs.iter().any(|i| i["type"] == "persona"),
        "c2 had no persona"
    );
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
