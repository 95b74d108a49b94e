import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importTs } from './load-ts.mjs';

const { applyMove, groupByColumn } = await importTs(fileURLToPath(new URL('../src/routes/tasks/board.ts', import.meta.url)));

const columns = [
  { id: 'a', name: 'To do', is_done: false },
  { id: 'b', name: 'Done', is_done: true },
];
const card = (id, column_id, position) => ({ id, column_id, position, column: column_id === 'a' ? 'To do' : 'Done', completed_at: null });
const tasks = [card('1', 'a', 0), card('2', 'a', 1), card('3', 'a', 2), card('4', 'b', 0)];
const order = (ts, col) => groupByColumn(columns, ts)[col].map((t) => `${t.id}@${t.position}`);

test('moving within a column reorders densely', () => {
  const out = applyMove(columns, tasks, '3', 'a', 0);
  assert.deepEqual(order(out, 'a'), ['3@0', '1@1', '2@2']);
});

test('moving across columns closes the gap, opens a slot and marks done', () => {
  const out = applyMove(columns, tasks, '1', 'b', 1);
  assert.deepEqual(order(out, 'a'), ['2@0', '3@1']);
  assert.deepEqual(order(out, 'b'), ['4@0', '1@1']);
  assert.ok(out.find((t) => t.id === '1').completed_at);
  assert.equal(out.find((t) => t.id === '1').column, 'Done');
});

test('positions past the end are clamped', () => {
  const out = applyMove(columns, tasks, '4', 'a', 99);
  assert.deepEqual(order(out, 'a'), ['1@0', '2@1', '3@2', '4@3']);
  assert.equal(out.find((t) => t.id === '4').completed_at, null);
});
