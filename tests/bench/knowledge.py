#!/usr/bin/env python3
"""Knowledge benchmark: vector search latency and recall per storage variant against exact
brute force in numpy on the same vectors, ingest throughput, and nDCG@10 on a labelled set.

    python3 tests/bench/knowledge.py [--sizes 10000,100000] [--queries 200] [--ingest-mb 20]
                                     [--minilm-data DIR] [--skip-build]

Builds the driver in release (`cargo build --release --example knowledge_bench`) unless
--skip-build, runs it, then computes the exact top-10 with numpy (timed per query, same
machine, same run) and prints every figure side by side. Needs numpy (pip install numpy).
--minilm-data is a data dir holding models/all-MiniLM-L6-v2 (see `neuromancer models pull`).

Vector search runs through the app's own retrieval function (search::search, vector mode, an
admin viewer so the visibility join runs) on the app's schema, growing one store 10k -> 100k ->
1M. Variants: "vec0 f32 exact" (vec0 float32 full scan) and the in-memory sign-bit index ("mem
bit", the default above 10k vectors) with its float32 rescore of the top 20/40/80 estimated
candidates (* = default). (An int8 vec0 first pass measured 198 ms at 100k and was removed in
migration 0007.) At 1M the vec0 scan times only the first 30 queries (~1 s each);
recall is averaged over the same queries.

The vectors are synthetic but shaped like sentence embeddings, because i.i.d. Gaussian vectors
(what the first version of this bench used, after normalisation nearly orthogonal) are a poor
proxy for binary quantisation: 256 topic directions, documents = topic + noise (cos ~0.7 to
their topic), 20 chunks per document = document + noise (siblings cos ~0.6, same topic ~0.35,
unrelated ~0.07, through a shared mean direction as real embedders are anisotropic), queries =
noisier paraphrases of a document among the first 10k chunks. MiniLM embeddings of 1M real
passages could not be computed on this machine in reasonable time.
"""
import argparse, json, os, subprocess, sys, tempfile, time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--ingest-mb", type=float, default=20)
    ap.add_argument("--minilm-data")
    ap.add_argument("--skip-build", action="store_true")
    ap.add_argument("--only-quality", action="store_true", help="only the labelled-set quality figures")
    ap.add_argument("--debug", action="store_true",
                    help="use the debug driver (SQLite, sqlite-vec and candle are built at -O3 even in debug; the Rust glue is not)")
    a = ap.parse_args()
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
    exe = os.path.join(target, "debug" if a.debug else "release", "examples", "knowledge_bench")
    if not a.skip_build:
        subprocess.run(["cargo", "build", *([] if a.debug else ["--release"]), "--example", "knowledge_bench"], cwd=ROOT, check=True)
    out = tempfile.mkdtemp(prefix="nm-kbench-")
    cmd = [exe, "--out", out, "--sizes", a.sizes, "--queries", str(a.queries), "--ingest-mb", str(a.ingest_mb),
           "--labelled", os.path.join(ROOT, "tests", "bench", "retrieval_set.json")]
    if a.only_quality:
        cmd.append("--only-quality")
    if a.minilm_data:
        cmd += ["--minilm-data", a.minilm_data]
    subprocess.run(cmd, cwd=ROOT, check=True)
    rep = json.load(open(os.path.join(out, "report.json")))
    if not a.only_quality:
        vectors_and_ingest(rep, out)
    quality(rep)


def vectors_and_ingest(rep, out):
    d, k = rep["dims"], rep["k"]
    data = np.fromfile(os.path.join(out, "vectors.f32"), dtype="<f4").reshape(-1, d)
    queries = np.fromfile(os.path.join(out, "queries.f32"), dtype="<f4").reshape(-1, d)

    print(f"\n== Vector search through search::search: k={k}, {d}-d, synthetic topic/document/chunk vectors ==")
    print("   (recall@10 against numpy exact on the same vectors; n = queries timed and scored)")
    print(f"{'size':>8}  {'variant':<30} {'p50 ms':>8} {'p99 ms':>8} {'recall@10':>10} {'n':>5}")
    for n in rep["sizes"]:
        x = data[:n]
        times, exact = [], []
        for q in queries:
            t0 = time.perf_counter()
            s = x @ q
            top = np.argpartition(-s, k)[:k]
            top = top[np.argsort(-s[top])]
            times.append((time.perf_counter() - t0) * 1000)
            exact.append(set((top + 1).tolist()))
        t = np.array(times[1:])
        print(f"{n:>8}  {'numpy exact (baseline)':<30} {np.percentile(t, 50):>8.2f} {np.percentile(t, 99):>8.2f} {1.0:>10.3f} {len(queries):>5}")
        r = rep["vectors"][str(n)]
        for name, v in r["variants"].items():
            rec = np.mean([len(set(ids[:k]) & ex) / k for ids, ex in zip(v["ids"], exact)])
            print(f"{n:>8}  {name:<30} {v['p50_ms']:>8.2f} {v['p99_ms']:>8.2f} {rec:>10.3f} {len(v['ids']):>5}")
        print(f"{'':>8}  binary index: {r['index_bytes'] / 1e6:.1f} MB in memory, loaded from its persisted codes in {r['index_build_ms']:.0f} ms (what a restart waits for, in the background)")
        if "restart" in r:
            rs = r["restart"]
            print(f"{'':>8}  after a restart: first search answered in {rs['first_query_ms']:.0f} ms "
                  f"({rs['first_query_hits']} hits, from the newest vectors while the index loads; target <= 1000 ms), "
                  f"index serving after {rs['ready_ms']:.0f} ms")

    print("\n== Ingest (markdown chunked, embedded, indexed in SQLite: chunks + FTS5 + vec0) ==")
    for i in rep["ingest"]:
        print(f"  {i['model']:<18} {i['mb']:.1f} MB in {i['seconds']:.2f} s = {i['mb_per_s']:.2f} MB/s ({i['chunks']} chunks)")


def quality(rep):
    print("\n== Retrieval quality on tests/bench/retrieval_set.json (document level; dev = tuning half, test = held out) ==")
    print(f"  {'':<40} {'nDCG@10 dev':>11} {'test':>6} {'recall@10 dev':>13} {'test':>6}")
    for name, v in sorted(rep["quality"].items(), key=lambda kv: -kv[1]["test"]["ndcg10"]):
        fusion = (f"  (k={v['fusion']['k']:g}, vector weight {v['fusion']['vector']:g}, "
                  f"coverage^{v['fusion'].get('coverage', 0):g})") if "fusion" in v else ""
        print(f"  {name:<40} {v['dev']['ndcg10']:>11.3f} {v['test']['ndcg10']:>6.3f} "
              f"{v['dev']['recall10']:>13.3f} {v['test']['recall10']:>6.3f}{fusion}")


if __name__ == "__main__":
    sys.exit(main())
