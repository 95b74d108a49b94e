import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importTs } from './load-ts.mjs';

const cal = await importTs(fileURLToPath(new URL('../src/lib/calendar.ts', import.meta.url)));

test('weeks start on Monday, also across a year boundary', () => {
  assert.equal(cal.mondayOf('2026-11-30'), '2026-11-30'); // a Monday
  assert.equal(cal.mondayOf('2026-12-06'), '2026-11-30'); // the Sunday after
  assert.equal(cal.mondayOf('2027-01-01'), '2026-12-28');
  assert.deepEqual(cal.weekDays('2027-01-01'), ['2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02', '2027-01-03']);
});

test('a month grid covers the month in whole weeks', () => {
  const feb = cal.monthGrid('2027-02-14'); // Feb 2027 starts on a Monday and has 28 days: exactly 4 weeks
  assert.equal(feb.length, 4);
  assert.equal(feb[0][0], '2027-02-01');
  assert.equal(feb[3][6], '2027-02-28');
  const nov = cal.monthGrid('2026-11-05'); // Sunday the 1st: the grid starts on Monday Oct 26, 6 rows
  assert.equal(nov[0][0], '2026-10-26');
  assert.equal(nov[0][6], '2026-11-01');
  assert.equal(nov.length, 6);
  assert.equal(nov[5][6], '2026-12-06');
  for (const w of nov) assert.equal(w.length, 7);
  assert.deepEqual(cal.visibleRange('month', '2026-11-05'), { from: '2026-10-26', to: '2026-12-06' });
  assert.deepEqual(cal.visibleRange('week', '2026-11-05'), { from: '2026-11-02', to: '2026-11-08' });
});

test('months add with the day clamped, leap years included', () => {
  assert.equal(cal.addMonths('2027-01-31', 1), '2027-02-28');
  assert.equal(cal.addMonths('2028-01-31', 1), '2028-02-29');
  assert.equal(cal.addMonths('2026-12-15', 1), '2027-01-15');
  assert.equal(cal.addMonths('2026-01-15', -1), '2025-12-15');
  assert.equal(cal.monthEnd('2028-02-03'), '2028-02-29');
  assert.equal(cal.shiftView('week', '2026-12-30', 1), '2027-01-06');
  assert.equal(cal.shiftView('month', '2026-12-30', 2), '2027-02-28');
});

test('days and ranges', () => {
  assert.equal(cal.addDays('2026-12-31', 1), '2027-01-01');
  assert.equal(cal.addDays('2026-03-01', -1), '2026-02-28');
  assert.equal(cal.daysBetween('2026-11-30', '2026-12-07'), 7);
  assert.equal(cal.daysBetween('2026-12-07', '2026-11-30'), -7);
  assert.ok(cal.inRange('2026-12-01', '2026-12-01', '2026-12-31'));
  assert.ok(!cal.inRange('2026-11-30', '2026-12-01', '2026-12-31'));
  assert.ok(cal.inRange('2030-01-01', null, null));
});

test('keyboard targets move by a day, a week, to the week ends or a month', () => {
  const d = '2026-12-02'; // a Wednesday
  assert.equal(cal.keyTarget(d, 'ArrowLeft'), '2026-12-01');
  assert.equal(cal.keyTarget(d, 'ArrowRight'), '2026-12-03');
  assert.equal(cal.keyTarget(d, 'ArrowUp'), '2026-11-25');
  assert.equal(cal.keyTarget(d, 'ArrowDown'), '2026-12-09');
  assert.equal(cal.keyTarget(d, 'Home'), '2026-11-30');
  assert.equal(cal.keyTarget(d, 'End'), '2026-12-06');
  assert.equal(cal.keyTarget(d, 'PageDown'), '2027-01-02');
  assert.equal(cal.keyTarget(d, 'x'), null);
});

test('items group by day in their order', () => {
  const m = cal.byDay([
    { id: 'a', date: '2026-12-01' },
    { id: 'b', date: '2026-12-02' },
    { id: 'c', date: '2026-12-01T09:00:00Z' },
  ]);
  assert.deepEqual(m.get('2026-12-01').map((x) => x.id), ['a', 'c']);
  assert.deepEqual(m.get('2026-12-02').map((x) => x.id), ['b']);
  assert.equal(m.get('2026-12-03'), undefined);
});

test('titles of a month and of a week span', () => {
  assert.equal(cal.monthTitle('2026-11-30', 'en-GB'), 'November 2026');
  assert.equal(cal.rangeTitle('2026-11-30', '2026-12-06', 'en-GB'), '30 Nov – 6 Dec 2026');
  assert.equal(cal.weekdayNames('en-GB')[0], 'Mon');
});

test('a plan opens on the month that holds most of what is left of it', () => {
  // Starts on the 30th, runs three weeks: December, not November.
  assert.equal(cal.planAnchor('2026-11-30', '2026-12-20', '2026-11-30'), '2026-12-01');
  // Under way mid-month: today.
  assert.equal(cal.planAnchor('2026-11-01', '2026-12-03', '2026-11-10'), '2026-11-10');
  // In the future: its start (or the next month when the start is the month's tail).
  assert.equal(cal.planAnchor('2027-01-05', '2027-01-20', '2026-11-10'), '2027-01-05');
  assert.equal(cal.planAnchor('2027-01-29', '2027-02-20', '2026-11-10'), '2027-02-01');
  // Over: its start.
  assert.equal(cal.planAnchor('2026-01-05', '2026-01-20', '2026-11-10'), '2026-01-05');
  // Within one month: the starting day.
  assert.equal(cal.planAnchor('2026-12-28', '2026-12-31', '2026-11-10'), '2026-12-28');
});
