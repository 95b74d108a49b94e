#!/usr/bin/env python3
"""Foundation benchmark: cold start, idle RSS, binary size, login and /auth/me throughput.

    python3 tests/bench/foundation.py [--binary target/release/neuromancer] [--seconds 10]

Builds the release binary unless --binary is given. Needs `wrk` (apt-get install wrk).
Throughput is measured side by side in one server process: a bare actix hello-world route
(/__bench/hello, mounted with --bench-routes) is the baseline for authenticated GET /auth/me.
Rate limiters are switched off for the run (--rate-limit 0 --login-rate 0) so they do not cap
the numbers being measured; everything else is the production configuration.
"""
import argparse, json, os, re, shutil, socket, statistics, subprocess, sys, tempfile, time, urllib.request

ADMIN, PASSWORD = "bench@example.com", "bench-password-4711"


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def start(binary, data, port, extra=()):
    env = dict(os.environ, NEUROMANCER_ADMIN_EMAIL=ADMIN, NEUROMANCER_ADMIN_PASSWORD=PASSWORD, NEUROMANCER_LOG="warn")
    t0 = time.perf_counter()
    proc = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}", "--data", data, *extra],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/api/v1/health"
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return proc, (time.perf_counter() - t0) * 1000
        except Exception:
            if proc.poll() is not None:
                sys.exit("server exited during start")
            time.sleep(0.0005)


def memory_kb(pid):
    """(RSS, anonymous, file-backed) in kB: the kernel maps the binary's code in 64 kB runs around
    each page touched, so clean, shared, reclaimable code pages make up much of a small RSS."""
    with open(f"/proc/{pid}/smaps_rollup") as f:
        t = f.read()
    get = lambda k: int(re.search(rf"^{k}:\s+(\d+)", t, re.M).group(1))
    return get("Rss"), get("Anonymous"), get("Rss") - get("Anonymous")


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def wrk(url, seconds, conns, headers=(), script=None):
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p50, p99, int(non2xx.group(1)) if non2xx else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--starts", type=int, default=7)
    a = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is required: apt-get install wrk")
    binary = a.binary
    if not binary:
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], check=True)
        binary = os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release", "neuromancer")

    print(f"binary           {binary}")
    size = os.path.getsize(binary)
    print(f"binary size      {size / 1e6:.2f} MB = {size / 2**20:.2f} MiB   (target < 25 MB)")

    # Cold start on an empty data dir (first start creates the DB, keys and the admin).
    first, warm = [], []
    for _ in range(a.starts):
        d = tempfile.mkdtemp()
        p, ms = start(binary, d, free_port()); first.append(ms); p.terminate(); p.wait()
        p, ms = start(binary, d, free_port()); warm.append(ms); p.terminate(); p.wait()
        shutil.rmtree(d)
    print(f"start→healthy    first start (empty dir, admin hashed) median {statistics.median(first):.1f} ms; "
          f"restart median {statistics.median(warm):.1f} ms   (target < 100 ms)")

    d = tempfile.mkdtemp()
    port = free_port()
    proc, _ = start(binary, d, port, ["--bench-routes", "--rate-limit", "0", "--login-rate", "0"])
    try:
        time.sleep(1.0)
        rss, anon, filed = memory_kb(proc.pid)
        print(f"idle RSS         {rss / 1024:.1f} MB after start   (target < 20 MB): "
              f"anonymous {anon / 1024:.1f} MB + file-backed code/data {filed / 1024:.1f} MB")
        body = json.dumps({"email": ADMIN, "password": PASSWORD}).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/auth/login", data=body, headers={"Content-Type": "application/json"})
        token = json.load(urllib.request.urlopen(req))["access_token"]

        base = f"http://127.0.0.1:{port}"
        hello = wrk(f"{base}/__bench/hello", a.seconds, 64)
        me = wrk(f"{base}/api/v1/auth/me", a.seconds, 64, [f"Authorization: Bearer {token}"])
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                    f"wrk.body = '{body.decode()}'\n")
            lua = f.name
        login = wrk(f"{base}/api/v1/auth/login", a.seconds, 8, script=lua)
        os.unlink(lua)
        time.sleep(0.5)
        print(f"hello-world      {hello[0]:10.0f} req/s  p50 {hello[1]:>8}  p99 {hello[2]:>8}  (baseline, same process)")
        print(f"GET /auth/me     {me[0]:10.0f} req/s  p50 {me[1]:>8}  p99 {me[2]:>8}  non-2xx {me[3]}")
        print(f"POST /auth/login {login[0]:10.0f} req/s  p50 {login[1]:>8}  p99 {login[2]:>8}  non-2xx {login[3]}  (argon2id m=19MiB t=2)")
        print(f"ratio /auth/me ÷ hello = {me[0] / hello[0]:.2f}   (target ≥ 0.30)")
        print(f"RSS after load   {rss_kb(proc.pid) / 1024:.1f} MB")
    finally:
        proc.terminate(); proc.wait(); shutil.rmtree(d)


if __name__ == "__main__":
    main()
