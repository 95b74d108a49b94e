//! The real executable: durability across kill -9, the data-dir lock, backups, CLI commands.
use crate::helpers::*;
use serde_json::json;
use std::io::Write;
use std::process::{Command, Stdio};

/// Run a CLI subcommand against a data dir with `stdin` piped in.
fn cli(args: &[&str], data: &std::path::Path, stdin: &str) -> std::process::Output {
    let mut child = Command::new(bin())
        .args(args)
        .arg("--data")
        .arg(data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_write_that_answered_2xx_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let s = BinaryServer::spawn(dir.path());
    let t = s.client.admin_token();
    let r = s.client.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({ "frontend_url": "https://durable.example" }),
    );
    assert_eq!(r.status, 200);
    s.kill9();
    let s = BinaryServer::spawn(dir.path());
    let t = s.client.admin_token();
    assert_eq!(
        s.client.get("/api/v1/settings/", Some(&t)).json()["frontend_url"],
        "https://durable.example"
    );
}

#[test]
fn a_second_server_on_the_same_data_dir_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let _first = BinaryServer::spawn(dir.path());
    let out = Command::new(bin())
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{}", free_port()),
            "--data",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("already using"), "{err}");
}

#[test]
fn a_backup_taken_while_serving_restores_to_a_working_database() {
    let dir = tempfile::tempdir().unwrap();
    let s = BinaryServer::spawn(dir.path());
    let t = s.client.admin_token();
    s.client.put("/api/v1/settings/", Some(&t), &json!({ "frontend_url": "https://backed-up.example", "supabase_jwt_secret": "sealed-value-that-needs-the-key" }));
    let backup = dir.path().join("copy.db");
    let out = Command::new(bin())
        .arg("backup")
        .arg(&backup)
        .arg("--data")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("backup written"));
    drop(s);

    let restored = tempfile::tempdir().unwrap();
    std::fs::copy(&backup, restored.path().join("neuromancer.db")).unwrap();
    std::fs::copy(
        dir.path().join("secret.key"),
        restored.path().join("secret.key"),
    )
    .unwrap();
    let s = BinaryServer::spawn(restored.path());
    let t = s.client.admin_token();
    let settings = s.client.get("/api/v1/settings/", Some(&t));
    assert_eq!(settings.status, 200, "{}", settings.text);
    assert_eq!(settings.json()["frontend_url"], "https://backed-up.example");
    assert_eq!(settings.json()["supabase_jwt_secret"], "sea…-key");
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let s = BinaryServer::spawn(dir.path());
    let status = s.terminate();
    assert!(status.success(), "{status:?}");
    // The lock is released: the next start works.
    let _again = BinaryServer::spawn(dir.path());
}

#[test]
fn cli_user_add_reads_the_password_from_stdin_and_the_user_can_log_in() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli(
        &[
            "user",
            "add",
            "--email",
            "writer@example.com",
            "--role",
            "member",
        ],
        dir.path(),
        "amber-falcon-93\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = BinaryServer::spawn(dir.path());
    let t = s.client.login("writer@example.com", "amber-falcon-93");
    assert_eq!(
        s.client.get("/api/v1/auth/me", Some(&t)).json()["role"],
        "member"
    );

    // reset-password ends the user's sessions.
    let out = cli(
        &["user", "reset-password", "--email", "writer@example.com"],
        dir.path(),
        "copper-lantern-64\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Another process changed the user: the server's session cache lets it take effect within 2 s.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(4);
    while s.client.get("/api/v1/auth/me", Some(&t)).status != 401 {
        assert!(
            std::time::Instant::now() < deadline,
            "old session still accepted after the CLI reset"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    s.client.login("writer@example.com", "copper-lantern-64");

    let health = Command::new(bin())
        .args(["healthcheck", "--bind", &format!("127.0.0.1:{}", s.port)])
        .output()
        .unwrap();
    assert!(health.status.success());
    let openapi = Command::new(bin()).arg("openapi").output().unwrap();
    let spec: serde_json::Value = serde_json::from_slice(&openapi.stdout).unwrap();
    assert!(spec["paths"]["/api/v1/auth/login"].is_object());
}

#[test]
fn migrations_are_idempotent_and_a_newer_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("neuromancer.db");
    let db = neuromancer::db::Db::open(&path, false).unwrap();
    let mut conn = db.conn().unwrap();
    let version = neuromancer::db::migrate::current_version(&conn).unwrap();
    assert_eq!(
        version,
        neuromancer::db::migrate::embedded().last().unwrap().0
    );
    assert_eq!(
        neuromancer::db::migrate::apply(&mut conn).unwrap(),
        0,
        "nothing to apply twice"
    );
    drop(conn);
    let again = neuromancer::db::Db::open(&path, false).unwrap();
    let n: i64 = again
        .conn()
        .unwrap()
        .query_row("SELECT COUNT(*) FROM schema_migrations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n as usize, neuromancer::db::migrate::embedded().len());
    assert!(
        neuromancer::db::vector::version(&again.conn().unwrap())
            .unwrap()
            .starts_with('v'),
        "sqlite-vec loaded"
    );

    again
        .write_blocking(|tx| {
            tx.execute(
                "INSERT INTO schema_migrations VALUES (9999, '9999_future', 'x')",
                [],
            )
        })
        .unwrap();
    drop(again);
    let full = neuromancer::db::Db::open(&path, false)
        .err()
        .map(|e| format!("{e:#}"))
        .unwrap();
    assert!(full.contains("newer Neuromancer"), "{full}");
}
