// Calendar date math on YYYY-MM-DD strings (UTC, like the server's dates), free of imports so
// Node tests load it. Weeks start on Monday.

const DAY_MS = 86_400_000;

/** A YYYY-MM-DD string as a UTC midnight Date. */
export function parseIso(day: string): Date {
  return new Date(`${day.slice(0, 10)}T00:00:00Z`);
}

/** A Date as YYYY-MM-DD (UTC). */
export function isoOf(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return isoOf(new Date(parseIso(day).getTime() + n * DAY_MS));
}

/** Days from `a` to `b` (negative when b is before a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((parseIso(b).getTime() - parseIso(a).getTime()) / DAY_MS);
}

/** The Monday of the week holding `day`. */
export function mondayOf(day: string): string {
  const d = parseIso(day);
  return addDays(day, -((d.getUTCDay() + 6) % 7));
}

/** The seven days (Monday first) of the week holding `day`. */
export function weekDays(day: string): string[] {
  const monday = mondayOf(day);
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** The first day of the month holding `day`. */
export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** The last day of the month holding `day`. */
export function monthEnd(day: string): string {
  const d = parseIso(monthStart(day));
  return isoOf(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)));
}

/** The same day `n` months later, clamped to the month's length (Jan 31 + 1 → Feb 28/29). */
export function addMonths(day: string, n: number): string {
  const d = parseIso(day);
  const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d.getUTCDate(), last));
  return isoOf(first);
}

/**
 * The weeks of a month view: whole Monday-to-Sunday weeks covering the month of `day`
 * (4 to 6 rows), each a list of seven days.
 */
export function monthGrid(day: string): string[][] {
  const first = mondayOf(monthStart(day));
  const last = addDays(mondayOf(monthEnd(day)), 6);
  const weeks: string[][] = [];
  for (let w = first; w <= last; w = addDays(w, 7)) weeks.push(Array.from({ length: 7 }, (_, i) => addDays(w, i)));
  return weeks;
}

export type CalendarMode = 'month' | 'week';

/** The first and last day shown by a view anchored on `day`. */
export function visibleRange(mode: CalendarMode, day: string): { from: string; to: string } {
  if (mode === 'week') {
    const days = weekDays(day);
    return { from: days[0], to: days[6] };
  }
  const grid = monthGrid(day);
  return { from: grid[0][0], to: grid[grid.length - 1][6] };
}

/** The anchor one page earlier (-1) or later (+1) in a view. */
export function shiftView(mode: CalendarMode, day: string, step: number): string {
  return mode === 'week' ? addDays(day, 7 * step) : addMonths(day, step);
}

/** Whether `day` lies within [start, end] (inclusive; an open bound accepts everything). */
export function inRange(day: string, start?: string | null, end?: string | null): boolean {
  return (!start || day >= start) && (!end || day <= end);
}

/**
 * Where a calendar opens on a plan: from today when the plan is under way (else its start, or
 * its end once it is over), moved to the next month when most of what is left falls there — a
 * plan starting on the 30th opens on the month that holds it, not on the one that ends.
 */
export function planAnchor(start: string, end: string, today: string): string {
  const from = today < start ? start : today > end ? start : today;
  const next = addMonths(monthStart(from), 1);
  if (next > end) return from;
  const here = daysBetween(from, monthEnd(from)) + 1;
  const there = daysBetween(next, end < monthEnd(next) ? end : monthEnd(next)) + 1;
  return there > here ? next : from;
}

/**
 * Where the keyboard focus goes from `day` in a calendar grid: arrows move a day or a week,
 * Home/End go to the week's Monday/Sunday, PageUp/PageDown a month. Null for other keys.
 */
export function keyTarget(day: string, key: string): string | null {
  switch (key) {
    case 'ArrowLeft':
      return addDays(day, -1);
    case 'ArrowRight':
      return addDays(day, 1);
    case 'ArrowUp':
      return addDays(day, -7);
    case 'ArrowDown':
      return addDays(day, 7);
    case 'Home':
      return mondayOf(day);
    case 'End':
      return addDays(mondayOf(day), 6);
    case 'PageUp':
      return addMonths(day, -1);
    case 'PageDown':
      return addMonths(day, 1);
    default:
      return null;
  }
}

/** Items grouped by their `date` (YYYY-MM-DD), each day's list in the given order. */
export function byDay<T extends { date: string }>(items: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const key = it.date.slice(0, 10);
    const list = out.get(key);
    if (list) list.push(it);
    else out.set(key, [it]);
  }
  return out;
}

/** "November 2026" for the month of `day`. */
export function monthTitle(day: string, locale?: string): string {
  return parseIso(day).toLocaleDateString(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** "Monday 30 November 2026" style label (screen readers, drawers). */
export function longDay(day: string, locale?: string): string {
  return parseIso(day).toLocaleDateString(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/** "30 Nov – 6 Dec 2026" for a span of days. */
export function rangeTitle(from: string, to: string, locale?: string): string {
  const short = (d: string) => parseIso(d).toLocaleDateString(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return `${short(from)} – ${short(to)} ${to.slice(0, 4)}`;
}

/** Short weekday names, Monday first. */
export function weekdayNames(locale?: string): string[] {
  return weekDays('2024-01-01').map((d) => parseIso(d).toLocaleDateString(locale, { weekday: 'short', timeZone: 'UTC' }));
}
