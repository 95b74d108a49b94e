//! Knowledge benchmark driver (run by tests/bench/knowledge.py, which adds the numpy baseline).
//!
//! 1. Vector search: N synthetic embedding-like vectors (384-d) in the app's own schema, searched
//!    through `search::search` (vector mode, admin viewer, so the visibility join runs) per
//!    first-pass variant — vec0 float32 exact; the in-memory binary
//!    index + float32 rescore at several pool sizes — timing each query and writing the ids so
//!    recall@10 can be computed against exact search. The store grows 10k → 100k → 1M in place.
//! 2. Ingest: MB/s of markdown chunked, embedded and indexed (hashing; MiniLM when installed).
//! 3. Retrieval quality: nDCG@10 and recall@10 on tests/bench/retrieval_set.json (300 passages,
//!    240 graded queries split into dev and test halves) for keyword, vector and hybrid with
//!    each embedder (hashing; MiniLM when installed), and the hybrid fusion tuned on dev (RRF k,
//!    vector weight, keyword coverage exponent). Documents are embedded with their titles, as
//!    imports embed them (`index::embed_input`).
use neuromancer::access::Viewer;
use neuromancer::db::ann::Ann;
use neuromancer::domain::knowledge::embed::Embedder;
use neuromancer::domain::knowledge::{embed, index, index_store, search};
use rusqlite::{Connection, params};
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

const D: usize = 384;
const K: usize = 10;

/// xorshift64*: deterministic, dependency-free randomness.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn unit(&mut self) -> f32 {
        (self.next() >> 11) as f32 / (1u64 << 53) as f32
    }
    /// Approximately normal (sum of uniforms).
    fn normal(&mut self) -> f32 {
        (0..6).map(|_| self.unit()).sum::<f32>() - 3.0
    }
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Realistic stand-in for sentence embeddings (see tests/bench/knowledge.py): topics →
/// documents → chunks, each level a unit direction plus Gaussian noise, and a shared mean
/// direction (real embedders are anisotropic, which is what hurts sign-bit codes). Chunks of one
/// document have cosine ~0.6, of one topic ~0.35, unrelated ~0.07. 20 chunks per document,
/// stored consecutively as an import writes them. Queries are noisier paraphrases of documents
/// among the first 10k chunks, so they have true neighbours at every size.
struct Gen {
    rng: Rng,
    mean: Vec<f32>,
    topics: Vec<Vec<f32>>,
}

impl Gen {
    fn new() -> Self {
        let mut rng = Rng(0x5eed_1234_abcd_0001);
        let unit = |rng: &mut Rng| {
            let mut v: Vec<f32> = (0..D).map(|_| rng.normal()).collect();
            embed::normalise(&mut v);
            v
        };
        let mean = unit(&mut rng);
        let topics = (0..256).map(|_| unit(&mut rng)).collect();
        Gen { rng, mean, topics }
    }
    /// `base` + Gaussian noise of norm ~`noise` + `shift` × the mean direction, normalised.
    fn around(&mut self, base: &[f32], noise: f32, shift: f32) -> Vec<f32> {
        let s = noise / (std::f32::consts::FRAC_1_SQRT_2 * (D as f32).sqrt());
        let mut v: Vec<f32> = base
            .iter()
            .zip(&self.mean)
            .map(|(b, m)| b + s * self.rng.normal() + shift * m)
            .collect();
        embed::normalise(&mut v);
        v
    }
    fn doc(&mut self, d: usize) -> Vec<f32> {
        // Deterministic per document, so queries can re-derive a document's centre.
        let saved = self.rng.0;
        self.rng.0 = 0x9e37_79b9_7f4a_7c15 ^ (d as u64).wrapping_mul(0x2545_f491_4f6c_dd1d) | 1;
        let t = (self.rng.next() % self.topics.len() as u64) as usize;
        let topic = self.topics[t].clone();
        let v = self.around(&topic, 1.0, 0.0);
        self.rng.0 = saved;
        v
    }
}

const PER_DOC: usize = 20;

/// What each variant searches with: `search::search` in vector mode, the query text "q{i}"
/// standing for the i-th query vector.
struct QueryVectors(Vec<Vec<f32>>);
impl embed::Embedder for QueryVectors {
    fn model_id(&self) -> &str {
        "bench-v1"
    }
    fn embed(&self, texts: &[&str]) -> anyhow::Result<Vec<Vec<f32>>> {
        Ok(texts
            .iter()
            .map(|t| self.0[t[1..].parse::<usize>().unwrap()].clone())
            .collect())
    }
}

fn bench_vectors(out: &std::path::Path, sizes: &[usize], nq: usize) -> Value {
    let max = *sizes.iter().max().unwrap();
    let mut g = Gen::new();
    let mut data: Vec<Vec<f32>> = Vec::with_capacity(max);
    let mut centre = Vec::new();
    for i in 0..max {
        if i % PER_DOC == 0 {
            centre = g.doc(i / PER_DOC);
        }
        data.push(g.around(&centre, 0.8, 0.35));
    }
    let first_docs = (sizes.iter().min().unwrap() / PER_DOC).max(1);
    let queries: Vec<Vec<f32>> = (0..nq)
        .map(|_| {
            let d = (g.rng.next() % first_docs as u64) as usize;
            let c = g.doc(d);
            g.around(&c, 1.0, 0.35)
        })
        .collect();
    let write = |name: &str, vs: &[Vec<f32>]| {
        let mut f = std::io::BufWriter::new(std::fs::File::create(out.join(name)).unwrap());
        for v in vs {
            f.write_all(&embed::to_blob(v)).unwrap();
        }
    };
    write("vectors.f32", &data);
    write("queries.f32", &queries);
    let emb = QueryVectors(queries);
    let (db, uid) = setup_db(&out.join("vectors.db"));
    db.write_blocking(|tx| -> rusqlite::Result<()> {
        add_source(tx, &uid, "bench-src", "bench");
        index_store::ensure_active_model(tx, emb.model_id())?;
        Ok(())
    })
    .unwrap();
    let c = db.conn().unwrap();
    let ann = Ann::default();
    let viewer = Viewer {
        user_id: uid,
        admin: true,
    };
    let mut report = serde_json::Map::new();
    let mut written = 0;
    let mut sorted = sizes.to_vec();
    sorted.sort();
    for n in sorted {
        eprintln!("vectors: growing the store to {n}");
        let t0 = Instant::now();
        db.write_blocking(|tx| -> rusqlite::Result<()> {
            let mut ins = tx
                .prepare("INSERT INTO chunks (id, doc_type, doc_id, ord, text, start_off, end_off) VALUES (?1, 'source', 'bench-src', ?1, ?2, 0, 0)")?;
            for (i, v) in data.iter().enumerate().take(n).skip(written) {
                let id = i as i64 + 1;
                ins.execute(params![id, format!("chunk {id}")])?;
                index_store::add_vector(tx, id, emb.model_id(), v)?;
            }
            Ok(())
        })
        .unwrap();
        eprintln!(
            "  wrote {} in {:.1} s",
            n - written,
            t0.elapsed().as_secs_f64()
        );
        written = n;
        // The binary index: its load from the persisted codes (what a restart does) and its memory.
        ann.forget();
        let t0 = Instant::now();
        let neuromancer::db::ann::Lookup::Ready(idx) = ann.get(&c, emb.model_id(), true).unwrap()
        else {
            panic!("the binary index did not load");
        };
        let build_ms = t0.elapsed().as_secs_f64() * 1000.0;
        let bytes = idx.read().unwrap().bytes();
        let mut per = serde_json::Map::new();
        // Slow exact scans at 1M: fewer queries (recall is averaged over the same prefix).
        let slow = if n >= 500_000 { nq.min(30) } else { nq };
        // (name, path, rescore pool, scan threads, queries)
        type Variant = (
            &'static str,
            search::VectorPath,
            Option<(usize, usize)>,
            Option<usize>,
            usize,
        );
        let variants: [Variant; 5] = [
            (
                "vec0 f32 exact",
                search::VectorPath::Exact,
                None,
                None,
                slow,
            ),
            (
                "mem bit, f32 top 20 *",
                search::VectorPath::Binary,
                None,
                None,
                nq,
            ),
            (
                "mem bit, f32 top 20, 1 thread",
                search::VectorPath::Binary,
                None,
                Some(1),
                nq,
            ),
            (
                "mem bit, f32 top 40",
                search::VectorPath::Binary,
                Some((300, 40)),
                None,
                nq,
            ),
            (
                "mem bit, f32 top 80",
                search::VectorPath::Binary,
                Some((300, 80)),
                None,
                nq,
            ),
        ];
        for (name, path, pool, threads, count) in variants {
            let mut times = Vec::new();
            let mut ids_all = Vec::new();
            for qi in 0..count {
                let q = search::Query {
                    text: format!("q{qi}"),
                    limit: K,
                    mode: search::Mode::Vector,
                    vector_path: path,
                    binary_pool: pool,
                    scan_threads: threads,
                    ..Default::default()
                };
                let t0 = Instant::now();
                let hits = search::search(&c, &ann, &viewer, &emb, &q).unwrap();
                let ms = t0.elapsed().as_secs_f64() * 1000.0;
                if qi > 0 {
                    times.push(ms); // first query warms the page cache
                }
                ids_all.push(hits.iter().map(|h| h.chunk_id).collect::<Vec<_>>());
            }
            times.sort_by(|a, b| a.total_cmp(b));
            eprintln!("  {name}: p50 {:.2} ms", pct(&times, 0.5));
            per.insert(
                name.into(),
                json!({ "p50_ms": pct(&times, 0.5), "p99_ms": pct(&times, 0.99), "ids": ids_all }),
            );
        }
        // A restart: a fresh index over the same database. Its first search does not wait for
        // the load (which runs in the background): it scans the newest vectors exactly while the
        // keyword half of a hybrid search covers the rest; then the time until the index serves.
        let restarted = Ann::new(db.clone());
        let first = search::Query {
            text: "q0".into(),
            limit: K,
            mode: search::Mode::Vector,
            ..Default::default()
        };
        let t0 = Instant::now();
        let warm_hits = search::search(&c, &restarted, &viewer, &emb, &first).unwrap();
        let first_ms = t0.elapsed().as_secs_f64() * 1000.0;
        let mut ready_ms = first_ms;
        while restarted.status().0 != "ready" {
            std::thread::sleep(std::time::Duration::from_millis(5));
            ready_ms = t0.elapsed().as_secs_f64() * 1000.0;
        }
        eprintln!(
            "  after a restart: first search {first_ms:.0} ms, index serving after {ready_ms:.0} ms"
        );
        report.insert(
            n.to_string(),
            json!({ "variants": per, "index_build_ms": build_ms, "index_bytes": bytes,
                    "restart": { "first_query_ms": first_ms, "ready_ms": ready_ms,
                                 "first_query_hits": warm_hits.len() } }),
        );
    }
    drop(c);
    drop(db);
    let _ = std::fs::remove_file(out.join("vectors.db"));
    Value::Object(report)
}

fn corpus(mb: f64, seed: u64) -> String {
    const WORDS: &[&str] = &[
        "content",
        "studio",
        "draft",
        "publish",
        "audience",
        "newsletter",
        "vector",
        "search",
        "embedding",
        "editorial",
        "calendar",
        "feedback",
        "persona",
        "campaign",
        "linkedin",
        "article",
        "research",
        "insight",
        "quarterly",
        "growth",
        "retention",
        "pricing",
        "launch",
        "product",
        "customer",
        "interview",
        "summary",
        "headline",
        "hook",
        "story",
        "brand",
        "voice",
        "analytics",
        "engagement",
        "the",
        "and",
        "with",
        "for",
        "our",
        "team",
        "will",
        "from",
        "into",
        "about",
        "because",
        "while",
    ];
    let mut rng = Rng(seed);
    let mut s = String::new();
    let target = (mb * 1024.0 * 1024.0) as usize;
    let mut section = 0;
    while s.len() < target {
        section += 1;
        s.push_str(&format!("## Section {section}\n\n"));
        for _ in 0..(2 + rng.next() % 4) {
            let n = 30 + rng.next() % 90;
            let words: Vec<&str> = (0..n)
                .map(|_| WORDS[(rng.next() % WORDS.len() as u64) as usize])
                .collect();
            s.push_str(&words.join(" "));
            s.push_str(".\n\n");
        }
    }
    s
}

fn setup_db(path: &std::path::Path) -> (neuromancer::db::Db, String) {
    let _ = std::fs::remove_file(path);
    let db = neuromancer::db::Db::open(path, false).unwrap();
    let uid = "bench-user".to_string();
    db.write_blocking(|tx| {
        tx.execute(
            "INSERT INTO users (id, email, role, created_at, updated_at) VALUES (?1, 'bench@example.com', 'admin', '', '')",
            [&uid],
        )
    })
    .unwrap();
    (db, uid)
}

fn add_source(c: &Connection, owner: &str, id: &str, title: &str) {
    c.execute(
        "INSERT INTO sources (id, owner_id, kind, title, status, created_at, updated_at) VALUES (?1, ?2, 'paste', ?3, 'ready', '', '')",
        params![id, owner, title],
    )
    .unwrap();
}

fn bench_ingest(out: &std::path::Path, emb: &dyn embed::Embedder, mb: f64) -> Value {
    let (db, uid) = setup_db(&out.join(format!("ingest_{}.db", emb.model_id())));
    let text = corpus(mb, 7);
    let docs: Vec<&str> = text.split("## Section").filter(|d| !d.is_empty()).collect();
    // Documents of ~20 sections each, as an import of many posts would look.
    let per = 20;
    let t0 = Instant::now();
    let mut chunks = 0;
    for (i, group) in docs.chunks(per).enumerate() {
        let body = group.join("## Section");
        let id = format!("src-{i}");
        let p = index::prepare(emb, &id, &body).unwrap();
        chunks += db
            .write_blocking(|tx| {
                add_source(tx, &uid, &id, &id);
                index_store::write(tx, "source", &id, &p)
            })
            .unwrap();
    }
    let secs = t0.elapsed().as_secs_f64();
    let real_mb = text.len() as f64 / 1024.0 / 1024.0;
    json!({ "model": emb.model_id(), "mb": real_mb, "seconds": secs, "mb_per_s": real_mb / secs, "chunks": chunks })
}

fn dcg(rels: &[f64]) -> f64 {
    rels.iter()
        .enumerate()
        .map(|(i, r)| (2f64.powf(*r) - 1.0) / ((i + 2) as f64).log2())
        .sum()
}

/// Document-level nDCG@10 and recall@10 of one query's hits against its graded labels.
fn judge(hits: &[search::Hit], rel: &serde_json::Map<String, Value>) -> (f64, f64) {
    let mut seen = std::collections::HashSet::new();
    let docs: Vec<&str> = hits
        .iter()
        .filter(|h| seen.insert(h.doc_id.clone()))
        .take(10)
        .map(|h| h.doc_id.as_str())
        .collect();
    let got: Vec<f64> = docs
        .iter()
        .map(|d| rel.get(*d).and_then(Value::as_f64).unwrap_or(0.0))
        .collect();
    let mut ideal: Vec<f64> = rel.values().filter_map(Value::as_f64).collect();
    ideal.sort_by(|a, b| b.total_cmp(a));
    ideal.truncate(10);
    let idcg = dcg(&ideal);
    let ndcg = if idcg > 0.0 { dcg(&got) / idcg } else { 0.0 };
    let found = docs.iter().filter(|d| rel.contains_key(**d)).count();
    (ndcg, found as f64 / rel.len().max(1) as f64)
}

/// Mean (nDCG@10, recall@10) per split ("dev", "test") of one search configuration.
fn evaluate(
    conn: &Connection,
    ann: &Ann,
    viewer: &Viewer,
    emb: &dyn embed::Embedder,
    queries: &[Value],
    mode: search::Mode,
    fusion: Option<search::Fusion>,
) -> Value {
    let mut per: std::collections::BTreeMap<String, (f64, f64, usize)> = Default::default();
    for q in queries {
        let rel = q["relevant"].as_object().unwrap();
        let hits = search::search(
            conn,
            ann,
            viewer,
            emb,
            &search::Query {
                text: q["q"].as_str().unwrap().into(),
                limit: 30,
                mode,
                fusion,
                ..Default::default()
            },
        )
        .unwrap();
        let (n, r) = judge(&hits, rel);
        let split = q["split"].as_str().unwrap_or("test").to_string();
        for key in [split, "all".to_string()] {
            let e = per.entry(key).or_default();
            e.0 += n;
            e.1 += r;
            e.2 += 1;
        }
    }
    Value::Object(
        per.into_iter()
            .map(|(k, (n, r, c))| {
                (
                    k,
                    json!({"ndcg10": n / c as f64, "recall10": r / c as f64, "queries": c}),
                )
            })
            .collect(),
    )
}

/// Retrieval quality on the labelled set, per embedder: keyword, vector and hybrid with the
/// default fusion, and the hybrid fusion tuned on the dev split (grid over RRF k and the
/// vector list's weight) and reported on the held-out test split.
fn bench_quality(
    out: &std::path::Path,
    labelled: &Value,
    embedders: &[&dyn embed::Embedder],
) -> Value {
    let queries = labelled["queries"].as_array().unwrap().clone();
    let dev: Vec<Value> = queries
        .iter()
        .filter(|q| q["split"] == "dev")
        .cloned()
        .collect();
    let mut report = serde_json::Map::new();
    for emb in embedders {
        let (db, uid) = setup_db(&out.join(format!("quality_{}.db", emb.model_id())));
        for d in labelled["docs"].as_array().unwrap() {
            let id = d["id"].as_str().unwrap();
            let title = d["title"].as_str().unwrap_or(id);
            let p = index::prepare(*emb, title, d["text"].as_str().unwrap()).unwrap();
            db.write_blocking(|tx| {
                add_source(tx, &uid, id, title);
                index_store::write(tx, "source", id, &p)
            })
            .unwrap();
        }
        let conn = db.conn().unwrap();
        let ann = Ann::default();
        let viewer = Viewer {
            user_id: uid.clone(),
            admin: true,
        };
        let model = emb.model_id();
        if !report.contains_key("keyword_bm25") {
            let r = evaluate(
                &conn,
                &ann,
                &viewer,
                *emb,
                &queries,
                search::Mode::Keyword,
                None,
            );
            report.insert("keyword_bm25".into(), r);
        }
        let r = evaluate(
            &conn,
            &ann,
            &viewer,
            *emb,
            &queries,
            search::Mode::Vector,
            None,
        );
        report.insert(format!("vector_{model}"), r);
        let r = evaluate(
            &conn,
            &ann,
            &viewer,
            *emb,
            &queries,
            search::Mode::Hybrid,
            None,
        );
        report.insert(format!("hybrid_{model} (default fusion)"), r);
        if dev.is_empty() {
            continue;
        }
        // Grid over RRF k, the vector list's weight and the coverage exponent (0 = plain RRF),
        // scored on dev only; the best plain RRF is reported beside the best overall.
        let mut best: Option<(f64, search::Fusion)> = None;
        let mut best_rrf: Option<(f64, search::Fusion)> = None;
        for k in [2.0, 5.0, 10.0, 20.0, 60.0] {
            for vector in [0.5, 0.75, 1.0, 1.5, 2.0, 3.0] {
                for coverage in [0.0, 1.0, 2.0, 3.0] {
                    let f = search::Fusion {
                        k,
                        keyword: 1.0,
                        vector,
                        coverage,
                    };
                    let r = evaluate(
                        &conn,
                        &ann,
                        &viewer,
                        *emb,
                        &dev,
                        search::Mode::Hybrid,
                        Some(f),
                    );
                    let score = r["dev"]["ndcg10"].as_f64().unwrap_or(0.0);
                    if best.is_none_or(|(b, _)| score > b + 1e-9) {
                        best = Some((score, f));
                    }
                    if coverage == 0.0 && best_rrf.is_none_or(|(b, _)| score > b + 1e-9) {
                        best_rrf = Some((score, f));
                    }
                }
            }
        }
        for (label, choice) in [("plain RRF tuned on dev", best_rrf), ("tuned on dev", best)] {
            let (_, f) = choice.unwrap();
            let mut r = evaluate(
                &conn,
                &ann,
                &viewer,
                *emb,
                &queries,
                search::Mode::Hybrid,
                Some(f),
            );
            r["fusion"] =
                json!({"k": f.k, "keyword": f.keyword, "vector": f.vector, "coverage": f.coverage});
            report.insert(format!("hybrid_{model} ({label})"), r);
        }
    }
    Value::Object(report)
}

fn main() {
    let out = PathBuf::from(arg("--out").unwrap_or_else(|| "target/knowledge-bench".into()));
    std::fs::create_dir_all(&out).unwrap();
    let sizes: Vec<usize> = arg("--sizes")
        .unwrap_or_else(|| "10000,100000".into())
        .split(',')
        .map(|s| s.trim().parse().unwrap())
        .collect();
    let nq: usize = arg("--queries").map_or(200, |s| s.parse().unwrap());
    let ingest_mb: f64 = arg("--ingest-mb").map_or(20.0, |s| s.parse().unwrap());
    let labelled: Value = serde_json::from_str(
        &std::fs::read_to_string(
            arg("--labelled").unwrap_or_else(|| "tests/bench/retrieval_set.json".into()),
        )
        .unwrap(),
    )
    .unwrap();
    let minilm = arg("--minilm-data")
        .and_then(|d| neuromancer::domain::knowledge::local_model_in(std::path::Path::new(&d)));
    let hashing = embed::HashingEmbedder;
    let mut embedders: Vec<&dyn embed::Embedder> = vec![&hashing];
    if let Some(m) = &minilm {
        embedders.push(m.as_ref());
    }
    eprintln!("quality…");
    let quality = bench_quality(&out, &labelled, &embedders);
    // --only-quality: the labelled-set figures alone (a quick run).
    let quality_only = std::env::args().any(|a| a == "--only-quality");
    let mut ingest = Vec::new();
    let mut vectors = Value::Null;
    if !quality_only {
        eprintln!("ingest…");
        ingest.push(bench_ingest(&out, &hashing, ingest_mb));
        if let Some(m) = &minilm {
            ingest.push(bench_ingest(&out, m.as_ref(), (ingest_mb / 20.0).max(0.5)));
        }
        vectors = bench_vectors(&out, &sizes, nq);
    }
    let report = json!({ "dims": D, "k": K, "queries": nq, "sizes": sizes, "vectors": vectors, "ingest": ingest, "quality": quality });
    std::fs::write(out.join("report.json"), report.to_string()).unwrap();
    eprintln!("wrote {}", out.join("report.json").display());
}
