// Word-level diff of two texts (the versions view of the Content page): Myers' O(ND) algorithm
// over word, whitespace and punctuation tokens, so an edit shows as the words that changed, not
// the whole line. Free of imports on purpose: it is unit-tested directly in Node.

/** One run of the diff: text both versions share, or text only the old (`del`) or new (`add`) has. */
export interface Segment {
  op: 'same' | 'add' | 'del';
  text: string;
}

/** Words (letters, digits, apostrophes), runs of whitespace, and single other characters. */
export function tokenize(text: string): string[] {
  return text.match(/[\p{L}\p{N}_'’]+|\s+|[^\p{L}\p{N}_'’\s]/gu) ?? [];
}

type Op = 'same' | 'add' | 'del';

/**
 * The edit script turning `a` into `b` (Myers), as one op per token. `maxEdits` bounds the work:
 * two texts further apart than that come back as "all of a removed, all of b added".
 */
function script(a: string[], b: string[], maxEdits: number): Op[] {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxEdits);
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d] holds v[-d..d] as it was before step d (index k + d).
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(off - d, off + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) return backtrack(trace, n, m);
    }
  }
  return [...Array<Op>(n).fill('del'), ...Array<Op>(m).fill('add')];
}

function backtrack(trace: Int32Array[], n: number, m: number): Op[] {
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d];
    const at = (k: number) => v[k + d];
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push('same');
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) {
        ops.push('add');
        y--;
      } else {
        ops.push('del');
        x--;
      }
    }
  }
  return ops.reverse();
}

/**
 * The diff from `before` to `after` as runs of shared, removed and added text. Concatenating the
 * `same` and `del` runs gives `before`; the `same` and `add` runs give `after`.
 */
export function wordDiff(before: string, after: string, maxEdits = 4000): Segment[] {
  const a = tokenize(before);
  const b = tokenize(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops = script(a.slice(start, endA), b.slice(start, endB), maxEdits);
  const out: Segment[] = [];
  const push = (op: Op, text: string) => {
    const last = out[out.length - 1];
    if (last && last.op === op) last.text += text;
    else out.push({ op, text });
  };
  for (let i = 0; i < start; i++) push('same', a[i]);
  let i = start;
  let j = start;
  for (const op of ops) {
    if (op === 'same') {
      push('same', a[i++]);
      j++;
    } else if (op === 'del') push('del', a[i++]);
    else push('add', b[j++]);
  }
  for (let t = endA; t < a.length; t++) push('same', a[t]);
  return out;
}

/** Words added and removed by a diff (whitespace and punctuation do not count). */
export function diffStats(segments: Segment[]): { added: number; removed: number } {
  const words = (s: string) => (s.match(/[\p{L}\p{N}_'’]+/gu) ?? []).length;
  let added = 0;
  let removed = 0;
  for (const s of segments) {
    if (s.op === 'add') added += words(s.text);
    else if (s.op === 'del') removed += words(s.text);
  }
  return { added, removed };
}
