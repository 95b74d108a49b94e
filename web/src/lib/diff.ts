// Word-level diff of two texts (the versions view of the Content page), on jsdiff's
// `diffWordsWithSpace` (Myers over word, whitespace and punctuation tokens), so an edit shows as
// the words that changed, not the whole line.
import { diffWordsWithSpace } from 'diff';

/** One run of the diff: text both versions share, or text only the old (`del`) or new (`add`) has. */
export interface Segment {
  op: 'same' | 'add' | 'del';
  text: string;
}

/**
 * The diff from `before` to `after` as runs of shared, removed and added text. Concatenating the
 * `same` and `del` runs gives `before`; the `same` and `add` runs give `after`. `maxEdits` bounds
 * the work: texts further apart than that come back as "all of before removed, all of after added".
 */
export function wordDiff(before: string, after: string, maxEdits = 4000): Segment[] {
  const out: Segment[] = [];
  const push = (op: Segment['op'], text: string) => {
    if (!text) return;
    const last = out[out.length - 1];
    if (last && last.op === op) last.text += text;
    else out.push({ op, text });
  };
  const changes = diffWordsWithSpace(before, after, { maxEditLength: maxEdits });
  if (!changes) {
    push('del', before);
    push('add', after);
    return out;
  }
  for (const c of changes) push(c.added ? 'add' : c.removed ? 'del' : 'same', c.value);
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
