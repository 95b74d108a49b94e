//! The shape of the house, checked by reading the sources, so it cannot rot:
//! api → domain → platform. Only `src/api/`, `app.rs`, `docs.rs` and `cli.rs` name `crate::api`;
//! nothing under `src/domain/` imports `actix_web`; SQL lives in store files; transactions are
//! opened only by the one write path in `src/db/`; no process-wide statics hold state.
use std::path::{Path, PathBuf};

fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    walk(&root.join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            (rel, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// Lines of code (comments dropped) with their numbers.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split("//").next().unwrap_or("")))
}

fn offenders(pred: impl Fn(&str, &str) -> bool, file_ok: impl Fn(&str) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for (file, text) in sources() {
        if file_ok(&file) {
            continue;
        }
        for (n, line) in code_lines(&text) {
            if pred(&file, line) {
                out.push(format!("{file}:{n}: {}", line.trim()));
            }
        }
    }
    out
}

#[test]
fn only_the_api_and_the_composition_root_name_the_api_layer() {
    let bad = offenders(
        |_, l| l.contains("crate::api"),
        |f| f.starts_with("src/api/") || ["src/app.rs", "src/docs.rs", "src/cli.rs"].contains(&f),
    );
    assert!(
        bad.is_empty(),
        "lower layers import the API:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_domain_knows_nothing_of_http() {
    let bad = offenders(
        |_, l| l.contains("actix_web") || l.contains("actix_multipart"),
        |f| !f.starts_with("src/domain/"),
    );
    assert!(bad.is_empty(), "actix in the domain:\n{}", bad.join("\n"));
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/domain")
            .is_dir(),
        "src/domain exists"
    );
}

#[test]
fn sql_lives_only_in_store_files() {
    let starts = ["\"SELECT", "\"INSERT INTO", "\"DELETE FROM", "\"WITH "];
    let bad = offenders(
        |_, l| {
            let t = l.trim_start();
            starts
                .iter()
                .any(|s| t.starts_with(s) || l.contains(&format!("({s}")))
                || (t.starts_with("\"UPDATE ") && t.contains(" SET"))
        },
        |f| f.ends_with("/store.rs") || f.ends_with("_store.rs") || f.starts_with("src/db/"),
    );
    assert!(
        bad.is_empty(),
        "SQL outside store files:\n{}",
        bad.join("\n")
    );
}

#[test]
fn transactions_are_opened_only_by_the_one_write_path() {
    let bad = offenders(
        |_, l| {
            l.contains(".transaction(")
                || l.contains("transaction_with_behavior")
                || l.contains("unchecked_transaction")
                || l.contains("\"BEGIN")
        },
        |f| f.starts_with("src/db/"),
    );
    assert!(
        bad.is_empty(),
        "transactions outside Db::write:\n{}",
        bad.join("\n")
    );
}

#[test]
fn no_process_wide_statics_hold_state() {
    // Allowed, because none of them is a server's state: the sqlite-vec registration guard, the
    // constant dummy hash of password checks, the OpenAPI document derived once from the code,
    // the process's request-id counter and tag and its allocator's burst count (malloc's knobs are
    // process-wide), and the in-process language models (one copy
    // of a model file's weights and one generation queue per process, whichever server asks).
    let allowed = [
        "src/db/vector.rs",
        "src/auth/password.rs",
        "src/docs.rs",
        "src/telemetry.rs",
        "src/ai/local_llm/runtime.rs",
    ];
    let bad = offenders(
        |_, l| {
            let t = l.trim_start();
            (t.starts_with("static ") || t.starts_with("pub static "))
                && ["Mutex", "RwLock", "OnceLock", "Lazy", "Atomic", "Cell"]
                    .iter()
                    .any(|k| t.contains(k))
        },
        |f| allowed.contains(&f),
    );
    assert!(
        bad.is_empty(),
        "statics holding state (put them in AppState):\n{}",
        bad.join("\n")
    );
}
