//! Knowledge benchmark driver (run by tests/bench/knowledge.py, which adds the numpy baseline).
//!
//! 1. Vector search: N clustered unit vectors (384-d) in SQLite, per storage variant —
//!    vec0 float32 KNN; int8 first pass + float32 rescore; binary first pass + float32 rescore —
//!    timing each query and writing the ids so recall@10 can be computed against exact search.
//! 2. Ingest: MB/s of markdown chunked, embedded and indexed (hashing; MiniLM when installed).
//! 3. Retrieval quality: nDCG@10 on a small labelled set for keyword, hashing, MiniLM and hybrid.
use neuromancer::access::Viewer;
use neuromancer::knowledge::{embed, index, search};
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

fn clustered(n: usize, rng: &mut Rng, centers: &[Vec<f32>]) -> Vec<Vec<f32>> {
    (0..n)
        .map(|_| {
            let c = &centers[(rng.next() % centers.len() as u64) as usize];
            let mut v: Vec<f32> = c.iter().map(|x| x + 0.35 * rng.normal()).collect();
            embed::normalise(&mut v);
            v
        })
        .collect()
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn open(path: &std::path::Path) -> Connection {
    neuromancer::db::vector::register();
    let _ = std::fs::remove_file(path);
    let c = Connection::open(path).unwrap();
    c.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
        .unwrap();
    c
}

fn bench_vectors(out: &std::path::Path, sizes: &[usize], nq: usize) -> Value {
    let max = *sizes.iter().max().unwrap();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let centers: Vec<Vec<f32>> = (0..(max / 100).max(50))
        .map(|_| {
            let mut v: Vec<f32> = (0..D).map(|_| rng.normal()).collect();
            embed::normalise(&mut v);
            v
        })
        .collect();
    let data = clustered(max, &mut rng, &centers);
    let queries = clustered(nq, &mut rng, &centers);
    let write = |name: &str, vs: &[Vec<f32>]| {
        let mut f = std::io::BufWriter::new(std::fs::File::create(out.join(name)).unwrap());
        for v in vs {
            f.write_all(&embed::to_blob(v)).unwrap();
        }
    };
    write("vectors.f32", &data);
    write("queries.f32", &queries);
    let mut report = serde_json::Map::new();
    for &n in sizes {
        eprintln!("vectors: building {n}");
        let c = open(&out.join(format!("vec_{n}.db")));
        c.execute_batch(&format!(
            "CREATE VIRTUAL TABLE vf USING vec0(embedding float[{D}] distance_metric=cosine);
             CREATE VIRTUAL TABLE vi USING vec0(embedding int8[{D}]);
             CREATE VIRTUAL TABLE vb USING vec0(embedding bit[{D}]);
             CREATE TABLE vecs (id INTEGER PRIMARY KEY, v BLOB NOT NULL);"
        ))
        .unwrap();
        c.execute_batch("BEGIN").unwrap();
        {
            let mut f = c
                .prepare("INSERT INTO vf(rowid, embedding) VALUES (?1, ?2)")
                .unwrap();
            let mut i8 = c
                .prepare(
                    "INSERT INTO vi(rowid, embedding) VALUES (?1, vec_quantize_int8(?2, 'unit'))",
                )
                .unwrap();
            let mut b = c
                .prepare("INSERT INTO vb(rowid, embedding) VALUES (?1, vec_quantize_binary(?2))")
                .unwrap();
            let mut p = c
                .prepare("INSERT INTO vecs(id, v) VALUES (?1, ?2)")
                .unwrap();
            for (i, v) in data[..n].iter().enumerate() {
                let blob = embed::to_blob(v);
                let id = i as i64 + 1;
                f.execute(params![id, blob]).unwrap();
                i8.execute(params![id, blob]).unwrap();
                b.execute(params![id, blob]).unwrap();
                p.execute(params![id, blob]).unwrap();
            }
        }
        c.execute_batch("COMMIT").unwrap();
        let rescore = "SELECT id FROM vecs WHERE id IN (SELECT value FROM json_each(?1))
                       ORDER BY vec_distance_cosine(v, ?2) LIMIT 10";
        let variants: [(&str, String, usize); 3] = [
            (
                "vec0_float32",
                "SELECT rowid FROM vf WHERE embedding MATCH ?1 AND k = ?2 ORDER BY distance".into(),
                K,
            ),
            (
                "vec0_int8_rescore",
                "SELECT rowid FROM vi WHERE embedding MATCH vec_quantize_int8(?1, 'unit') AND k = ?2 ORDER BY distance".into(),
                K * 8,
            ),
            (
                "vec0_bit_rescore",
                "SELECT rowid FROM vb WHERE embedding MATCH vec_quantize_binary(?1) AND k = ?2 ORDER BY distance".into(),
                K * 20,
            ),
        ];
        let mut per = serde_json::Map::new();
        for (name, sql, first_k) in variants {
            let mut stmt = c.prepare(&sql).unwrap();
            let mut rs = c.prepare(rescore).unwrap();
            let mut times = Vec::new();
            let mut ids_all = Vec::new();
            for (qi, q) in queries.iter().enumerate() {
                let blob = embed::to_blob(q);
                let t0 = Instant::now();
                let first: Vec<i64> = stmt
                    .query_map(params![blob, first_k as i64], |r| r.get(0))
                    .unwrap()
                    .map(Result::unwrap)
                    .collect();
                let ids: Vec<i64> = if first_k > K {
                    rs.query_map(params![serde_json::to_string(&first).unwrap(), blob], |r| {
                        r.get(0)
                    })
                    .unwrap()
                    .map(Result::unwrap)
                    .collect()
                } else {
                    first
                };
                let ms = t0.elapsed().as_secs_f64() * 1000.0;
                if qi > 0 {
                    times.push(ms); // first query warms the page cache
                }
                ids_all.push(ids);
            }
            times.sort_by(|a, b| a.total_cmp(b));
            per.insert(
                name.into(),
                json!({ "p50_ms": pct(&times, 0.5), "p99_ms": pct(&times, 0.99), "ids": ids_all }),
            );
        }
        drop(c);
        let _ = std::fs::remove_file(out.join(format!("vec_{n}.db")));
        report.insert(n.to_string(), Value::Object(per));
    }
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
    let c = db.conn().unwrap();
    let uid = "bench-user".to_string();
    c.execute(
        "INSERT INTO users (id, email, role, created_at, updated_at) VALUES (?1, 'bench@example.com', 'admin', '', '')",
        [&uid],
    )
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
    let mut conn = db.conn().unwrap();
    let t0 = Instant::now();
    let mut chunks = 0;
    for (i, group) in docs.chunks(per).enumerate() {
        let body = group.join("## Section");
        let p = index::prepare(emb, &body).unwrap();
        let tx = conn.transaction().unwrap();
        let id = format!("src-{i}");
        add_source(&tx, &uid, &id, &id);
        index::active_model(&tx, emb.model_id()).unwrap();
        chunks += index::write(&tx, "source", &id, &p).unwrap();
        tx.commit().unwrap();
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

fn bench_quality(
    out: &std::path::Path,
    labelled: &Value,
    embedders: &[&dyn embed::Embedder],
) -> Value {
    let mut report = serde_json::Map::new();
    for emb in embedders {
        let (db, uid) = setup_db(&out.join(format!("quality_{}.db", emb.model_id())));
        let mut conn = db.conn().unwrap();
        for d in labelled["docs"].as_array().unwrap() {
            let id = d["id"].as_str().unwrap();
            let p = index::prepare(*emb, d["text"].as_str().unwrap()).unwrap();
            let tx = conn.transaction().unwrap();
            add_source(&tx, &uid, id, d["title"].as_str().unwrap_or(id));
            index::active_model(&tx, emb.model_id()).unwrap();
            index::write(&tx, "source", id, &p).unwrap();
            tx.commit().unwrap();
        }
        let viewer = Viewer {
            user_id: uid.clone(),
            admin: true,
        };
        for (mode_name, mode) in [
            ("keyword", search::Mode::Keyword),
            ("vector", search::Mode::Vector),
            ("hybrid", search::Mode::Hybrid),
        ] {
            let key = match mode_name {
                "keyword" => "keyword_bm25".to_string(),
                m => format!("{m}_{}", emb.model_id()),
            };
            if report.contains_key(&key) {
                continue;
            }
            let mut scores = Vec::new();
            for q in labelled["queries"].as_array().unwrap() {
                let rel = q["relevant"].as_object().unwrap();
                let hits = search::search(
                    &conn,
                    &viewer,
                    *emb,
                    &search::Query {
                        text: q["q"].as_str().unwrap().into(),
                        limit: 30,
                        mode,
                        ..Default::default()
                    },
                )
                .unwrap();
                // Document-level ranking: first occurrence of each source.
                let mut seen = std::collections::HashSet::new();
                let got: Vec<f64> = hits
                    .iter()
                    .filter(|h| seen.insert(h.doc_id.clone()))
                    .take(10)
                    .map(|h| rel.get(&h.doc_id).and_then(Value::as_f64).unwrap_or(0.0))
                    .collect();
                let mut ideal: Vec<f64> = rel.values().filter_map(Value::as_f64).collect();
                ideal.sort_by(|a, b| b.total_cmp(a));
                ideal.truncate(10);
                let idcg = dcg(&ideal);
                scores.push(if idcg > 0.0 { dcg(&got) / idcg } else { 0.0 });
            }
            let mean = scores.iter().sum::<f64>() / scores.len() as f64;
            report.insert(key, json!(mean));
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
            arg("--labelled").unwrap_or_else(|| "tests/bench/knowledge_labelled.json".into()),
        )
        .unwrap(),
    )
    .unwrap();
    let minilm = arg("--minilm-data")
        .and_then(|d| neuromancer::knowledge::local_model_in(std::path::Path::new(&d)));
    let hashing = embed::HashingEmbedder;
    let mut embedders: Vec<&dyn embed::Embedder> = vec![&hashing];
    if let Some(m) = &minilm {
        embedders.push(m.as_ref());
    }
    eprintln!("quality…");
    let quality = bench_quality(&out, &labelled, &embedders);
    eprintln!("ingest…");
    let mut ingest = vec![bench_ingest(&out, &hashing, ingest_mb)];
    if let Some(m) = &minilm {
        ingest.push(bench_ingest(&out, m.as_ref(), (ingest_mb / 20.0).max(0.5)));
    }
    let vectors = bench_vectors(&out, &sizes, nq);
    let report = json!({ "dims": D, "k": K, "queries": nq, "sizes": sizes, "vectors": vectors, "ingest": ingest, "quality": quality });
    std::fs::write(out.join("report.json"), report.to_string()).unwrap();
    eprintln!("wrote {}", out.join("report.json").display());
}
