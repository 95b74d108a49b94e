#!/usr/bin/env python3
"""SSE relay benchmark: a fake OpenAI-compatible upstream streams 2,000 tokens as fast as it can.

    python3 tests/bench/sse_relay.py [--binary target/release/neuromancer] [--runs 7] [--concurrent 200]

Builds the release binary unless --binary is given. Prints, side by side:
  * client-observed tokens/s reading the fake directly (baseline) vs through
    POST /api/v1/chat/conversations/{id}/messages (target ratio >= 0.8). "Streaming" is the rate
    over the span from the first to the last content frame; "end-to-end" also counts the time to
    the first frame;
  * time to first content frame, direct vs relayed (target: < 5 ms added);
  * peak RSS of the server while N streams (default 200) run concurrently (target < 100 MB).
The client consumes both streams the same way a UI does: lines are split as bytes arrive and every
`data:` frame is decoded as JSON. The fake writes its whole 2,000-frame body in one go ("as fast as
it can"); for the concurrency
run it paces the same stream over ~2 s so that all streams overlap. Rate limiters are off
(--rate-limit 0 --login-rate 0); everything else is the production configuration.
"""
import argparse, http.client, json, os, re, shutil, socket, statistics, subprocess, sys, tempfile, threading, time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ADMIN, PASSWORD = "bench@example.com", "bench-password-4711"
TOKENS = 2000


def frames(n):
    chunks = [json.dumps({"id": "c", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": f"tok{i} "}, "finish_reason": None}]}) for i in range(n)]
    chunks.append(json.dumps({"choices": [], "usage": {"prompt_tokens": 10, "completion_tokens": n, "total_tokens": n + 10}}))
    return [f"data: {c}\n\n".encode() for c in chunks] + [b"data: [DONE]\n\n"]


FAST = b"".join(frames(TOKENS))
SLOW = frames(TOKENS)


class Fake(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        if body.get("model") == "paced":
            step = len(SLOW) // 20
            for i in range(0, len(SLOW), step):
                self.wfile.write(b"".join(SLOW[i:i + step])); self.wfile.flush(); time.sleep(0.1)
        else:
            self.wfile.write(FAST)
        self.close_connection = True


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def token_of(obj):
    """The text a consumer would render from one frame (OpenAI chunk or Neuromancer frame)."""
    if "content" in obj:
        return obj["content"]
    for ch in obj.get("choices") or []:
        return (ch.get("delta") or {}).get("content")
    return None


def stream(host, port, path, body, token=None):
    """POST and consume the SSE body like a UI does: split lines as bytes arrive and decode every
    `data:` frame as JSON. Returns (first token, last token, end of stream, tokens), times in
    seconds from sending the request, plus the raw arrival time of the last token-bearing bytes."""
    c = http.client.HTTPConnection(host, port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    t0 = time.perf_counter()
    c.request("POST", path, json.dumps(body), headers)
    r = c.getresponse()
    assert r.status == 200, (r.status, r.read()[:300])
    first, last, n, buf = None, None, 0, b""
    while True:
        chunk = r.read1(1 << 16)
        if not chunk:
            break
        buf += chunk
        *lines, buf = buf.split(b"\n")
        for line in lines:
            if line.startswith(b"data: ") and line[6:7] == b"{":
                if token_of(json.loads(line[6:])):
                    n += 1
                    last = time.perf_counter() - t0
                    if first is None:
                        first = last
    total = time.perf_counter() - t0
    c.close()
    return first, last, total, n


def api(port, method, path, token=None, body=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1{path}", method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


def rss_kb(pid, key="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(rf"{key}:\s+(\d+)", f.read()).group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--concurrent", type=int, default=200)
    a = ap.parse_args()
    binary = a.binary
    if not binary:
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], check=True)
        binary = os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release", "neuromancer")

    fake = ThreadingHTTPServer(("127.0.0.1", 0), Fake)
    fake.daemon_threads = True
    fport = fake.server_address[1]
    threading.Thread(target=fake.serve_forever, daemon=True).start()

    data = tempfile.mkdtemp()
    port = free_port()
    env = dict(os.environ, NEUROMANCER_ADMIN_EMAIL=ADMIN, NEUROMANCER_ADMIN_PASSWORD=PASSWORD, NEUROMANCER_LOG="warn")
    proc = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}", "--data", data, "--rate-limit", "0", "--login-rate", "0"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                api(port, "GET", "/health"); break
            except Exception:
                time.sleep(0.05)
        token = api(port, "POST", "/auth/login", body={"email": ADMIN, "password": PASSWORD})["access_token"]
        api(port, "PUT", "/settings/", token, {"openai_base_url": f"http://127.0.0.1:{fport}/v1",
                                               "openai_api_key": "sk-bench-123456789", "default_provider": "openai"})
        conv = api(port, "POST", "/chat/conversations", token, {"title": "bench"})["id"]
        path = f"/api/v1/chat/conversations/{conv}/messages"
        direct, relay = [], []
        for i in range(a.runs + 1):  # the first pair warms up connections and caches
            d = stream("127.0.0.1", fport, "/v1/chat/completions", {"model": "fast", "stream": True})
            r = stream("127.0.0.1", port, path, {"content": f"run {i}", "tools_enabled": False, "model": "fast"}, token)
            assert d[3] == TOKENS and r[3] == TOKENS, (d[3], r[3])
            if i:
                direct.append(d); relay.append(r)
        med = lambda xs, f: statistics.median(f(x) for x in xs)
        # Streaming rate: tokens over the span from the first to the last content frame.
        d_tps = TOKENS / med(direct, lambda x: x[1] - x[0])
        r_tps = TOKENS / med(relay, lambda x: x[1] - x[0])
        # End to end: tokens over the time from sending the request to the last content frame.
        d_e2e, r_e2e = TOKENS / med(direct, lambda x: x[1]), TOKENS / med(relay, lambda x: x[1])
        d_ttff, r_ttff = med(direct, lambda x: x[0]) * 1000, med(relay, lambda x: x[0]) * 1000
        d_end, r_end = med(direct, lambda x: x[2]) * 1000, med(relay, lambda x: x[2]) * 1000
        print(f"{'median of ' + str(a.runs) + ' runs':34}{'direct (fake)':>16}{'via Neuromancer':>18}")
        print(f"{'streaming tokens/s (first→last)':34}{d_tps:>16,.0f}{r_tps:>18,.0f}   ratio {r_tps / d_tps:.2f} (target >= 0.8)")
        print(f"{'end-to-end tokens/s (req→last)':34}{d_e2e:>16,.0f}{r_e2e:>18,.0f}   ratio {r_e2e / d_e2e:.2f}")
        print(f"{'time to first frame (ms)':34}{d_ttff:>16.2f}{r_ttff:>18.2f}   added {r_ttff - d_ttff:.2f} ms (target < 5 ms)")
        print(f"{'stream closed after (ms)':34}{d_end:>16.2f}{r_end:>18.2f}   (Neuromancer stores the reply and its log before `done`)")

        idle = rss_kb(proc.pid)
        peak = [idle]
        done = threading.Event()

        def sample():
            while not done.is_set():
                peak.append(rss_kb(proc.pid)); time.sleep(0.02)
        threading.Thread(target=sample, daemon=True).start()
        results, errors = [], []

        def one(i):
            try:
                results.append(stream("127.0.0.1", port, path, {"content": f"c{i}", "tools_enabled": False, "model": "paced"}, token))
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))
        threads = [threading.Thread(target=one, args=(i,)) for i in range(a.concurrent)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        done.set()
        complete = sum(1 for r in results if r[3] == TOKENS)
        print(f"{a.concurrent} concurrent streams       {complete}/{a.concurrent} complete in {wall:.1f} s, errors {len(errors)}; "
              f"RSS idle {idle / 1024:.1f} MB, peak {max(peak) / 1024:.1f} MB (target < 100 MB)")
        if errors:
            print("  first error:", errors[0])
    finally:
        proc.terminate(); proc.wait()
        fake.shutdown()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
