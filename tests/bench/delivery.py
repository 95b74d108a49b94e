#!/usr/bin/env python3
"""Delivery benchmark: fan-out of 1,000 events x 10 webhook endpoints on loopback.

    python3 tests/bench/delivery.py [--binary target/release/neuromancer] [--events 1000]
                                    [--endpoints 10] [--workers 4] [--rate 60]

Builds the release binary unless --binary is given. Ten loopback receivers (one Python
process, HTTP/1.1 keep-alive) verify every Standard Webhooks signature exactly as a third party
would and record the receipt time. Events are real domain events (`settings.updated`, caused by
PUT /settings from 8 client threads); event-to-receipt latency is receipt time minus the event's
own timestamp (the `timestamp` of the signed body, written when the event committed).

Two phases on one server: a burst (8 threads emit as fast as the server accepts: maximum
deliveries/s, latency includes queueing) and a paced phase (--rate events/s, default 60 = 600
deliveries/s offered: latency at the target load). Printed side by side with a baseline: the same receivers fed directly by a Python client with as
many threads as the server has workers (the receivers' own ceiling on this machine).
Proof of no loss / no duplication: every (endpoint, event) pair is received, each webhook-id is
counted, and any repeat is reported (repeats are only allowed when an attempt was retried).
"""
import argparse, base64, hashlib, hmac, json, os, shutil, socket, statistics, subprocess, sys, tempfile, threading, time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ADMIN, PASSWORD = "bench@example.com", "bench-password-4711"


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


class Receiver:
    """One endpoint: verifies signatures, records (webhook-id, event timestamp, receipt time)."""

    def __init__(self):
        self.secret = None
        self.got = []  # (msg_id, event_ts, recv_ts, verified)
        self.lock = threading.Lock()
        rec = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as separate writes: without this, Nagle + delayed ACK add
            # ~40 ms to every response (a receiver artefact, not the sender's).
            disable_nagle_algorithm = True

            def do_POST(self):
                n = int(self.headers.get("content-length", 0))
                body = self.rfile.read(n)
                now = time.time()
                mid, ts, sig = (self.headers.get(k, "") for k in ("webhook-id", "webhook-timestamp", "webhook-signature"))
                ok = False
                if rec.secret:
                    key = base64.b64decode(rec.secret.removeprefix("whsec_"))
                    mac = base64.b64encode(hmac.new(key, f"{mid}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
                    ok = any(s == f"v1,{mac}" for s in sig.split(" "))
                try:
                    ev_ts = datetime.fromisoformat(json.loads(body)["timestamp"].replace("Z", "+00:00")).timestamp()
                except Exception:
                    ev_ts = now
                with rec.lock:
                    rec.got.append((mid, ev_ts, now, ok))
                self.send_response(200)
                self.send_header("content-length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *a):
                pass

        self.srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.srv.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.srv.server_address[1]}/hook"
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()


def call(base, method, path, token=None, body=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def baseline(receivers, total, threads):
    """Direct POSTs to the same receivers: their ceiling on this machine."""
    import http.client
    secret = receivers[0].secret
    key = base64.b64decode(secret.removeprefix("whsec_"))
    per = total // threads

    def worker(w):
        conns = {}
        lat = []
        for i in range(per):
            r = receivers[(w * per + i) % len(receivers)]
            host, port = r.srv.server_address
            c = conns.get(port) or conns.setdefault(port, http.client.HTTPConnection(host, port))
            body = json.dumps({"type": "bench", "timestamp": datetime.utcnow().isoformat() + "Z", "data": {"i": i}}).encode()
            mid, ts = f"msg_base_{w}_{i}", str(int(time.time()))
            sig = base64.b64encode(hmac.new(key, f"{mid}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
            t0 = time.perf_counter()
            c.request("POST", "/hook", body, {"webhook-id": mid, "webhook-timestamp": ts, "webhook-signature": f"v1,{sig}", "content-type": "application/json"})
            c.getresponse().read()
            lat.append(time.perf_counter() - t0)
        return lat

    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as ex:
        lats = [x for l in ex.map(worker, range(threads)) for x in l]
    return len(lats) / (time.perf_counter() - t0), lats


def run_phase(base, token, receivers, events, rate, offset):
    """Emit `events` settings changes (as fast as 8 threads go, or paced at `rate`/s) and wait
    until every endpoint got every one."""
    for r in receivers:
        with r.lock:
            r.got = []
    t0 = time.time()

    def emit(i):
        if rate:
            delay = t0 + i / rate - time.time()
            if delay > 0:
                time.sleep(delay)
        call(base, "PUT", "/settings/", token, {"frontend_url": f"https://e{offset + i}.example"})

    with ThreadPoolExecutor(8) as ex:
        list(ex.map(emit, range(events)))
    emitted = time.time()
    want = events * len(receivers)
    deadline = time.time() + 180
    while sum(len(r.got) for r in receivers) < want and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # catch any late duplicate
    got = [g for r in receivers for g in r.got]
    lat = [g[2] - g[1] for g in got] or [float("inf")]
    last = max((g[2] for g in got), default=time.time())
    return {
        "emit_s": emitted - t0,
        "rate": len(got) / (last - t0),
        "p50": statistics.median(lat),
        "p99": pct(lat, 99),
        "max": max(lat),
        "got": len(got),
        "unique": sum(len({g[0] for g in r.got}) for r in receivers),
        "bad": sum(1 for g in got if not g[3]),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary")
    ap.add_argument("--events", type=int, default=1000)
    ap.add_argument("--endpoints", type=int, default=10)
    ap.add_argument("--workers", type=int, default=4, help="background workers (the server default is 4)")
    ap.add_argument("--rate", type=int, default=60, help="events/s of the paced phase (x endpoints = deliveries/s)")
    ap.add_argument("--db-sync", default="full", choices=["full", "normal"])
    a = ap.parse_args()
    binary = a.binary
    if not binary:
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], check=True)
        binary = os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release", "neuromancer")

    data = tempfile.mkdtemp()
    port = free_port()
    env = dict(os.environ, NEUROMANCER_ADMIN_EMAIL=ADMIN, NEUROMANCER_ADMIN_PASSWORD=PASSWORD, NEUROMANCER_LOG="warn")
    proc = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}", "--data", data, "--workers", str(a.workers),
                             "--rate-limit", "0", "--login-rate", "0", "--db-sync", a.db_sync],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(400):
            try:
                call(base, "GET", "/health"); break
            except Exception:
                time.sleep(0.05)
        token = call(base, "POST", "/auth/login", body={"email": ADMIN, "password": PASSWORD})["access_token"]
        call(base, "PUT", "/settings/", token, {"allow_private_network": True})
        time.sleep(0.5)
        receivers = [Receiver() for _ in range(a.endpoints)]
        for r in receivers:
            h = call(base, "POST", "/webhooks/", token, {"url": r.url, "events": ["settings.updated"]})
            r.secret = h["secret"]

        want = a.events * a.endpoints
        phases = [("burst", run_phase(base, token, receivers, a.events, None, 0)),
                  (f"paced {a.rate}/s", run_phase(base, token, receivers, a.events, a.rate, a.events))]
        db = os.path.join(data, "neuromancer.db")
        q = lambda sql: subprocess.run(["sqlite3", db, sql], capture_output=True, text=True).stdout.strip()
        retries = q("SELECT COUNT(*) FROM webhook_attempts WHERE attempt > 1")
        http_ms = q("SELECT printf('%.2f', AVG(duration_ms)) FROM webhook_attempts")
        jobs = q("SELECT group_concat(k, ', ') FROM (SELECT kind || ' ' || COUNT(*) || ' (re-run ' || SUM(attempts > 1) || ')' AS k FROM jobs GROUP BY kind)")
        b_rate, b_lat = baseline(receivers, want, a.workers)

        print(f"binary                {binary}   workers {a.workers}   db-sync {a.db_sync}")
        print(f"load                  {a.events} events x {a.endpoints} endpoints = {want} deliveries per phase; "
              f"events are PUT /settings from 8 client threads")
        cols = [name for name, _ in phases]
        print(f"{'':24}" + "".join(f"{c:>18}" for c in cols) + f"{'baseline (direct)':>20}   target")
        print(f"{'events emitted in':24}" + "".join(f"{p['emit_s']:>16.2f} s" for _, p in phases))
        print(f"{'deliveries/s':24}" + "".join(f"{p['rate']:>18.0f}" for _, p in phases) + f"{b_rate:>20.0f}   >= 500")
        print(f"{'p50 event→receipt':24}" + "".join(f"{p['p50'] * 1000:>15.1f} ms" for _, p in phases) + f"{statistics.median(b_lat) * 1000:>17.2f} ms")
        print(f"{'p99 event→receipt':24}" + "".join(f"{p['p99'] * 1000:>15.1f} ms" for _, p in phases) + f"{pct(b_lat, 99) * 1000:>17.2f} ms   < 1000 ms")
        print(f"{'max':24}" + "".join(f"{p['max'] * 1000:>15.1f} ms" for _, p in phases))
        print(f"{'received (requests)':24}" + "".join(f"{p['got']:>18}" for _, p in phases))
        print(f"{'distinct webhook-ids':24}" + "".join(f"{p['unique']:>18}" for _, p in phases))
        print(f"{'lost':24}" + "".join(f"{want - p['unique']:>18}" for _, p in phases) + f"{'':20}   0")
        print(f"{'duplicates':24}" + "".join(f"{p['got'] - p['unique']:>18}" for _, p in phases) + f"{'':20}   only retries")
        print(f"{'bad signatures':24}" + "".join(f"{p['bad']:>18}" for _, p in phases))
        print(f"retried attempts      {retries}   mean HTTP attempt {http_ms} ms")
        print(f"jobs                  {jobs}")
        ok = all(want == p["unique"] and p["bad"] == 0 and p["got"] - p["unique"] <= int(retries or 0) for _, p in phases)
        ok = ok and max(p["rate"] for _, p in phases) >= 500 and phases[1][1]["p99"] < 1.0
        print("RESULT               ", "PASS" if ok else "FAIL")
        sys.exit(0 if ok else 1)
    finally:
        proc.terminate(); proc.wait()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
