import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importTs } from './load-ts.mjs';

const { collectAll, toPaged, MAX_LIMIT } = await importTs(fileURLToPath(new URL('../src/lib/api/paging.ts', import.meta.url)));

test('a bare array (older list routes) becomes one page holding everything', () => {
  assert.deepEqual(toPaged([1, 2, 3], { limit: 50, offset: 0 }), { items: [1, 2, 3], total: 3, limit: 3, offset: 0 });
});

test('an envelope is kept, extra fields too', () => {
  const p = toPaged({ items: ['a'], total: 7, limit: 1, offset: 3, unread: 2 }, { limit: 1, offset: 3 });
  assert.deepEqual(p, { items: ['a'], total: 7, limit: 1, offset: 3, unread: 2 });
});

test('missing envelope fields fall back to what was asked', () => {
  assert.deepEqual(toPaged({ items: [1] }, { limit: 10, offset: 20 }), { items: [1], total: 21, limit: 10, offset: 20 });
  assert.deepEqual(toPaged(undefined, { limit: 10, offset: 0 }), { items: [], total: 0, limit: 10, offset: 0 });
});

test('collectAll pages with the largest limit until offset + items reaches total', async () => {
  const all = Array.from({ length: 450 }, (_, i) => i);
  const asked = [];
  const got = await collectAll(async ({ limit, offset }) => {
    asked.push([limit, offset]);
    return { items: all.slice(offset, offset + limit), total: all.length, limit, offset };
  });
  assert.deepEqual(got, all);
  assert.deepEqual(asked, [[MAX_LIMIT, 0], [MAX_LIMIT, 200], [MAX_LIMIT, 400]]);
});

test('collectAll stops on a bare-array answer, an empty page, or a server that ignores offset', async () => {
  let calls = 0;
  assert.deepEqual(await collectAll(async (r) => (calls++, toPaged([1, 2], r))), [1, 2]);
  assert.equal(calls, 1);
  assert.deepEqual(await collectAll(async ({ limit }) => ({ items: [], total: 5, limit, offset: 0 })), []);
  calls = 0;
  const stuck = await collectAll(async ({ limit }) => (calls++, { items: [1], total: 5, limit, offset: 0 }));
  assert.ok(calls <= 5 && stuck.length === calls);
});
