use crate::helpers::*;
use neuromancer::jobs;
use serde_json::json;
use std::time::Duration;

#[test]
fn a_domain_event_reaches_subscribers_through_the_outbox_when_the_queue_drains() {
    let s = TestServer::start_with(|c| c.login_per_minute = 100);
    let mut rx = s.state.bus.subscribe();
    let t = s.admin_token();
    let r = s.put(
        "/api/v1/auth/change-password",
        Some(&t),
        &json!({ "current_password": ADMIN_PASSWORD, "new_password": "violet-harbor-77" }),
    );
    assert_eq!(r.status, 200);
    assert!(
        rx.try_recv().is_err(),
        "nothing is delivered before the fan-out job runs"
    );
    assert!(s.drain_jobs() >= 1);
    let event = rx.try_recv().expect("event delivered");
    assert_eq!(event.kind, "user.password_changed");
    assert!(event.id.starts_with("evt_"));
    assert_eq!(
        event.data["user_id"],
        s.get("/api/v1/auth/me", r.json()["access_token"].as_str())
            .json()["id"]
    );
}

#[test]
fn failing_jobs_retry_with_backoff_and_unknown_kinds_fail_permanently() {
    let s = TestServer::start();
    let (bad_payload, unknown) = s
        .state
        .db
        .write_blocking(|tx| -> rusqlite::Result<_> {
            Ok((
                jobs::enqueue(tx, "webhooks.deliver", json!({}))?.unwrap(),
                jobs::enqueue(tx, "no.such.kind", json!({}))?.unwrap(),
            ))
        })
        .unwrap();
    let conn = s.state.db.conn().unwrap();
    s.drain_jobs();
    let (status, attempts, err) = jobs::store::status_of(&conn, bad_payload).unwrap().unwrap();
    assert_eq!(
        (status.as_str(), attempts),
        ("queued", 1),
        "retried later, not now"
    );
    assert!(err.unwrap().contains("webhook_id"));
    let due: i64 = conn
        .query_row(
            "SELECT run_after FROM jobs WHERE id = ?1",
            [bad_payload],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        due > chrono::Utc::now().timestamp_millis(),
        "backoff puts it in the future"
    );
    let (status, _, err) = jobs::store::status_of(&conn, unknown).unwrap().unwrap();
    assert_eq!(status, "failed");
    assert!(err.unwrap().contains("unknown job kind"));
}

#[test]
fn a_job_that_was_running_at_a_crash_runs_again_after_restart() {
    let s = TestServer::start();
    let mut rx = s.state.bus.subscribe();
    let event_id = s
        .state
        .db
        .write_blocking(|tx| -> rusqlite::Result<_> {
            let event_id = neuromancer::events::emit(tx, "test.crash", None, json!({ "n": 1 }))?;
            Ok(event_id)
        })
        .unwrap();
    // A worker claims it and the process dies before finishing.
    let claimed = s
        .state
        .db
        .write_blocking(|tx| {
            jobs::store::claim(
                tx,
                "nm-worker-0",
                i64::MAX,
                &jobs::store::LongBudget {
                    kinds: &[],
                    slots: 1,
                },
            )
        })
        .unwrap()
        .unwrap();
    let conn = s.state.db.conn().unwrap();
    assert_eq!(claimed.kind, neuromancer::events::FANOUT_KIND);
    assert_eq!(s.drain_jobs(), 0, "a running job is not claimed twice");
    jobs::recover(&s.state).unwrap();
    s.drain_jobs();
    assert_eq!(rx.try_recv().unwrap().id, event_id);
    assert_eq!(
        jobs::store::status_of(&conn, claimed.id)
            .unwrap()
            .unwrap()
            .0,
        "done"
    );
}

#[test]
fn a_burst_of_events_is_one_fan_out_job_and_events_emitted_during_a_drain_are_not_lost() {
    let s = TestServer::start();
    let mut rx = s.state.bus.subscribe();
    let conn = s.state.db.conn().unwrap();
    let fanout_jobs = || -> i64 {
        conn.query_row(
            "SELECT COUNT(*) FROM jobs WHERE kind = ?1 AND status = 'queued'",
            [neuromancer::events::FANOUT_KIND],
            |r| r.get(0),
        )
        .unwrap()
    };
    let emit = |n: usize, tag: &str| {
        s.state
            .db
            .write_blocking(|tx| -> rusqlite::Result<Vec<String>> {
                (0..n)
                    .map(|i| {
                        neuromancer::events::emit(
                            tx,
                            "test.burst",
                            None,
                            json!({ "tag": tag, "i": i }),
                        )
                    })
                    .collect()
            })
            .unwrap()
    };
    let first = emit(600, "before");
    assert_eq!(fanout_jobs(), 1, "600 events queue one fan-out job");
    // A worker claims the drain; events committed before it reads its first batch are its own…
    let job = s
        .state
        .db
        .write_blocking(|tx| {
            jobs::store::claim(
                tx,
                "nm-worker-0",
                i64::MAX,
                &jobs::store::LongBudget {
                    kinds: &[],
                    slots: 1,
                },
            )
        })
        .unwrap()
        .unwrap();
    let during = emit(3, "during");
    assert_eq!(
        fanout_jobs(),
        0,
        "the running drain still holds the queue's slot"
    );
    neuromancer::events::fanout_job(&s.state, &job).unwrap();
    // …and events committed after it took its first batch queue the next drain.
    let after = emit(2, "after");
    assert_eq!(fanout_jobs(), 1);
    s.drain_jobs();
    let mut got = Vec::new();
    while let Ok(e) = rx.try_recv() {
        got.push(e.id);
    }
    let want: Vec<String> = first.into_iter().chain(during).chain(after).collect();
    assert_eq!(got, want, "every event once, in order");
    let pending: i64 = conn
        .query_row("SELECT COUNT(*) FROM events WHERE pending = 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(pending, 0);
}

#[test]
fn the_worker_pool_runs_jobs_in_the_background_and_stops_cleanly() {
    let s = TestServer::start();
    let mut rx = s.state.bus.subscribe();
    let pool = jobs::start_workers(&s.state, 2).unwrap();
    let id = s
        .state
        .db
        .write_blocking(|tx| neuromancer::events::emit(tx, "test.background", None, json!({})))
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let got = loop {
        if let Ok(e) = rx.try_recv() {
            break e;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "worker did not deliver"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(got.id, id);
    pool.shutdown();
}
