#!/usr/bin/env python3
"""Delivery benchmark: fan-out of 1,000 events x 10 webhook endpoints on loopback.

    python3 tests/bench/delivery.py [--binary target/release/neuromancer] [--events 1000]
                                    [--endpoints 10] [--workers 8]

Builds the release binary unless --binary is given. Ten loopback receivers (one Python
process, HTTP/1.1 keep-alive) verify every Standard Webhooks signature exactly as a third party
would and record the receipt time. Events are real domain events (`settings.updated`, caused by
PUT /settings from 8 client threads); event-to-receipt latency is receipt time minus the event's
own timestamp (the `timestamp` of the signed body, written when the event committed).

Printed side by side with a baseline: the same receivers fed directly by a Python client with as
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary")
    ap.add_argument("--events", type=int, default=1000)
    ap.add_argument("--endpoints", type=int, default=10)
    ap.add_argument("--workers", type=int, default=8)
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

        t0 = time.time()
        def emit(i):
            call(base, "PUT", "/settings/", token, {"frontend_url": f"https://e{i}.example"})
        with ThreadPoolExecutor(8) as ex:
            list(ex.map(emit, range(a.events)))
        emitted = time.time()
        want = a.events * a.endpoints
        deadline = time.time() + 120
        while sum(len(r.got) for r in receivers) < want and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # catch any late duplicate
        got = [g for r in receivers for g in r.got]
        last = max(g[2] for g in got) if got else time.time()
        lat = [g[2] - g[1] for g in got]
        unique = sum(len({g[0] for g in r.got}) for r in receivers)
        per_endpoint = [len({g[0] for g in r.got}) for r in receivers]
        unverified = sum(1 for g in got if not g[3])
        retries = int(subprocess.run(["sqlite3", os.path.join(data, "neuromancer.db"),
                                      "SELECT COUNT(*) FROM webhook_attempts WHERE attempt > 1"],
                                     capture_output=True, text=True).stdout.strip() or 0) if shutil.which("sqlite3") else None
        rate = len(got) / (last - t0)
        http_ms = subprocess.run(["sqlite3", os.path.join(data, "neuromancer.db"),
                                  "SELECT printf('%.2f', AVG(duration_ms)) FROM webhook_attempts"],
                                 capture_output=True, text=True).stdout.strip() if shutil.which("sqlite3") else "?"
        queue = subprocess.run(["sqlite3", os.path.join(data, "neuromancer.db"),
                                "SELECT kind || ':' || COUNT(*) FROM jobs GROUP BY kind"],
                               capture_output=True, text=True).stdout.split() if shutil.which("sqlite3") else []

        b_rate, b_lat = baseline(receivers, want, a.workers)

        print(f"binary                {binary}   workers {a.workers}   db-sync {a.db_sync}")
        print(f"events                {a.events} x {a.endpoints} endpoints = {want} deliveries "
              f"(events emitted in {emitted - t0:.2f} s)")
        print(f"{'':22}{'neuromancer':>16}{'baseline (direct)':>20}   target")
        print(f"{'deliveries/s':22}{rate:>16.0f}{b_rate:>20.0f}   >= 500")
        print(f"{'p50 latency':22}{statistics.median(lat) * 1000:>13.1f} ms{statistics.median(b_lat) * 1000:>17.2f} ms")
        print(f"{'p99 latency':22}{pct(lat, 99) * 1000:>13.1f} ms{pct(b_lat, 99) * 1000:>17.2f} ms   < 1000 ms")
        print(f"{'max latency':22}{max(lat) * 1000:>13.1f} ms")
        print(f"received              {len(got)} requests, {unique} distinct webhook-ids "
              f"(per endpoint min {min(per_endpoint)} max {max(per_endpoint)})")
        print(f"lost                  {want - unique}")
        print(f"duplicates            {len(got) - unique}   (retried attempts recorded: {retries})")
        print(f"bad signatures        {unverified}")
        print(f"mean HTTP attempt     {http_ms} ms   jobs run: {' '.join(queue)}")
        ok = want == unique and unverified == 0 and rate >= 500 and pct(lat, 99) < 1.0
        print("RESULT               ", "PASS" if ok else "FAIL")
        sys.exit(0 if ok else 1)
    finally:
        proc.terminate(); proc.wait()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
