#!/usr/bin/env python3
"""Publishing benchmark: 10,000 posts scheduled for the same minute against a loopback LinkedIn.

    python3 tests/bench/publishing.py [--binary target/release/neuromancer] [--posts 10000]
                                      [--spread 0] [--workers 4] [--seconds 10]

Builds the release binary unless --binary is given. A fake LinkedIn (one Python process,
HTTP/1.1 keep-alive) answers the OAuth exchange, /v2/userinfo and POST /rest/posts, recording
each post's arrival time. The contents are written straight into the SQLite file (as graph.py
does); the posts are scheduled through POST /publishing/scheduled from 8 threads, all for the
same instant (--spread 0, the hardest case) or spread over that many seconds. Printed:
scheduling throughput, lateness (arrival at the fake minus the scheduled time) p50/p99/max,
published / duplicated / lost counts (from the fake's own record and the API), and the public
approval page (HTML) requests/s next to GET /auth/me in the same run (wrk if installed).
"""
import argparse, json, os, re, shutil, socket, sqlite3, statistics, subprocess, sys, tempfile, threading, time, uuid
import urllib.parse, urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ADMIN, PASSWORD = "bench@example.com", "bench-password-4711"


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


class FakeLinkedIn:
    def __init__(self):
        self.arrivals = []  # (commentary, time)
        self.lock = threading.Lock()
        fake = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def reply(self, code, body=b"", headers=()):
                self.send_response(code)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                n = int(self.headers.get("content-length", 0))
                body = self.rfile.read(n)
                if self.path.startswith("/oauth/v2/accessToken"):
                    return self.reply(200, json.dumps({"access_token": "AQX-bench", "expires_in": 5184000, "scope": "w_member_social"}).encode(),
                                      [("content-type", "application/json")])
                if self.path.startswith("/rest/posts"):
                    now = time.time()
                    c = json.loads(body)["commentary"]
                    with fake.lock:
                        fake.arrivals.append((c, now))
                        n = len(fake.arrivals)
                    return self.reply(201, headers=[("x-restli-id", f"urn:li:share:{n}")])
                self.reply(404)

            def do_GET(self):
                if self.path.startswith("/v2/userinfo"):
                    return self.reply(200, json.dumps({"sub": "benchMember", "name": "Bench"}).encode(), [("content-type", "application/json")])
                if self.path.startswith("/rest/posts"):
                    with fake.lock:
                        els = [{"id": f"urn:li:share:{i+1}", "commentary": c} for i, (c, _) in enumerate(fake.arrivals)]
                    return self.reply(200, json.dumps({"elements": els[-50:]}).encode(), [("content-type", "application/json")])
                self.reply(404)

            def log_message(self, *a):
                pass

        class Server(ThreadingHTTPServer):
            # The default backlog (5) drops SYNs under a burst: clients then wait out 1-15 s of
            # TCP retransmits, which would be the fake's lateness, not the server's.
            request_queue_size = 1024

        self.srv = Server(("127.0.0.1", 0), H)
        self.srv.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.srv.server_address[1]}"
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()


def call(base, method, path, token=None, body=None, headers=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw and r.headers.get("content-type", "").startswith("application/json") else raw)
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


def wrk(url, seconds, conns, headers=()):
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), int(non2xx.group(1)) if non2xx else 0


def threads_rps(url, seconds, headers, conns=16):
    count, errors, stop = [0], [0], time.time() + seconds
    lock = threading.Lock()

    def worker():
        n = e = 0
        while time.time() < stop:
            req = urllib.request.Request(url, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=10) as r:
                    r.read()
                    n += 1
            except Exception:
                e += 1
        with lock:
            count[0] += n; errors[0] += e

    ts = [threading.Thread(target=worker) for _ in range(conns)]
    [t.start() for t in ts]; [t.join() for t in ts]
    return count[0] / seconds, errors[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary")
    ap.add_argument("--posts", type=int, default=10000)
    ap.add_argument("--spread", type=float, default=0.0, help="seconds over which the posts are due (0: one instant)")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--seconds", type=int, default=10)
    a = ap.parse_args()

    binary = a.binary
    if not binary:
        subprocess.run(["cargo", "build", "--release"], check=True)
        binary = os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release", "neuromancer")
    fake = FakeLinkedIn()
    data = tempfile.mkdtemp(prefix="nm-bench-publishing-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, NEUROMANCER_ADMIN_EMAIL=ADMIN, NEUROMANCER_ADMIN_PASSWORD=PASSWORD, NEUROMANCER_LOG="warn",
               NEUROMANCER_RATE_LIMIT="0", NEUROMANCER_PUBLIC_RATE="0", NEUROMANCER_LOGIN_RATE="1000")
    proc = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}", "--data", data, "--workers", str(a.workers)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(400):
            try:
                if call(base, "GET", "/api/v1/health")[0] == 200:
                    break
            except Exception:
                time.sleep(0.05)
        token = call(base, "POST", "/api/v1/auth/login", body={"email": ADMIN, "password": PASSWORD})[1]["access_token"]
        st, _ = call(base, "PUT", "/api/v1/settings/", token, {
            "allow_private_network": True, "linkedin_auth_base_url": fake.url, "linkedin_api_base_url": fake.url,
            "linkedin_client_id": "bench", "linkedin_client_secret": "bench-secret-123456"})
        assert st == 200, st
        auth = call(base, "GET", "/api/v1/publishing/linkedin/auth-url", token)[1]["url"]
        state = urllib.parse.parse_qs(urllib.parse.urlparse(auth).query)["state"][0]
        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(f"{base}/api/v1/publishing/linkedin/callback?code=x&state={urllib.parse.quote(state)}")
        except urllib.error.HTTPError as e:
            assert e.code == 303 and "connected=1" in e.headers["location"], e.headers["location"]
        account = call(base, "GET", "/api/v1/publishing/accounts", token)[1]["items"][0]["id"]
        me = call(base, "GET", "/api/v1/auth/me", token)[1]

        # Contents straight into the file (one transaction).
        db = sqlite3.connect(os.path.join(data, "neuromancer.db"), timeout=60, isolation_level=None)
        now = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        ids = [str(uuid.uuid4()) for _ in range(a.posts)]
        db.execute("BEGIN IMMEDIATE")
        db.executemany(
            "INSERT INTO contents (id, owner_id, title, platform, brief, draft_content, status, version, warnings, created_at, updated_at) "
            "VALUES (?, ?, ?, 'linkedin', '', ?, 'approved', 1, '[]', ?, ?)",
            [(cid, me["id"], f"Post {i}", f"Bench post number {i}", now, now) for i, cid in enumerate(ids)])
        db.execute("COMMIT")
        db.close()

        # Schedule them all for one instant (or spread), far enough ahead to finish scheduling.
        est = max(20.0, a.posts / 150)
        due = time.time() + est
        due_of = {}

        def schedule(i):
            at = due + (a.spread * i / a.posts)
            due_of[f"Bench post number {i}"] = at
            iso = datetime.fromtimestamp(at, timezone.utc).isoformat(timespec="milliseconds")
            st, body = call(base, "POST", "/api/v1/publishing/scheduled", token,
                            {"content_id": ids[i], "account_id": account, "scheduled_at": iso})
            assert st == 201, (st, body)

        t0 = time.time()
        with ThreadPoolExecutor(8) as ex:
            list(ex.map(schedule, range(a.posts)))
        sched_s = time.time() - t0
        if time.time() > due:
            print(f"warning: scheduling took {sched_s:.1f} s, past the due time; lateness includes it", file=sys.stderr)
        deadline = due + a.spread + 600
        while time.time() < deadline:
            with fake.lock:
                if len(fake.arrivals) >= a.posts:
                    break
            time.sleep(0.2)
        time.sleep(2)  # anything arriving twice would arrive now
        with fake.lock:
            arrivals = list(fake.arrivals)
        seen = {}
        for c, t in arrivals:
            seen.setdefault(c, []).append(t)
        late = [(ts[0] - due_of[c]) * 1000 for c, ts in seen.items() if c in due_of]
        dups = sum(len(ts) - 1 for ts in seen.values())
        lost = a.posts - len(seen)
        published = call(base, "GET", "/api/v1/publishing/scheduled?status=published&limit=1", token)[1]["total"]

        # Approval page vs /auth/me.
        link = call(base, "POST", f"/api/v1/approvals/content/{ids[0]}", token, {"reviewer_name": "Bench"})[1]
        page_url = f"{base}/api/v1/approvals/public/{link['token']}"
        if shutil.which("wrk"):
            page_rps, page_err = wrk(page_url, a.seconds, 64, ["Accept: text/html"])
            me_rps, me_err = wrk(f"{base}/api/v1/auth/me", a.seconds, 64, [f"Authorization: Bearer {token}"])
        else:
            page_rps, page_err = threads_rps(page_url, a.seconds, {"Accept": "text/html"})
            me_rps, me_err = threads_rps(f"{base}/api/v1/auth/me", a.seconds, {"Authorization": f"Bearer {token}"})

        print(f"posts: {a.posts} due {'at one instant' if a.spread == 0 else f'over {a.spread:.0f} s'}; {a.workers} job workers")
        print(f"scheduling: {a.posts / sched_s:,.0f} schedules/s ({sched_s:.1f} s through POST /publishing/scheduled, 8 clients)")
        print(f"lateness at the fake: p50 {pct(late, 50):,.0f} ms  p99 {pct(late, 99):,.0f} ms  max {max(late):,.0f} ms  (target p99 < 2000 ms)")
        print(f"delivered: {len(seen)} unique / {a.posts}  duplicates: {dups}  lost: {lost}  published per the API: {published}")
        print(f"approval page (HTML): {page_rps:,.0f} req/s ({page_err} errors)   GET /auth/me: {me_rps:,.0f} req/s ({me_err} errors)")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
