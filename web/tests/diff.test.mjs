import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importTs } from './load-ts.mjs';

const { wordDiff, diffStats } = await importTs(fileURLToPath(new URL('../src/lib/diff.ts', import.meta.url)));

const side = (segs, keep) => segs.filter((s) => s.op === 'same' || s.op === keep).map((s) => s.text).join('');

test('a changed word shows as that word removed and its replacement added', () => {
  const segs = wordDiff('Our churn fell by 12% last quarter.', 'Our churn fell by 18% this quarter.');
  assert.deepEqual(segs, [
    { op: 'same', text: 'Our churn fell by ' },
    { op: 'del', text: '12' },
    { op: 'add', text: '18' },
    { op: 'same', text: '% ' },
    { op: 'del', text: 'last' },
    { op: 'add', text: 'this' },
    { op: 'same', text: ' quarter.' },
  ]);
  assert.deepEqual(diffStats(segs), { added: 2, removed: 2 });
});

test('both texts can be rebuilt from the diff, whatever the edits', () => {
  const pairs = [
    ['', 'A brand new draft.'],
    ['Old text that goes away.', ''],
    ['same', 'same'],
    ['one two three four five', 'zero one three five six'],
    ['Hook line\n\nBody with a list:\n- a\n- b\n#tag', 'New hook\n\nBody with a list:\n- a\n- c\n- b\n#tag #more'],
  ];
  for (const [a, b] of pairs) {
    const segs = wordDiff(a, b);
    assert.equal(side(segs, 'del'), a);
    assert.equal(side(segs, 'add'), b);
    for (let i = 1; i < segs.length; i++) assert.notEqual(segs[i].op, segs[i - 1].op, 'runs are merged');
  }
});

test('identical texts have no changes; an insertion keeps the rest shared', () => {
  assert.deepEqual(wordDiff('a b c', 'a b c'), [{ op: 'same', text: 'a b c' }]);
  const segs = wordDiff('We grew fast.', 'We grew very fast.');
  assert.deepEqual(segs, [
    { op: 'same', text: 'We grew ' },
    { op: 'add', text: 'very ' },
    { op: 'same', text: 'fast.' },
  ]);
});

test('texts further apart than the edit budget are shown as replaced, still rebuildable', () => {
  const a = Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ');
  const b = Array.from({ length: 300 }, (_, i) => `v${i}`).join(' ');
  const segs = wordDiff(a, b, 50);
  assert.equal(side(segs, 'del'), a);
  assert.equal(side(segs, 'add'), b);
});

test('a long post with a few edits diffs quickly', () => {
  const words = Array.from({ length: 2000 }, (_, i) => `word${i % 97}`);
  const a = words.join(' ');
  const edited = [...words];
  edited[100] = 'CHANGED';
  edited.splice(1500, 3);
  const b = edited.join(' ');
  const t0 = performance.now();
  const segs = wordDiff(a, b);
  assert.ok(performance.now() - t0 < 500);
  assert.equal(side(segs, 'add'), b);
  assert.deepEqual(diffStats(segs), { added: 1, removed: 4 });
});
