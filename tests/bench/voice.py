#!/usr/bin/env python3
"""Voice benchmark: offline learnings from 1,000 pasted posts (~300 kB) and persona simulation
throughput, each next to a baseline measured in the same run on the same server.

    python3 tests/bench/voice.py [--binary target/release/neuromancer] [--posts 1000] [--pairs 1000]

Builds the release binary unless --binary is given. No provider is configured, so everything runs
on the built-in offline path. Job workers are off (--workers 0) so background ingest of the pasted
posts does not compete with the measured requests (learnings read the stored text, not chunks).
1. 1,000 posts (~300 bytes each, varied sentences, hashtags, questions, lists) are pasted through
   POST /sources/import/paste. Timed: POST /learnings/generate (all visible sources) from request
   to the `done` frame (target < 2 s). Baselines: reading the same 1,000 sources back through
   GET /sources/ (5 pages of 200), and Python splitting the same text into words and sentences.
2. 1,000 persona x content pairs (5 built-in personas x 200 texts), 4 client threads, through
   POST /personas/{id}/simulate (target >= 200/s). Baseline: 1,000 GET /auth/me with the same
   client threads.

Measured 2026-11-30, release build, 2 shared cores (load ~9 from other builds), one run:
    learnings from 1,000 posts (292 kB): 144 ms to the done frame (reading the same sources back
    through GET /sources/: 24 ms; Python word+sentence split: 13 ms) · simulate: 1501 pairs/s
    (GET /auth/me with the same client: 2351 req/s).
"""
import argparse, json, os, random, re, shutil, subprocess, sys, tempfile, time, urllib.request
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(__file__))
from foundation import ADMIN, PASSWORD, free_port, start  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TOPICS = ["growth", "hiring", "databases", "fundraising", "onboarding", "pricing", "remote work", "seo", "design", "sales"]
OPENERS = ["Why do most {t} plans fail?", "I learned something about {t} this week.", "We changed how we do {t}.",
           "Here's the thing about {t}:", "Most advice on {t} is wrong."]
BODY = ["I tried three approaches and only one worked.", "The numbers surprised me: 40% fewer drop-offs.",
        "- Start small\n- Measure weekly\n- Cut what doesn't move the needle", "You don't need a big team for this.",
        "It took us six months to see it.", "My advice: write it down before you change anything.",
        "Nobody on the team expected the second experiment to win, but it did, and by a wide margin.",
        "If I had to start again tomorrow, I would talk to ten customers before writing a single line of code."]


def call(base, method, path, token=None, body=None, raw=False):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + "/api/v1" + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=120) as r:
        out = r.read()
        return out if raw else (json.loads(out) if out else None)


def post_text(rnd, i):
    t = TOPICS[i % len(TOPICS)]
    parts = [rnd.choice(OPENERS).format(t=t), "", *rnd.sample(BODY, 4), "", f"#{t.replace(' ', '')} #{rnd.choice(TOPICS).replace(' ', '')}"]
    return "\n".join(parts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary")
    ap.add_argument("--posts", type=int, default=1000)
    ap.add_argument("--pairs", type=int, default=1000)
    a = ap.parse_args()
    binary = a.binary or os.path.join(ROOT, "target", "release", "neuromancer")
    if not a.binary:
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    data = tempfile.mkdtemp(prefix="nm-voice-")
    port = free_port()
    proc, _ = start(binary, data, port, ["--workers", "0", "--rate-limit", "0", "--login-rate", "0"])
    base = f"http://127.0.0.1:{port}"
    try:
        token = call(base, "POST", "/auth/login", body={"email": ADMIN, "password": PASSWORD})["access_token"]
        rnd = random.Random(7)
        posts = [post_text(rnd, i) for i in range(a.posts)]
        with ThreadPoolExecutor(4) as ex:
            list(ex.map(lambda p: call(base, "POST", "/sources/import/paste", token, {"content": p}), posts))
        total_kb = sum(len(p.encode()) for p in posts) / 1000

        print(f"\n== Offline learnings from {a.posts} pasted posts ({total_kb:.0f} kB) ==")
        t0 = time.perf_counter()
        frames = call(base, "POST", "/learnings/generate", token, {}, raw=True).decode()
        gen_ms = (time.perf_counter() - t0) * 1000
        last = json.loads([f for f in frames.split("\n\n") if f.startswith("data: ")][-1][6:])
        assert last.get("done"), last
        t0 = time.perf_counter()
        for off in range(0, a.posts, 200):
            call(base, "GET", f"/sources/?limit=200&offset={off}", token)
        read_ms = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        words = sum(len(re.findall(r"[\w']+", p)) for p in posts)
        sentences = sum(len([s for s in re.split(r"[.!?\n]", p) if s.strip()]) for p in posts)
        py_ms = (time.perf_counter() - t0) * 1000
        print(f"  POST /learnings/generate to the done frame: {gen_ms:8.0f} ms  (target < 2000 ms)")
        print(f"  baseline: GET /sources/ x{(a.posts + 199) // 200} pages of the same posts: {read_ms:8.0f} ms")
        print(f"  baseline: Python word+sentence split of the same text: {py_ms:8.0f} ms ({words} words, {sentences} sentences)")

        personas = call(base, "GET", "/personas/", token)["items"]
        texts = [post_text(rnd, i) for i in range(a.pairs // max(1, len(personas)))]
        pairs = [(p["id"], t) for t in texts for p in personas][: a.pairs]
        print(f"\n== Offline persona simulation: {len(pairs)} persona x content pairs, 4 client threads ==")
        t0 = time.perf_counter()
        with ThreadPoolExecutor(4) as ex:
            scores = list(ex.map(lambda pt: call(base, "POST", f"/personas/{pt[0]}/simulate", token, {"content": pt[1]})["relevance_score"], pairs))
        sim_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        with ThreadPoolExecutor(4) as ex:
            list(ex.map(lambda _: call(base, "GET", "/auth/me", token), range(len(pairs))))
        me_s = time.perf_counter() - t0
        print(f"  POST /personas/{{id}}/simulate: {len(pairs) / sim_s:8.0f} pairs/s  (target >= 200/s; scores {min(scores):.0f}-{max(scores):.0f})")
        print(f"  baseline: GET /auth/me, same client:  {len(pairs) / me_s:8.0f} req/s")
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
