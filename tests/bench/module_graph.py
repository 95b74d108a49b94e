#!/usr/bin/env python3
"""The module graph of src/: one node per .rs file, an edge for every `crate::…` path (in `use`
lines and inline) resolved to the file that defines it; `#[cfg(test)]` modules are left out. Prints the largest strongly connected
component (files that all reach each other through imports) and its size.

    python3 tests/bench/module_graph.py [--src src] [--show]
"""
import argparse
import os
import re
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--src", default="src")
ap.add_argument("--show", action="store_true", help="list the files of the largest cycle")
args = ap.parse_args()

files = {}
for root, _, names in os.walk(args.src):
    for n in names:
        if n.endswith(".rs"):
            p = os.path.join(root, n)
            files[os.path.relpath(p, args.src)] = open(p, encoding="utf-8").read()


def module_of(rel):
    """crate path of a file: a/b/mod.rs -> a::b, a/b.rs -> a::b, lib.rs -> ''."""
    parts = rel[:-3].split(os.sep)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return "::".join(parts)


by_module = {module_of(f): f for f in files}


def resolve(path):
    """Longest prefix of `a::b::c` that names a module file."""
    segs = path.split("::")
    while segs:
        m = "::".join(segs)
        if m in by_module:
            return by_module[m]
        segs.pop()
    return None


def expand_use(body, base):
    """Flatten `base::{a, b::{c, d}}` into full paths."""
    out = []
    depth, start, items = 0, 0, []
    for i, ch in enumerate(body):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(body[start:i])
            start = i + 1
    items.append(body[start:])
    for it in items:
        it = it.strip()
        if not it:
            continue
        m = re.match(r"^([\w:]*?)(?:::)?\{(.*)\}$", it, re.S)
        if m:
            pre = m.group(1)
            out += expand_use(m.group(2), f"{base}::{pre}" if pre else base)
        else:
            name = it.split(" as ")[0].strip()
            out.append(base if name == "self" else f"{base}::{name}")
    return out


def parent_module(f):
    m = module_of(f)
    return m.rsplit("::", 1)[0] if "::" in m else ""


edges = {f: set() for f in files}
for f, text in files.items():
    text = re.sub(r"//[^\n]*", "", text)
    # Unit-test modules (at the end of a file, by convention) are not part of the program.
    text = re.split(r"#\[cfg\(test\)\]\s*mod\s+\w+", text)[0]
    me = module_of(f)
    paths = []
    for m in re.finditer(r"\buse\s+(crate|super|self)((?:::)?[^;]*);", text, re.S):
        root, rest = m.group(1), m.group(2)
        base = {"crate": "", "super": parent_module(f), "self": me}[root]
        rest = rest.lstrip(":")
        if rest.startswith("{"):
            paths += expand_use(rest[1:-1], base)
        else:
            m2 = re.match(r"^([\w:]*?)(?:::)?\{(.*)\}$", rest, re.S)
            if m2:
                pre = m2.group(1)
                paths += expand_use(m2.group(2), f"{base}::{pre}".strip(":") if pre else base)
            else:
                paths.append(f"{base}::{rest}".strip(":"))
    for m in re.finditer(r"\bcrate((?:::\w+)+)", text):
        paths.append(m.group(1).strip(":"))
    for m in re.finditer(r"\bsuper((?:::\w+)+)", text):
        paths.append((parent_module(f) + m.group(1)).strip(":"))
    for p in paths:
        t = resolve(p.strip(":"))
        if t and t != f:
            edges[f].add(t)

# Tarjan's strongly connected components (iterative).
index, low, on, stack, sccs, counter = {}, {}, set(), [], [], [0]
for v0 in files:
    if v0 in index:
        continue
    work = [(v0, iter(sorted(edges[v0])))]
    index[v0] = low[v0] = counter[0]
    counter[0] += 1
    stack.append(v0)
    on.add(v0)
    while work:
        v, it = work[-1]
        advanced = False
        for w in it:
            if w not in index:
                index[w] = low[w] = counter[0]
                counter[0] += 1
                stack.append(w)
                on.add(w)
                work.append((w, iter(sorted(edges[w]))))
                advanced = True
                break
            if w in on:
                low[v] = min(low[v], index[w])
        if advanced:
            continue
        work.pop()
        if work:
            low[work[-1][0]] = min(low[work[-1][0]], low[v])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            sccs.append(comp)

sccs.sort(key=len, reverse=True)
big = sccs[0] if sccs else []
cycles = [c for c in sccs if len(c) > 1]
print(f"files: {len(files)}  import edges: {sum(len(e) for e in edges.values())}")
print(f"largest cycle: {len(big) if len(big) > 1 else 0} files; cycles: {len(cycles)} "
      f"({', '.join(str(len(c)) for c in cycles[:8])})")
if args.show:
    for c in cycles[:3]:
        print("  cycle:", " ".join(sorted(c)))
