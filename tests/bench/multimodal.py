#!/usr/bin/env python3
"""Multimodal benchmark: executing a production plan against a slow image provider, serving a
large asset out of the database, and the local card renderer — each next to a baseline measured
in the same run.

    python3 tests/bench/multimodal.py [--binary target/release/neuromancer] [--assets 20]
                                      [--latency-ms 200] [--concurrency 2] [--mb 20] [--cards 30]

Builds the release binary unless --binary is given. Rate limiters are off.
1. Plan execution: a fake OpenAI images API answers each request after --latency-ms. A plan of
   --assets images runs through POST /multimodal/execute-plan with `multimodal_concurrency` =
   --concurrency; wall time from sending the request to the arrival of the `done` frame (timed
   as it arrives, not after reading the whole body) vs the ideal ceil(assets / concurrency) ×
   latency (target: within 15 %); the time to the first frame is shown apart.
2. Serving: a fake Veo delivers a --mb MB video (a long-running operation, then the download),
   stored in the database; GET of its file route (streamed from the blob in 256 KiB chunks) vs
   the same bytes from disk through actix-files (/__bench/file, --bench-routes). MB/s over five
   reads each (target >= 0.7x) and the server's RSS growth while serving (target < 5 MB).
3. Renderer: --cards 1080x1080 cards rendered by the local provider through
   POST /multimodal/generate-asset, one after another (render + PNG encoding + storage): cards/s.
"""
import argparse, base64, http.client, json, math, os, shutil, struct, subprocess, sys, tempfile, threading, time, zlib
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(__file__))
from foundation import ADMIN, PASSWORD, free_port, rss_kb, start  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def tiny_png(w=64, h=64):
    rows = b"".join(b"\x00" + b"".join(bytes([(x * 3) % 256, (y * 5) % 256, 120]) for x in range(w)) for y in range(h))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


class Fake(BaseHTTPRequestHandler):
    latency = 0.2
    video = b""
    png_b64 = base64.b64encode(tiny_png()).decode()
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle on, the body waits for the client's
    # delayed ACK (~40 ms per request on Linux), a cost of this fake, not of the server.
    disable_nagle_algorithm = True

    def log_message(self, *a):
        pass

    def send(self, code, body, ctype="application/json"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        self.rfile.read(n)
        if self.path.endswith("/images/generations"):
            time.sleep(self.latency)
            self.send(200, json.dumps({"created": 1, "data": [{"b64_json": self.png_b64}]}).encode())
        elif self.path.endswith(":predictLongRunning"):
            self.send(200, json.dumps({"name": "models/veo/operations/op1"}).encode())
        else:
            self.send(404, b"{}")

    def do_GET(self):
        host = self.headers.get("Host")
        if "/operations/" in self.path:
            uri = f"http://{host}/v1beta/files/v1:download?alt=media"
            self.send(200, json.dumps({"done": True, "response": {"generateVideoResponse": {"generatedSamples": [{"video": {"uri": uri}}]}}}).encode())
        elif self.path.startswith("/v1beta/files/"):
            self.send(200, self.video, "video/mp4")
        else:
            self.send(404, b"{}")


def call(base, method, path, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + "/api/v1" + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=600) as r:
        out = r.read()
        if r.headers.get("Content-Type", "").startswith("text/event-stream"):
            return [json.loads(f[6:]) for f in out.decode().split("\n\n") if f.startswith("data: ")]
        return json.loads(out) if out else None


def stream_times(port, path, token, body):
    """POST an SSE request; each frame with the perf_counter time its line arrived, and the
    time the request was sent (frames are timed as they arrive, not after the whole body)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    data = json.dumps(body).encode()
    t0 = time.perf_counter()
    c.request("POST", "/api/v1" + path, body=data, headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    r = c.getresponse()
    assert r.status == 200, (path, r.status, r.read())
    frames = []
    while True:
        line = r.fp.readline()
        if not line:
            break
        if line.startswith(b"data: "):
            f = json.loads(line[6:])
            frames.append((time.perf_counter(), f))
            if f.get("done") or f.get("error"):
                break
    c.close()
    return t0, frames


def read_all(port, path, token=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    c.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
    r = c.getresponse()
    n = 0
    while True:
        b = r.read(1 << 20)
        if not b:
            break
        n += len(b)
    c.close()
    assert r.status == 200, (path, r.status)
    return n


def serve_rate(port, path, pid, token=None, reads=5):
    """MB/s over `reads` sequential reads and the peak RSS growth (kB) while serving."""
    before = rss_kb(pid)
    peak = [before]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_kb(pid))
            time.sleep(0.005)

    t = threading.Thread(target=sample)
    t.start()
    t0 = time.perf_counter()
    total = sum(read_all(port, path, token) for _ in range(reads))
    secs = time.perf_counter() - t0
    stop.set()
    t.join()
    return total / secs / 1e6, peak[0] - before


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary")
    ap.add_argument("--assets", type=int, default=20)
    ap.add_argument("--latency-ms", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--mb", type=int, default=20)
    ap.add_argument("--cards", type=int, default=30)
    a = ap.parse_args()
    binary = a.binary
    if not binary:
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
        binary = os.path.join(ROOT, "target", "release", "neuromancer")

    Fake.latency = a.latency_ms / 1000
    Fake.video = bytes((i * 7) % 256 for i in range(256)) * (a.mb * 4096)
    fake = ThreadingHTTPServer(("127.0.0.1", 0), Fake)
    threading.Thread(target=fake.serve_forever, daemon=True).start()
    fbase = f"http://127.0.0.1:{fake.server_address[1]}"

    data = tempfile.mkdtemp(prefix="nm-bench-mm-")
    port = free_port()
    proc, _ = start(binary, data, port, ["--rate-limit", "0", "--login-rate", "0", "--bench-routes"])
    base = f"http://127.0.0.1:{port}"
    try:
        token = call(base, "POST", "/auth/login", body={"email": ADMIN, "password": PASSWORD})["access_token"]
        frames = call(base, "POST", "/content/generate", token, {"platform": "linkedin", "brief": "The Lyon warehouse in October"})
        cid = next(f for f in frames if f.get("done"))["content_id"]
        call(base, "PUT", "/settings/", token, {"multimodal_concurrency": str(a.concurrency), "asset_max_bytes": str((a.mb + 10) << 20)})

        # 1. plan execution
        img = call(base, "POST", "/multimodal/providers", token, {"name": "Fake images", "type": "openai_images",
                   "base_url": fbase + "/v1", "api_key": "sk-bench-key-0000"})["id"]
        plan = {"text": "bench", "assets": [{"kind": "image", "prompt": f"picture {i}", "provider_id": img} for i in range(a.assets)]}
        # The fake's own latency as a plain keep-alive client sees it (the floor of any server).
        fc = http.client.HTTPConnection("127.0.0.1", fake.server_address[1], timeout=60)
        own = []
        for _ in range(5):
            t = time.perf_counter()
            fc.request("POST", "/v1/images/generations", body=b"{}", headers={"Content-Type": "application/json"})
            fc.getresponse().read()
            own.append(time.perf_counter() - t)
        fc.close()
        floor = math.ceil(a.assets / a.concurrency) * (sum(own) / len(own))
        t0, frames = stream_times(port, "/multimodal/execute-plan", token, {"content_id": cid, "plan": plan})
        t_done, done = frames[-1]
        assert done.get("done") and done["completed"] == a.assets, done
        wall = t_done - t0
        since_run = t_done - frames[0][0]
        ideal = math.ceil(a.assets / a.concurrency) * Fake.latency
        print(f"plan of {a.assets} images, {a.latency_ms} ms each, concurrency {a.concurrency}:")
        print(f"  wall {wall * 1000:.0f} ms   ideal {ideal * 1000:.0f} ms   overhead {100 * (wall / ideal - 1):+.1f} %   (target within 15 %)")
        print(f"  (request to the first frame {1000 * (frames[0][0] - t0):.0f} ms: plan checked, assets created, run queued)")
        print(f"  first frame to done {since_run * 1000:.0f} ms   overhead {100 * (since_run / ideal - 1):+.1f} %")
        print(f"  baseline: the fake answers a plain client in {1000 * sum(own) / len(own):.0f} ms, so no server can beat {floor * 1000:.0f} ms"
              f"   (overhead over that floor {100 * (wall / floor - 1):+.1f} %)")

        # 2. serving a large asset
        veo = call(base, "POST", "/multimodal/providers", token, {"name": "Fake Veo", "type": "gemini_veo", "base_url": fbase,
                   "api_key": "AIza-bench-0000", "defaults": {"poll_interval_ms": 20}})["id"]
        v = call(base, "POST", "/multimodal/generate-asset", token, {"content_id": cid, "kind": "video", "prompt": "bench video", "provider_id": veo})
        for _ in range(600):
            now = call(base, "GET", f"/multimodal/content/{cid}/assets/{v['id']}", token)
            if now["status"] in ("done", "failed"):
                break
            time.sleep(0.1)
        assert now["status"] == "done" and now["size"] == len(Fake.video), now
        with open(os.path.join(data, "bench-file.bin"), "wb") as f:
            f.write(Fake.video)
        read_all(port, now["url"], token)
        read_all(port, "/__bench/file")
        db_rate, db_rss = serve_rate(port, now["url"], proc.pid, token)
        fs_rate, fs_rss = serve_rate(port, "/__bench/file", proc.pid)
        print(f"serving a {a.mb} MB asset (5 reads each):")
        print(f"  from the database {db_rate:8.1f} MB/s   RSS +{db_rss / 1024:.1f} MB")
        print(f"  actix-files, disk {fs_rate:8.1f} MB/s   RSS +{fs_rss / 1024:.1f} MB")
        print(f"  ratio {db_rate / fs_rate:.2f}x   (target >= 0.7x, RSS growth < 5 MB)")

        # 3. the local renderer
        t0 = time.perf_counter()
        for i in range(a.cards):
            call(base, "POST", "/multimodal/generate-asset", token, {"content_id": cid, "kind": "carousel_slide", "aspect_ratio": "1:1",
                 "prompt": f"Slide {i}", "text_overlay": f"Lesson {i}: ship smaller batches\nEvery wave of picking left within ninety minutes, card {i}."})
        secs = time.perf_counter() - t0
        print(f"local renderer: {a.cards} cards of 1080x1080 in {secs:.2f} s = {a.cards / secs:.1f} cards/s (render + PNG + storage, sequential)")
    finally:
        proc.terminate()
        proc.wait()
        fake.shutdown()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
