#!/usr/bin/env python3
"""HTML ingest throughput of a neuromancer binary: MB/s of HTML pages uploaded, decoded,
parsed, reduced to their main text, chunked, embedded (hashing embedder: a fresh data dir has
no MiniLM files) and indexed, measured end to end through the API.

    python3 tests/bench/ingest.py [--binary target/debug/neuromancer] [--mb 20] [--page-kb 100]

Runs against any binary (so the same 20 MB can be timed on an old build and a new one): it
starts `BINARY serve` on a fresh data dir and a free loopback port, logs in as the bootstrap
admin, uploads the pages with POST /sources/import/file and polls GET /sources/ until every
source is ready. The clock runs from the first upload to the last source ready; the server's
CPU time (user + system, from /proc) over the same span is printed too, because on a shared
machine wall time mostly measures the neighbours. The pages are
generated deterministically (seeded): a head with scripts and <meta>, nav, an <article> of
French/German/English paragraphs written with character references (&eacute;, &uuml;,
&#8217;…), a sidebar, comments and a footer — the shapes the main-text heuristics prune.
"""
import argparse, json, os, random, socket, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ADMIN, PASSWORD = "bench@example.com", "bench-password-4711"
WORDS = ("caf&eacute; Z&uuml;rich cr&egrave;me br&ucirc;l&eacute;e M&uuml;nchen Gr&uuml;&szlig;e na&iuml;ve "
         "fa&ccedil;ade d&eacute;j&agrave; &Uuml;bung K&ouml;ln l&rsquo;&eacute;t&eacute; &laquo;citation&raquo; "
         "harbour tide pilot retrieval embedding chunk index search source import page article "
         "studio draft persona learning skill knowledge graph planner content brief schedule "
         "the of and to in is that for on with as by at from this it an be are was").split()


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def page(rng, i, size):
    head = (f"<!doctype html><html lang=fr><head><meta charset=utf-8><title>Page {i} &ndash; "
            f"{' '.join(rng.choice(WORDS) for _ in range(5))}</title>"
            f"<meta name=author content='Am&eacute;lie {i}'><meta property='og:site_name' content='Bench'>"
            "<script>var data = {\"a\": \"<p>not text</p>\"};</script><style>p{margin:0}</style></head><body>"
            "<nav class=menu><a href='/'>Accueil</a> <a href='/a?x=1&amp;y=2'>Archives</a></nav>"
            "<div class=cookie-banner>Nous utilisons des cookies.</div><main><article class=post-content>"
            f"<h1>Article {i}</h1>")
    tail = ("</article><aside class=sidebar><ul><li><a href='/tag/a'>tag a</a></li></ul></aside>"
            "<section class=comments><p>Premier commentaire&nbsp;!</p></section></main>"
            "<footer>&copy; 2026 Bench &middot; Newsletter</footer></body></html>")
    parts, n = [head], len(head) + len(tail)
    while n < size:
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 120)))
        tag = rng.choice(["p", "p", "p", "h2", "blockquote", "li"])
        chunk = f"<{tag}>{words}.</{tag}>\n" if tag != "h2" else f"<h2>{words[:60]}</h2>\n"
        parts.append(chunk)
        n += len(chunk)
    parts.append(tail)
    return "".join(parts).encode()


def call(base, method, path, token=None, body=None, ctype="application/json"):
    headers = {"Content-Type": ctype} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(base + path, data=body, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.load(r)


def upload(base, token, name, data):
    b = "benchb0undary"
    body = (f"--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: text/html\r\n\r\n").encode() + data + f"\r\n--{b}--\r\n".encode()
    return call(base, "POST", "/api/v1/sources/import/file", token, body, f"multipart/form-data; boundary={b}")


def statuses(base, token):
    out, offset = {}, 0
    while True:
        r = call(base, "GET", f"/api/v1/sources/?limit=200&offset={offset}", token)
        for s in r["items"]:
            out[s["status"]] = out.get(s["status"], 0) + 1
        offset += len(r["items"])
        if not r["items"] or offset >= r["total"]:
            return out


def cpu_seconds(pid):
    """User + system CPU time of a process and its threads (Linux /proc)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "debug", "neuromancer"))
    ap.add_argument("--mb", type=float, default=20)
    ap.add_argument("--page-kb", type=float, default=100)
    a = ap.parse_args()
    rng = random.Random(19)
    pages, total = [], 0
    while total < a.mb * 1e6:
        p = page(rng, len(pages), int(a.page_kb * 1000))
        pages.append(p)
        total += len(p)
    data, port = tempfile.mkdtemp(prefix="nm-ingest-"), free_port()
    env = dict(os.environ, NEUROMANCER_ADMIN_EMAIL=ADMIN, NEUROMANCER_ADMIN_PASSWORD=PASSWORD, NEUROMANCER_LOG="warn")
    proc = subprocess.Popen([a.binary, "serve", "--bind", f"127.0.0.1:{port}", "--data", data,
                             "--rate-limit", "0", "--login-rate", "0"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/api/v1/health", timeout=1)
                break
            except Exception:
                if proc.poll() is not None:
                    sys.exit("server exited during start")
                time.sleep(0.1)
        token = call(base, "POST", "/api/v1/auth/login", body=json.dumps({"email": ADMIN, "password": PASSWORD}).encode())["access_token"]
        t0, c0 = time.perf_counter(), cpu_seconds(proc.pid)
        for i, p in enumerate(pages):
            upload(base, token, f"page-{i}.html", p)
        uploaded = time.perf_counter() - t0
        while True:
            st = statuses(base, token)
            if st.get("ready", 0) + st.get("failed", 0) >= len(pages):
                break
            time.sleep(0.25)
        secs, cpu = time.perf_counter() - t0, cpu_seconds(proc.pid) - c0
        mb = total / 1e6
        print(f"binary   {a.binary}")
        print(f"pages    {len(pages)} × ~{a.page_kb:.0f} kB = {mb:.1f} MB of HTML   statuses {st}")
        print(f"uploads  {uploaded:.1f} s;  all ready after {secs:.1f} s")
        print(f"ingest   {mb / secs:.2f} MB/s end to end (upload → decode → parse → main text → chunk → embed → index)")
        print(f"cpu      {cpu:.1f} s of server CPU = {mb / cpu:.2f} MB per CPU-second")
        if st.get("failed"):
            sys.exit("some pages failed to import")
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
