//! The editorial planner: plan and item CRUD with their validation, isolation between users,
//! the spreading rules of generation (cadence, platforms, no same-platform same-day, inside the
//! range), the autonomous plan's frames, model-backed generation through the fake provider,
//! offline themes from the user's sources, "Make a task" and the content link.
use crate::fake_llm::{self, FakeLlm, Reply, frames, openai_text};
use crate::helpers::*;
use crate::tasks::workspace;
use crate::voice::paste;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::time::Duration;

/// 2026-11-30 is a Monday.
const MONDAY: &str = "2026-11-30";

pub fn plan(s: &TestServer, t: &str, body: Value) -> Value {
    let r = s.post("/api/v1/planner/plans", Some(t), &body);
    assert_eq!(r.status, 201, "{}", r.text);
    r.json()
}

pub fn two_weeks(s: &TestServer, t: &str, extra: Value) -> Value {
    let mut body = json!({"title": "Launch fortnight", "start_date": MONDAY, "end_date": "2026-12-13",
                          "platforms": ["linkedin", "x"], "cadence": "weekdays"});
    if let (Some(b), Value::Object(e)) = (body.as_object_mut(), extra) {
        b.extend(e);
    }
    plan(s, t, body)
}

pub fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// POST an SSE route; its frames (panics unless 200).
pub fn stream(s: &TestServer, t: &str, path: &str, body: Value) -> Vec<Value> {
    let r = s.post(path, Some(t), &body);
    assert_eq!(r.status, 200, "{}", r.text);
    frames(&r.text)
}

fn items_of(frames: &[Value]) -> Vec<Value> {
    frames
        .iter()
        .filter_map(|f| f.get("item"))
        .cloned()
        .collect()
}

fn events(s: &TestServer, kind: &str) -> Vec<Value> {
    let c = s.state.db.conn().unwrap();
    let mut st = c
        .prepare("SELECT data FROM events WHERE type = ?1")
        .unwrap();
    st.query_map([kind], |r| r.get::<_, String>(0))
        .unwrap()
        .map(|d| serde_json::from_str(&d.unwrap()).unwrap())
        .collect()
}

#[test]
fn plans_are_created_listed_changed_and_deleted_with_plan_created_events() {
    let s = TestServer::start();
    let t = s.admin_token();
    let p = two_weeks(
        &s,
        &t,
        json!({"goals": "Fill the launch waitlist", "platforms": ["LinkedIn", "twitter"]}),
    );
    assert_eq!(
        p["platforms"],
        json!(["linkedin", "x"]),
        "names are normalized"
    );
    assert_eq!(p["status"], "active");
    assert_eq!(p["items_count"], 0);
    assert_eq!(p["cadence"], "weekdays");
    let ev = events(&s, "plan.created");
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0]["plan_id"], p["id"]);
    let list = s
        .get("/api/v1/planner/plans?status=active&limit=10", Some(&t))
        .json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], p["id"]);
    let path = format!("/api/v1/planner/plans/{}", id(&p));
    let r = s.put(
        &path,
        Some(&t),
        &json!({"status": "completed", "cadence": "2_per_week", "title": "Launch"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["status"], "completed");
    assert_eq!(r.json()["cadence"], "2_per_week");
    assert_eq!(
        r.json()["goals"],
        "Fill the launch waitlist",
        "untouched fields stay"
    );
    assert_eq!(s.send("DELETE", &path, Some(&t), &json!(null)).status, 204);
    assert_eq!(s.get(&path, Some(&t)).status, 404);
}

#[test]
fn bad_plans_are_refused_with_a_clear_detail() {
    let s = TestServer::start();
    let t = s.admin_token();
    let base = json!({"title": "P", "start_date": MONDAY, "end_date": "2026-12-13", "platforms": ["linkedin"]});
    let bad = |patch: Value| {
        let mut b = base.clone();
        b.as_object_mut()
            .unwrap()
            .extend(patch.as_object().unwrap().clone());
        let r = s.post("/api/v1/planner/plans", Some(&t), &b);
        assert_eq!(r.status, 422, "{patch}: {}", r.text);
        r.detail()
    };
    let d = bad(json!({"platforms": ["linkedin", "myspace"]}));
    assert!(
        d.contains("unknown platform 'myspace'")
            && d.contains("known platforms:")
            && d.contains("linkedin"),
        "{d}"
    );
    assert!(bad(json!({"cadence": "fortnightly"})).contains("cadence"));
    assert!(bad(json!({"cadence": "8_per_week"})).contains("cadence"));
    assert!(bad(json!({"end_date": "2026-11-01"})).contains("on or after"));
    assert!(bad(json!({"end_date": "2027-12-31"})).contains("366"));
    assert!(bad(json!({"start_date": "30/11/2026"})).contains("YYYY-MM-DD"));
    assert!(bad(json!({"title": "  "})).contains("title"));
    assert!(bad(json!({"platforms": []})).contains("platforms"));
    let r = s.post(
        "/api/v1/planner/plans",
        Some(&t),
        &json!({"title": "P", "start_date": MONDAY, "end_date": "2026-12-13", "platforms": ["linkedin"], "client_id": "no-such-client"}),
    );
    assert_eq!(
        (r.status, r.detail()),
        (404, "client not found".to_string())
    );
    let p = plan(&s, &t, base.clone());
    let r = s.put(
        &format!("/api/v1/planner/plans/{}", id(&p)),
        Some(&t),
        &json!({"end_date": "2026-11-29"}),
    );
    assert_eq!(r.status, 422, "{}", r.text);
}

#[test]
fn items_stay_inside_the_plan_and_move_between_days() {
    let s = TestServer::start();
    let t = s.admin_token();
    let p = two_weeks(&s, &t, json!({}));
    let items = format!("/api/v1/planner/plans/{}/items", id(&p));
    let r = s.post(
        &items,
        Some(&t),
        &json!({"date": "2026-12-02", "platform": "x", "title": "Teaser", "brief": "A first look"}),
    );
    assert_eq!(r.status, 201, "{}", r.text);
    let item = r.json();
    assert_eq!(item["status"], "planned");
    assert_eq!(item["plan_id"], p["id"]);
    let late = s.post(
        &items,
        Some(&t),
        &json!({"date": "2026-12-14", "platform": "x", "title": "Late"}),
    );
    assert_eq!(
        late.status, 409,
        "a date the plan does not cover: {}",
        late.text
    );
    assert!(
        late.detail().contains("outside the plan"),
        "{}",
        late.detail()
    );
    for (body, want) in [
        (
            json!({"date": "2026-12-03", "platform": "fax", "title": "Old school"}),
            "unknown platform 'fax'",
        ),
        (
            json!({"date": "2026-12-03", "platform": "x", "title": "T", "status": "maybe"}),
            "status",
        ),
    ] {
        let r = s.post(&items, Some(&t), &body);
        assert_eq!(r.status, 422, "{body}: {}", r.text);
        assert!(r.detail().contains(want), "{}", r.detail());
    }
    let path = format!("/api/v1/planner/items/{}", id(&item));
    let moved = s.put(
        &path,
        Some(&t),
        &json!({"date": "2026-12-10", "status": "idea"}),
    );
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(moved.json()["date"], "2026-12-10");
    assert_eq!(moved.json()["title"], "Teaser");
    assert_eq!(
        s.put(&path, Some(&t), &json!({"date": "2026-11-29"}))
            .status,
        409,
        "a date the plan does not cover"
    );
    s.post(
        &items,
        Some(&t),
        &json!({"date": "2026-12-01", "platform": "linkedin", "title": "Kickoff"}),
    );
    let detail = s
        .get(&format!("/api/v1/planner/plans/{}", id(&p)), Some(&t))
        .json();
    assert_eq!(detail["items_count"], 2);
    let dates: Vec<&str> = detail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["date"].as_str().unwrap())
        .collect();
    assert_eq!(dates, vec!["2026-12-01", "2026-12-10"], "items by date");
    let cal = s
        .get(
            "/api/v1/planner/items?from=2026-12-05&to=2026-12-31&platform=x",
            Some(&t),
        )
        .json();
    assert_eq!(cal["total"], 1);
    assert_eq!(cal["items"][0]["id"], item["id"]);
    assert_eq!(
        s.get("/api/v1/planner/items?from=tomorrow", Some(&t))
            .status,
        422
    );
    assert_eq!(s.send("DELETE", &path, Some(&t), &json!(null)).status, 204);
    assert_eq!(s.put(&path, Some(&t), &json!({"title": "x"})).status, 404);
}

#[test]
fn a_member_never_sees_another_users_plans_or_items() {
    let s = TestServer::start();
    let (_, alice) = s.member("alice@example.com");
    let (_, bob) = s.member("bob@example.com");
    let p = two_weeks(&s, &alice, json!({}));
    let item = s
        .post(
            &format!("/api/v1/planner/plans/{}/items", id(&p)),
            Some(&alice),
            &json!({"date": "2026-12-01", "platform": "linkedin", "title": "Secret launch"}),
        )
        .json();
    let plan_path = format!("/api/v1/planner/plans/{}", id(&p));
    assert_eq!(s.get(&plan_path, Some(&bob)).status, 404);
    assert_eq!(s.get(&plan_path, Some(&bob)).detail(), "plan not found");
    assert_eq!(
        s.put(&plan_path, Some(&bob), &json!({"title": "mine"}))
            .status,
        404
    );
    assert_eq!(
        s.send("DELETE", &plan_path, Some(&bob), &json!(null))
            .status,
        404
    );
    assert_eq!(
        s.post(&format!("{plan_path}/generate"), Some(&bob), &json!({}))
            .status,
        404
    );
    assert_eq!(
        s.get("/api/v1/planner/plans", Some(&bob)).json()["total"],
        0
    );
    assert_eq!(
        s.get("/api/v1/planner/items", Some(&bob)).json()["total"],
        0
    );
    let item_path = format!("/api/v1/planner/items/{}", id(&item));
    assert_eq!(
        s.put(&item_path, Some(&bob), &json!({"title": "x"})).status,
        404
    );
    assert_eq!(
        s.post(&format!("{item_path}/task"), Some(&bob), &json!({}))
            .status,
        404
    );
    // Bob's own item cannot point at Alice's task or content.
    let task = s
        .post(
            "/api/v1/tasks/",
            Some(&alice),
            &json!({"title": "Alice's card"}),
        )
        .json();
    let bp = two_weeks(&s, &bob, json!({}));
    let bi = s
        .post(
            &format!("/api/v1/planner/plans/{}/items", id(&bp)),
            Some(&bob),
            &json!({"date": "2026-12-01", "platform": "x", "title": "Mine"}),
        )
        .json();
    let bpath = format!("/api/v1/planner/items/{}", id(&bi));
    let r = s.put(&bpath, Some(&bob), &json!({"task_id": task["id"]}));
    assert_eq!((r.status, r.detail()), (404, "task not found".to_string()));
    let r = s.put(
        &bpath,
        Some(&bob),
        &json!({"content_id": "0193a3c1-0000-7000-8000-00000000dead"}),
    );
    assert_eq!(
        (r.status, r.detail()),
        (404, "content not found".to_string())
    );
}

#[test]
fn generation_follows_the_cadence_rotates_platforms_and_never_doubles_a_slot() {
    let s = TestServer::start();
    let t = s.admin_token();
    let p = two_weeks(&s, &t, json!({"goals": "Grow the newsletter"}));
    let path = format!("/api/v1/planner/plans/{}/generate", id(&p));
    let f = stream(&s, &t, &path, json!({}));
    assert_eq!(f.last().unwrap()["done"], true, "{f:?}");
    let items = items_of(&f);
    assert_eq!(items.len(), 10, "one per weekday of two weeks: {f:?}");
    let ids: Vec<&Value> = items.iter().map(|i| &i["id"]).collect();
    assert_eq!(
        f.last().unwrap()["item_ids"]
            .as_array()
            .unwrap()
            .iter()
            .collect::<Vec<_>>(),
        ids
    );
    let mut slots = HashSet::new();
    for i in &items {
        let d = chrono::NaiveDate::parse_from_str(i["date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        use chrono::Datelike;
        assert!(d.weekday().number_from_monday() <= 5, "weekdays only: {i}");
        assert!(("2026-11-30".."2026-12-14").contains(&i["date"].as_str().unwrap()));
        assert!(slots.insert((i["date"].clone(), i["platform"].clone())));
        assert!(
            !i["title"].as_str().unwrap().is_empty() && !i["brief"].as_str().unwrap().is_empty()
        );
    }
    let platforms: Vec<&str> = items
        .iter()
        .map(|i| i["platform"].as_str().unwrap())
        .collect();
    assert_eq!(
        &platforms[..4],
        &["linkedin", "x", "linkedin", "x"],
        "round-robin"
    );
    // Every cadence date has an item: a plain second run adds nothing...
    let again = stream(&s, &t, &path, json!({}));
    assert_eq!(again.last().unwrap()["item_ids"], json!([]));
    // ...while a count adds items on the free platform of each day, never on a taken slot.
    let more = items_of(&stream(&s, &t, &path, json!({"count": 4})));
    assert_eq!(more.len(), 4);
    for i in &more {
        assert!(
            slots.insert((i["date"].clone(), i["platform"].clone())),
            "a slot was doubled: {i}"
        );
    }
    let all = s
        .get(&format!("/api/v1/planner/plans/{}", id(&p)), Some(&t))
        .json();
    assert_eq!(all["items_count"], 14);
    assert_eq!(s.post(&path, Some(&t), &json!({"count": 0})).status, 422);
}

#[test]
fn weekly_generation_puts_one_item_in_each_iso_week() {
    let s = TestServer::start();
    let t = s.admin_token();
    let p = plan(
        &s,
        &t,
        json!({"title": "Monthly", "start_date": MONDAY, "end_date": "2026-12-27",
                                 "platforms": ["blog"], "cadence": "weekly"}),
    );
    let f = stream(
        &s,
        &t,
        &format!("/api/v1/planner/plans/{}/generate", id(&p)),
        json!({}),
    );
    let weeks: Vec<u32> = items_of(&f)
        .iter()
        .map(|i| {
            use chrono::Datelike;
            chrono::NaiveDate::parse_from_str(i["date"].as_str().unwrap(), "%Y-%m-%d")
                .unwrap()
                .iso_week()
                .week()
        })
        .collect();
    assert_eq!(weeks.len(), 4, "{f:?}");
    assert_eq!(weeks.iter().collect::<HashSet<_>>().len(), 4);
}

#[test]
fn offline_themes_come_from_the_users_pasted_sources() {
    let s = TestServer::start();
    let t = s.admin_token();
    paste(
        &s,
        &t,
        "Zephyrix Dental Cloud\n\nZephyrix cuts patient onboarding for dental clinics to 7 minutes. Clinics using Zephyrix recall 38% more patients each quarter. The reminder engine texts patients two days before every cleaning.",
    );
    s.drain_jobs();
    let p = two_weeks(
        &s,
        &t,
        json!({"goals": "Win dental clinics with faster onboarding and patient recall", "cadence": "3_per_week"}),
    );
    let f = stream(
        &s,
        &t,
        &format!("/api/v1/planner/plans/{}/generate", id(&p)),
        json!({}),
    );
    let items = items_of(&f);
    assert_eq!(items.len(), 6, "{f:?}");
    let text: Vec<String> = items
        .iter()
        .map(|i| format!("{} {}", i["title"], i["brief"]))
        .collect();
    assert!(
        text.iter()
            .all(|x| x.contains("Zephyrix") || x.contains("patient")),
        "{text:#?}"
    );
    assert!(
        text.iter().any(|x| x.contains("38%")),
        "a number from the source: {text:#?}"
    );
    assert!(text.iter().any(|x| x.contains("7 minutes")), "{text:#?}");
    let titles: HashSet<&str> = items.iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles.len(),
        items.len(),
        "no fixed outline: every title differs"
    );
}

#[test]
fn the_autonomous_planner_streams_its_plan_first_then_items_then_done() {
    let s = TestServer::start();
    let t = s.admin_token();
    paste(
        &s,
        &t,
        "Our espresso grinder keeps grind size within 5 microns. Baristas save 20 minutes every morning on dialing in.",
    );
    s.drain_jobs();
    let f = stream(
        &s,
        &t,
        "/api/v1/planner/generate",
        json!({"brief": "Launch the espresso grinder to baristas", "start_date": MONDAY, "days": 14,
               "platforms": ["linkedin", "instagram"], "cadence": "weekdays"}),
    );
    let p = f[0]
        .get("plan")
        .unwrap_or_else(|| panic!("plan first: {f:?}"))
        .clone();
    assert_eq!(p["start_date"], MONDAY);
    assert_eq!(p["end_date"], "2026-12-13");
    assert_eq!(p["goals"], "Launch the espresso grinder to baristas");
    let last = f.last().unwrap();
    assert_eq!(last["done"], true);
    assert_eq!(last["plan_id"], p["id"]);
    let items = items_of(&f);
    assert_eq!(items.len(), 10);
    let first_item = f.iter().position(|x| x.get("item").is_some()).unwrap();
    assert!(f[..first_item].iter().all(|x| x.get("item").is_none()) && first_item > 0);
    assert!(items.iter().all(|i| i["plan_id"] == p["id"]));
    assert_eq!(last["item_ids"].as_array().unwrap().len(), 10);
    assert!(
        items
            .iter()
            .any(|i| i["brief"].as_str().unwrap().contains("microns")),
        "{items:#?}"
    );
    let saved = s
        .get(&format!("/api/v1/planner/plans/{}", id(&p)), Some(&t))
        .json();
    assert_eq!(saved["items_count"], 10);
    assert_eq!(events(&s, "plan.created").len(), 1);
    let r = s.post(
        "/api/v1/planner/generate",
        Some(&t),
        &json!({"brief": "x", "days": 400}),
    );
    assert_eq!(r.status, 422);
}

/// A server whose default provider is the fake; `answer` writes each reply from the request.
fn with_model(
    answer: impl Fn(&Value) -> String + Send + Sync + 'static,
) -> (FakeLlm, TestServer, String) {
    let fake = fake_llm::start(move |req| {
        Reply::Stream(openai_text(&[&answer(req)], (80, 40)), Duration::ZERO)
    });
    let s = TestServer::start();
    let t = s.admin_token();
    fake_llm::configure(
        &s,
        &t,
        json!({"openai_base_url": format!("{}/v1", fake.svc.base), "openai_api_key": "sk-test-abcdefghijkl",
        "default_provider": "openai", "default_model": "gpt-4o-mini", "allow_private_network": true}),
    );
    (fake, s, t)
}

#[test]
fn a_model_gets_the_goals_and_passages_and_its_json_becomes_the_items() {
    let (fake, s, t) = with_model(|_| {
        json!({"items": [
            {"title": "Why 42 kilometres of trail matter", "brief": "Open with the trail network from the guide."},
            {"title": "Meet the hut wardens", "brief": "A profile of the wardens."},
            {"title": "Packing list, annotated", "brief": "What to bring, from the guide."}
        ]}).to_string()
    });
    paste(
        &s,
        &t,
        "The Alpine Loop guide: 42 kilometres of marked trail link four huts above Zermatt.",
    );
    s.drain_jobs();
    let p = two_weeks(
        &s,
        &t,
        json!({"goals": "Sell hut-to-hut trekking holidays", "platforms": ["linkedin"], "cadence": "3_per_week"}),
    );
    let f = stream(
        &s,
        &t,
        &format!("/api/v1/planner/plans/{}/generate", id(&p)),
        json!({"count": 3, "instructions": "Mention the Alpine Loop"}),
    );
    assert_eq!(f.last().unwrap()["done"], true, "{f:?}");
    let items = items_of(&f);
    let titles: Vec<&str> = items.iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert_eq!(
        titles,
        vec![
            "Why 42 kilometres of trail matter",
            "Meet the hut wardens",
            "Packing list, annotated"
        ]
    );
    assert_eq!(
        items[0]["brief"],
        "Open with the trail network from the guide."
    );
    let dates: HashSet<&str> = items.iter().map(|i| i["date"].as_str().unwrap()).collect();
    assert_eq!(
        dates.len(),
        3,
        "the scheduler, not the model, picks the dates"
    );
    let req = fake.requests().last().unwrap().to_string();
    assert!(
        req.contains("Sell hut-to-hut trekking holidays"),
        "goals in the prompt"
    );
    assert!(
        req.contains("42 kilometres of marked trail"),
        "a retrieved passage in the prompt"
    );
    assert!(
        req.contains("Mention the Alpine Loop"),
        "instructions in the prompt"
    );
    assert!(req.contains("2026-11-30 (Monday) on linkedin"), "{req}");
}

#[test]
fn a_model_answer_off_the_schema_twice_is_an_error_frame_and_nothing_is_saved() {
    let (fake, s, t) = with_model(|_| "Here are some ideas: post more often!".to_string());
    let p = two_weeks(&s, &t, json!({}));
    let f = stream(
        &s,
        &t,
        &format!("/api/v1/planner/plans/{}/generate", id(&p)),
        json!({"count": 2}),
    );
    let err = f.last().unwrap()["error"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(err.contains("did not fit"), "{f:?}");
    assert_eq!(fake.requests().len(), 2, "one retry");
    assert_eq!(
        s.get(&format!("/api/v1/planner/plans/{}", id(&p)), Some(&t))
            .json()["items_count"],
        0
    );
    let r = s.post(
        &format!("/api/v1/planner/plans/{}/generate", id(&p)),
        Some(&t),
        &json!({"provider": "anthropic"}),
    );
    assert_eq!(r.status, 409, "an unconfigured provider: {}", r.text);
}

#[test]
fn make_a_task_puts_a_card_on_the_project_board_due_on_the_item_date() {
    let s = TestServer::start();
    let (_, member, outsider, project, client) = workspace(&s);
    let p = two_weeks(&s, &member, json!({"project_id": project}));
    assert_eq!(p["client_id"], client.as_str(), "the project's client");
    let item = s
        .post(&format!("/api/v1/planner/plans/{}/items", id(&p)), Some(&member),
              &json!({"date": "2026-12-04", "platform": "linkedin", "title": "Launch recap", "brief": "Numbers from week one"}))
        .json();
    let path = format!("/api/v1/planner/items/{}/task", id(&item));
    let r = s.post(&path, Some(&member), &json!({}));
    assert_eq!(r.status, 200, "{}", r.text);
    let linked = r.json();
    let task_id = linked["task_id"].as_str().expect("task linked").to_string();
    let task = s
        .get(&format!("/api/v1/tasks/{task_id}"), Some(&member))
        .json();
    assert_eq!(task["title"], "Launch recap");
    assert_eq!(task["description"], "Numbers from week one");
    assert!(
        task["due_date"].as_str().unwrap().starts_with("2026-12-04"),
        "{task}"
    );
    assert_eq!(task["project_id"], project.as_str());
    let board = s
        .get(
            &format!("/api/v1/tasks/?project_id={project}"),
            Some(&member),
        )
        .json();
    assert!(
        board["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == task_id.as_str())
    );
    assert_eq!(
        s.post(&path, Some(&member), &json!({})).json()["task_id"],
        task_id.as_str(),
        "idempotent"
    );
    assert_eq!(s.post(&path, Some(&outsider), &json!({})).status, 404);
    // Without a project the card lands on the caller's own board.
    let own = two_weeks(&s, &outsider, json!({}));
    let oi = s
        .post(
            &format!("/api/v1/planner/plans/{}/items", id(&own)),
            Some(&outsider),
            &json!({"date": "2026-12-01", "platform": "x", "title": "Solo post"}),
        )
        .json();
    let ot = s
        .post(
            &format!("/api/v1/planner/items/{}/task", id(&oi)),
            Some(&outsider),
            &json!({}),
        )
        .json();
    let card = s
        .get(
            &format!("/api/v1/tasks/{}", ot["task_id"].as_str().unwrap()),
            Some(&outsider),
        )
        .json();
    assert_eq!(card["project_id"], Value::Null);
    assert_eq!(card["title"], "Solo post");
}

#[test]
fn drafting_an_item_links_its_content_and_marks_it_drafted() {
    let s = TestServer::start();
    let (_, t) = s.member("writer@example.com");
    let (_, other) = s.member("other@example.com");
    paste(
        &s,
        &t,
        "Our spring workshop teaches 12 bakers to laminate croissant dough in one weekend.",
    );
    s.drain_jobs();
    let p = two_weeks(&s, &t, json!({}));
    let add = |title: &str| {
        s.post(&format!("/api/v1/planner/plans/{}/items", id(&p)), Some(&t),
               &json!({"date": "2026-12-01", "platform": "linkedin", "title": title, "status": "idea"}))
            .json()
    };
    // "Draft it": the content area links the item while saving the content (store::link_content).
    let item = add("Croissant workshop");
    let f = stream(
        &s,
        &t,
        "/api/v1/content/generate",
        json!({"platform": "linkedin", "brief": "Croissant lamination workshop for bakers", "plan_item_id": item["id"]}),
    );
    let content = f.last().unwrap()["content_id"]
        .as_str()
        .expect("saved")
        .to_string();
    let got = s
        .get(
            &format!("/api/v1/planner/items?plan_id={}", id(&p)),
            Some(&t),
        )
        .json();
    assert_eq!(got["items"][0]["content_id"], content.as_str());
    assert_eq!(got["items"][0]["status"], "drafted");
    // Linking by hand: a content the caller owns is accepted and moves an idea on.
    let second = add("Workshop recap");
    let path = format!("/api/v1/planner/items/{}", id(&second));
    let r = s.put(&path, Some(&t), &json!({"content_id": content}));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["content_id"], content.as_str());
    assert_eq!(r.json()["status"], "drafted");
    // Someone else's content is "not found", and an empty id unlinks.
    let theirs = stream(
        &s,
        &other,
        "/api/v1/content/generate",
        json!({"platform": "x", "brief": "Anything at all"}),
    );
    let theirs = theirs.last().unwrap()["content_id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = s.put(&path, Some(&t), &json!({"content_id": theirs}));
    assert_eq!(
        (r.status, r.detail()),
        (404, "content not found".to_string())
    );
    let r = s.put(&path, Some(&t), &json!({"content_id": ""}));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["content_id"], Value::Null, "an empty id unlinks");
}

#[test]
fn the_same_platform_comes_back_on_a_day_only_when_allowed() {
    let s = TestServer::start();
    let t = s.admin_token();
    let short = || {
        let p = plan(
            &s,
            &t,
            json!({"title": "Short", "start_date": MONDAY, "end_date": "2026-12-01",
                                     "platforms": ["x"], "cadence": "daily"}),
        );
        format!("/api/v1/planner/plans/{}/generate", id(&p))
    };
    let once = items_of(&stream(&s, &t, &short(), json!({"count": 6})));
    assert_eq!(once.len(), 2, "two days, one platform: {once:?}");
    let path = short();
    let allowed = items_of(&stream(
        &s,
        &t,
        &path,
        json!({"count": 4, "allow_same_day": true}),
    ));
    assert_eq!(allowed.len(), 4);
    let dates: HashSet<&str> = allowed
        .iter()
        .map(|i| i["date"].as_str().unwrap())
        .collect();
    assert_eq!(dates.len(), 2, "each day gets two posts on x");
    let again = items_of(&stream(
        &s,
        &t,
        &path,
        json!({"count": 4, "allow_same_day": true}),
    ));
    assert!(
        again.is_empty(),
        "an existing slot is never doubled: {again:?}"
    );
}
