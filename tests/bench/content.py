#!/usr/bin/env python3
"""Content generation benchmark: the SSE relay of POST /content/generate against reading the fake
upstream directly, and offline generation of a LinkedIn post from 1,000 pasted sources, each next
to a baseline measured in the same run on the same server.

    python3 tests/bench/content.py [--binary target/release/neuromancer] [--runs 7] [--sources 1000]
                                   [--offline-runs 15]

Builds the release binary unless --binary is given. Rate limiters are off (--rate-limit 0
--login-rate 0); everything else is the production configuration.
1. Relay: a fake OpenAI-compatible upstream streams 2,000 tokens as fast as it can (the same fake
   as tests/bench/sse_relay.py). Client-observed tokens/s reading the fake directly vs through
   POST /api/v1/content/generate (target ratio >= 0.8), over the span from the first to the last
   content frame; and the time to the first frame, direct vs relayed (target < 5 ms added). The
   relayed stream's first frame is `{stage: "retrieving"}`; the first *content* frame comes after
   retrieval and the generation context, and is printed too. The generation is saved (content,
   version, provenance, AI log) before `done`, which is why "stream closed after" is longer.
2. Offline: N sources (~400 bytes each: teams, cities, numbers) are pasted through
   POST /sources/import/paste and indexed by the job workers (the run waits until every source is
   `ready`); one of them alone says "The Lyon warehouse shipped 73,914 parcels in October". With
   the built-in offline provider, POST /content/generate {platform: linkedin, brief about the Lyon
   warehouse} is timed from request to the `done` frame, p50 over --offline-runs (target < 300 ms).
   Baseline: GET /sources/search with the same brief (the plain knowledge search the generation
   starts with). The run checks that the draft quotes 73,914 and fits LinkedIn's 3,000 characters.
"""
import argparse, http.client, json, os, random, shutil, statistics, subprocess, sys, tempfile, threading, time
import urllib.parse, urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(__file__))
from foundation import ADMIN, PASSWORD, free_port, start  # noqa: E402
from sse_relay import TOKENS, Fake  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CITIES = ["Lisbon", "Oslo", "Leeds", "Porto", "Turin", "Ghent", "Graz", "Cork", "Bilbao", "Utrecht"]
TEAMS = ["billing", "onboarding", "search", "payments", "mobile", "support", "data", "growth"]
NAMES = ["Amara Diallo", "Jonas Weber", "Priya Nair", "Tomás Ruiz", "Elif Kaya", "Mei Chen", "Lars Holm"]
NEEDLE = "The Lyon warehouse shipped 73,914 parcels in October. Nadia Okafor cut the average picking time to 41 seconds."
BRIEF = "Write a LinkedIn post about the Lyon warehouse parcels in October"


def call(base, method, path, token=None, body=None, raw=False):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + "/api/v1" + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=120) as r:
        out = r.read()
        return out if raw else (json.loads(out) if out else None)


def stream(host, port, path, body, token=None):
    """POST and consume the SSE body like a UI does (lines split as bytes arrive, every `data:`
    frame decoded). Returns (first frame, first content, last content, end, content frames,
    last frame), times in seconds from sending the request."""
    c = http.client.HTTPConnection(host, port, timeout=60)
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    t0 = time.perf_counter()
    c.request("POST", path, json.dumps(body), headers)
    r = c.getresponse()
    assert r.status == 200, (r.status, r.read()[:300])
    first_any, first, last, n, buf, final = None, None, None, 0, b"", None
    while True:
        chunk = r.read1(1 << 16)
        if not chunk:
            break
        buf += chunk
        *lines, buf = buf.split(b"\n")
        for line in lines:
            if line.startswith(b"data: ") and line[6:7] == b"{":
                obj = json.loads(line[6:])
                now = time.perf_counter() - t0
                first_any = first_any if first_any is not None else now
                final = obj
                text = obj.get("content")
                if text is None:
                    for ch in obj.get("choices") or []:
                        text = (ch.get("delta") or {}).get("content")
                if text:
                    n += 1
                    last = now
                    first = first if first is not None else now
    total = time.perf_counter() - t0
    c.close()
    return first_any, first, last, total, n, final


def source_text(rnd, i):
    city, team, name = rnd.choice(CITIES), rnd.choice(TEAMS), rnd.choice(NAMES)
    return (f"The {team} team in {city} cut response times by {rnd.randint(5, 60)}% in week {i % 52 + 1}. "
            f"{name} led the rollout across {rnd.randint(2, 14)} squads and {rnd.randint(100, 9000)} customers. "
            f"The next milestone is a {rnd.choice(['pricing', 'reporting', 'audit', 'export'])} review with "
            f"{rnd.randint(3, 40)} accounts before the end of the quarter. Budget stayed at {rnd.randint(10, 900)}k euros.")


def p50(xs):
    return statistics.median(xs) * 1000


def relay(base, port, fport, token, runs):
    call(base, "PUT", "/settings/", token, {"openai_base_url": f"http://127.0.0.1:{fport}/v1",
                                            "openai_api_key": "sk-bench-123456789", "default_provider": "openai"})
    direct, relayed = [], []
    for i in range(runs + 1):  # the first pair warms up connections and caches
        d = stream("127.0.0.1", fport, "/v1/chat/completions", {"model": "fast", "stream": True})
        r = stream("127.0.0.1", port, "/api/v1/content/generate",
                   {"platform": "blog", "brief": f"relay run {i}", "model": "fast"}, token)
        assert d[4] == TOKENS and r[4] == TOKENS, (d[4], r[4])
        assert r[5].get("done") is True, r[5]
        if i:
            direct.append(d); relayed.append(r)
    med = lambda xs, f: statistics.median(f(x) for x in xs)
    d_tps, r_tps = TOKENS / med(direct, lambda x: x[2] - x[1]), TOKENS / med(relayed, lambda x: x[2] - x[1])
    d_ff, r_ff = med(direct, lambda x: x[0]) * 1000, med(relayed, lambda x: x[0]) * 1000
    r_fc = med(relayed, lambda x: x[1]) * 1000
    d_end, r_end = med(direct, lambda x: x[3]) * 1000, med(relayed, lambda x: x[3]) * 1000
    print(f"\n== Relay of POST /content/generate, {TOKENS} tokens, median of {runs} runs ==")
    print(f"{'':34}{'direct (fake)':>16}{'via Neuromancer':>18}")
    print(f"{'streaming tokens/s (first→last)':34}{d_tps:>16,.0f}{r_tps:>18,.0f}   ratio {r_tps / d_tps:.2f} (target >= 0.8)")
    print(f"{'time to first frame (ms)':34}{d_ff:>16.2f}{r_ff:>18.2f}   added {r_ff - d_ff:.2f} ms (target < 5 ms)")
    print(f"{'time to first content frame (ms)':34}{d_ff:>16.2f}{r_fc:>18.2f}   (after retrieval and the generation context)")
    print(f"{'stream closed after (ms)':34}{d_end:>16.2f}{r_end:>18.2f}   (the content is saved before `done`)")


def offline(base, token, n, runs):
    call(base, "PUT", "/settings/", token, {"default_provider": "local"})
    rnd = random.Random(13)
    texts = [source_text(rnd, i) for i in range(n - 1)] + [NEEDLE]
    t0 = time.perf_counter()
    with ThreadPoolExecutor(4) as ex:
        list(ex.map(lambda t: call(base, "POST", "/sources/import/paste", token, {"content": t}), texts))
    while call(base, "GET", "/sources/?status=ready&limit=1", token)["total"] < n:
        time.sleep(0.2)
    print(f"\n== Offline LinkedIn post from {n} pasted sources (pasted and indexed in {time.perf_counter() - t0:.1f} s) ==")
    gen, search, draft = [], [], ""
    q = urllib.parse.quote(BRIEF)
    for i in range(runs + 1):
        t = time.perf_counter()
        call(base, "GET", f"/sources/search?q={q}&limit=8", token)
        s = time.perf_counter() - t
        t = time.perf_counter()
        frames = call(base, "POST", "/content/generate", token, {"platform": "linkedin", "brief": BRIEF}, raw=True).decode()
        g = time.perf_counter() - t
        done = json.loads(frames.strip().split("\n\n")[-1][6:])
        assert done.get("done") is True, done
        if i:
            gen.append(g); search.append(s)
        else:
            draft = call(base, "GET", f"/content/{done['content_id']}", token)["draft_content"]
    print(f"{'p50 (ms)':34}{'knowledge search':>18}{'generate → done':>18}")
    print(f"{'':34}{p50(search):>18.1f}{p50(gen):>18.1f}   (target < 300 ms)")
    print(f"draft quotes the needle's number: {'73,914' in draft}; {len(draft)} characters (LinkedIn allows 3,000)")
    print("first lines:", " / ".join(draft.splitlines()[:2]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--sources", type=int, default=1000)
    ap.add_argument("--offline-runs", type=int, default=15)
    a = ap.parse_args()
    binary = a.binary or os.path.join(ROOT, "target", "release", "neuromancer")
    if not a.binary:
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    fake = ThreadingHTTPServer(("127.0.0.1", 0), Fake)
    fake.daemon_threads = True
    threading.Thread(target=fake.serve_forever, daemon=True).start()
    data = tempfile.mkdtemp(prefix="nm-content-")
    port = free_port()
    proc, _ = start(binary, data, port, ["--rate-limit", "0", "--login-rate", "0"])
    base = f"http://127.0.0.1:{port}"
    try:
        token = call(base, "POST", "/auth/login", body={"email": ADMIN, "password": PASSWORD})["access_token"]
        relay(base, port, fake.server_address[1], token, a.runs)
        offline(base, token, a.sources, a.offline_runs)
    finally:
        proc.terminate(); proc.wait()
        fake.shutdown()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
