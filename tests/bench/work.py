#!/usr/bin/env python3
"""Work-management benchmark: kanban board load and move throughput against GET /auth/me in the
same server process, and the productivity report at 100k tasks.

    python3 tests/bench/work.py [--binary target/release/neuromancer] [--seconds 10] [--tasks 100000]

Builds the release binary unless --binary is given. Needs `wrk` (apt-get install wrk).
1. A project board with 500 cards (created through the API, so positions are the server's own).
   wrk measures GET /auth/me (baseline), GET /tasks/?project_id=…&limit=200 (a page of the board as
   the SPA loads it, cards with subtask counts, through the visibility rule), and
   PUT /tasks/{id}/move with random targets.
   After the move run the board is checked: every column's positions are still 0..n-1.
2. The database is then grown to --tasks tasks (seeded straight into SQLite: same columns, dense
   positions, a spread of assignees/priorities/due dates/completions, and 20k timesheet entries),
   and GET /tasks/productivity-report is timed (median of 15) for the admin and for a member
   (whose query goes through the membership views). Target < 200 ms.
Rate limiters are switched off for the run (--rate-limit 0 --login-rate 0).

Measured 2026-11-27 (before boards were paged: the whole 500-card board per answer), release build,
2 shared cores, 10 s wrk runs:
    GET /auth/me 79577 req/s · GET /tasks/ (500 cards) 25815 req/s gzipped as browsers ask (0.32×),
    12596 req/s as plain JSON (0.16×: ~300 kB per answer through loopback, wrk on the same cores) ·
    move 1052 req/s, positions dense afterwards; report at 100k tasks: admin median 64 ms, member
    66 ms, days=30 53 ms.
"""
import argparse, json, os, random, shutil, sqlite3, statistics, subprocess, sys, tempfile, time, urllib.request
sys.path.insert(0, os.path.dirname(__file__))
from foundation import free_port, start, wrk  # noqa: E402

ADMIN, PASSWORD = "bench@example.com", "bench-password-4711"
MEMBER, MEMBER_PW = "member@example.com", "member-password-4711"


def call(base, method, path, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + "/api/v1" + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req) as r:
        raw = r.read()
        return json.loads(raw) if raw else None


def login(base, email, pw):
    return call(base, "POST", "/auth/login", body={"email": email, "password": pw})["access_token"]


def timed(base, path, token, n=15):
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        call(base, "GET", path, token)
        out.append((time.perf_counter() - t0) * 1000)
    return statistics.median(out), max(out)


def seed(db_path, project, client, columns, users, total):
    """Grow the tasks table to `total` rows directly (dense positions per column)."""
    c = sqlite3.connect(db_path, timeout=60, isolation_level=None)
    have = c.execute("SELECT COUNT(*) FROM tasks").fetchone()[0]
    pos = {col: c.execute("SELECT COUNT(*) FROM tasks WHERE column_id = ? AND parent_task_id IS NULL", (col,)).fetchone()[0] for col in columns}
    rnd = random.Random(7)
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    rows, entries = [], []
    for i in range(total - have):
        col = rnd.choice(columns)
        done = col == columns[-1]
        tid = f"bench-{i:07d}"
        due = f"2026-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}" if rnd.random() < 0.6 else None
        rows.append((tid, f"Seeded task {i}", col, pos[col], rnd.choice(["low", "medium", "high", "urgent"]), users[0], client, project,
                     rnd.choice(users), due, rnd.choice([None, 30, 60, 120, 240]), now if done else None, now, now))
        pos[col] += 1
        if i < 20000:
            entries.append((f"bench-e-{i:07d}", rnd.choice(users), tid, client, project, rnd.randint(5, 240), rnd.random() < 0.7,
                            f"2026-{rnd.randint(1, 11):02d}-{rnd.randint(1, 28):02d}", now, now))
    c.execute("BEGIN IMMEDIATE")
    c.executemany("""INSERT INTO tasks (id, title, column_id, position, priority, owner_id, client_id, project_id, assignee_id,
                     due_date, estimated_minutes, completed_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", rows)
    c.executemany("""INSERT INTO timesheets (id, owner_id, task_id, client_id, project_id, minutes, billable, date, created_at, updated_at)
                     VALUES (?,?,?,?,?,?,?,?,?,?)""", entries)
    c.execute("COMMIT")
    c.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--tasks", type=int, default=100_000)
    a = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is required: apt-get install wrk")
    binary = a.binary
    if not binary:
        subprocess.run(["cargo", "build", "--release", "--locked", "--quiet"], check=True)
        binary = os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release", "neuromancer")

    d = tempfile.mkdtemp()
    port = free_port()
    proc, _ = start(binary, d, port, ["--rate-limit", "0", "--login-rate", "0"])
    base = f"http://127.0.0.1:{port}"
    try:
        token = login(base, ADMIN, PASSWORD)
        auth = [f"Authorization: Bearer {token}"]
        member = call(base, "POST", "/enterprise/users", token, {"email": MEMBER, "password": MEMBER_PW, "name": "Member"})
        me = call(base, "GET", "/auth/me", token)
        client = call(base, "POST", "/enterprise/clients", token, {"name": "Bench client"})
        project = call(base, "POST", f"/enterprise/clients/{client['id']}/projects", token,
                       {"name": "Bench project", "member_ids": [member["id"]]})
        pid = project["id"]
        cols = [c["id"] for c in call(base, "GET", f"/tasks/columns?project_id={pid}", token)["items"]]
        ids = [call(base, "POST", "/tasks/", token, {"title": f"Card {i}", "project_id": pid, "column_id": cols[i % len(cols)],
                                                   "priority": ["low", "medium", "high", "urgent"][i % 4],
                                                   "estimated_minutes": 30 + i % 90})["id"] for i in range(500)]
        # The SPA loads a board in pages of 200 cards: wrk asks for the first one.
        board_url = f"{base}/api/v1/tasks/?project_id={pid}&limit=200"
        assert call(base, "GET", f"/tasks/?project_id={pid}&limit=200", token)["total"] == 500

        me_r = wrk(f"{base}/api/v1/auth/me", a.seconds, 64, auth)
        # As the SPA asks for it (browsers send Accept-Encoding: gzip), and as a client that takes
        # only plain JSON.
        board = wrk(board_url, a.seconds, 64, auth + ["Accept-Encoding: gzip, deflate, br"])
        board_plain = wrk(board_url, a.seconds, 64, auth)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write("ids = {" + ",".join(f'"{i}"' for i in ids) + "}\n")
            f.write("cols = {" + ",".join(f'"{c}"' for c in cols) + "}\n")
            f.write('wrk.method = "PUT"\nwrk.headers["Content-Type"] = "application/json"\n'
                    f'wrk.headers["Authorization"] = "Bearer {token}"\n'
                    "request = function()\n"
                    "  local body = string.format('{\"column_id\":\"%s\",\"position\":%d}', cols[math.random(#cols)], math.random(0, 120))\n"
                    "  return wrk.format(nil, '/api/v1/tasks/' .. ids[math.random(#ids)] .. '/move', nil, body)\n"
                    "end\n")
            lua = f.name
        move = wrk(f"{base}/api/v1/tasks/", a.seconds, 16, script=lua)
        os.unlink(lua)
        tasks = [t for off in range(0, 500, 200)
                 for t in call(base, "GET", f"/tasks/?project_id={pid}&limit=200&offset={off}", token)["items"]]
        dense = all(sorted(t["position"] for t in tasks if t["column_id"] == c) == list(range(sum(t["column_id"] == c for t in tasks)))
                    for c in cols)

        print(f"GET /auth/me            {me_r[0]:9.0f} req/s  p50 {me_r[1]:>8}  p99 {me_r[2]:>8}  non-2xx {me_r[3]}  (baseline, same process)")
        print(f"GET /tasks/ (200 cards) {board[0]:9.0f} req/s  p50 {board[1]:>8}  p99 {board[2]:>8}  non-2xx {board[3]}  (gzip, as browsers ask)")
        print(f"GET /tasks/ plain JSON  {board_plain[0]:9.0f} req/s  p50 {board_plain[1]:>8}  p99 {board_plain[2]:>8}  non-2xx {board_plain[3]}  (~120 kB per answer)")
        print(f"PUT /tasks/{{id}}/move   {move[0]:9.0f} req/s  p50 {move[1]:>8}  p99 {move[2]:>8}  non-2xx {move[3]}  (16 conns, each an IMMEDIATE write txn)")
        print(f"ratio board ÷ /auth/me = {board[0] / me_r[0]:.2f}   (target ≥ 0.30); plain JSON {board_plain[0] / me_r[0]:.2f}")
        print(f"ratio move  ÷ /auth/me = {move[0] / me_r[0]:.2f}")
        print(f"positions dense after the move run: {dense}")

        t0 = time.perf_counter()
        seed(os.path.join(d, "neuromancer.db"), pid, client["id"], cols, [me["id"], member["id"]], a.tasks)
        print(f"seeded to {a.tasks} tasks + 20000 timesheet entries in {time.perf_counter() - t0:.1f} s")
        mtoken = login(base, MEMBER, MEMBER_PW)
        rep = call(base, "GET", "/tasks/productivity-report", token)
        assert rep["total"] == a.tasks, rep["total"]
        adm = timed(base, "/tasks/productivity-report", token)
        mem = timed(base, "/tasks/productivity-report", mtoken)
        per = timed(base, "/tasks/productivity-report?days=30", token)
        print(f"productivity report, {a.tasks} tasks, admin   median {adm[0]:6.1f} ms  max {adm[1]:6.1f} ms   (target < 200 ms)")
        print(f"productivity report, {a.tasks} tasks, member  median {mem[0]:6.1f} ms  max {mem[1]:6.1f} ms   (through memberships)")
        print(f"productivity report, days=30, admin           median {per[0]:6.1f} ms  max {per[1]:6.1f} ms")
        print(f"completion {rep['completion_rate']}  on-time {rep['on_time_rate']}  variance {rep['variance_pct']}%")
    finally:
        proc.terminate(); proc.wait(); shutil.rmtree(d)


if __name__ == "__main__":
    main()
