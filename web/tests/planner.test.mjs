import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importTs } from './load-ts.mjs';

const plan = await importTs(fileURLToPath(new URL('../src/routes/planner/plan.ts', import.meta.url)));

test('cadences: only forms the server accepts (daily, weekdays, weekly, <n>_per_week with n 1–7)', () => {
  for (const c of plan.CADENCES) assert.match(c.value, /^(daily|weekdays|weekly|[1-7]_per_week)$/);
  assert.equal(plan.cadenceLabel('3_per_week'), '3 per week');
  assert.equal(plan.cadenceLabel('6_per_week'), '6 per week');
  assert.equal(plan.cadenceLabel(null), 'No cadence');
});

test('an optimistic move changes only that item, and a rollback restores it', () => {
  const items = [
    { id: 'a', date: '2026-12-01', title: 'A' },
    { id: 'b', date: '2026-12-02', title: 'B' },
  ];
  const moved = plan.moveItem(items, 'a', '2026-12-05');
  assert.equal(moved.find((i) => i.id === 'a').date, '2026-12-05');
  assert.equal(items[0].date, '2026-12-01', 'the original list is untouched');
  assert.strictEqual(moved[1], items[1]);
  assert.deepEqual(plan.moveItem(moved, 'a', '2026-12-01'), items);
});

test('streamed items are added or replaced and kept in date order', () => {
  let items = [{ id: 'a', date: '2026-12-03', title: 'A' }];
  items = plan.upsertItem(items, { id: 'b', date: '2026-12-01', title: 'B' });
  items = plan.upsertItem(items, { id: 'c', date: '2026-12-03', title: '0 first' });
  items = plan.upsertItem(items, { id: 'a', date: '2026-12-02', title: 'A moved' });
  assert.deepEqual(items.map((i) => `${i.id}@${i.date}`), ['b@2026-12-01', 'a@2026-12-02', 'c@2026-12-03']);
});

test('platform colours: brand colours, and a stable colour for others', () => {
  assert.equal(plan.platformColor('linkedin'), '#0a66c2');
  assert.equal(plan.platformColor('mastodon'), plan.platformColor('mastodon'));
  assert.match(plan.platformColor('mastodon'), /^hsl\(\d+ 55% 42%\)$/);
  assert.equal(plan.spanDays('2026-12-01', '2026-12-31'), 31);
  assert.equal(plan.spanDays('2026-12-02', '2026-12-01'), 0);
});
