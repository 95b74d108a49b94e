// Pure helpers of the planner page: cadences, platform colours, item list updates (optimistic
// moves, streamed items). Free of imports so Node tests load it.

/** The cadences the server accepts: daily, weekdays, weekly or `<n>_per_week` (n 1–7). */
export const CADENCES: { value: string; label: string }[] = [
  { value: 'daily', label: 'Every day' },
  { value: 'weekdays', label: 'Weekdays' },
  { value: 'weekly', label: 'Once a week' },
  ...[2, 3, 4, 5].map((n) => ({ value: `${n}_per_week`, label: `${n} per week` })),
];

export function cadenceLabel(s: string | null | undefined): string {
  if (!s) return 'No cadence';
  return CADENCES.find((c) => c.value === s)?.label ?? s.replace(/_/g, ' ');
}

const PLATFORM_COLORS: Record<string, string> = {
  linkedin: '#0a66c2',
  x: '#536471',
  instagram: '#c13584',
  facebook: '#1877f2',
  threads: '#5b5b5b',
  newsletter: '#b86e00',
  email: '#1d8a4f',
  blog: '#8e4ec6',
  youtube: '#d62828',
  tiktok: '#00a6a6',
};

/** A platform's chip colour (a stable hue from the name for platforms without a brand colour). */
export function platformColor(platform: string): string {
  const known = PLATFORM_COLORS[platform];
  if (known) return known;
  let h = 0;
  for (const c of platform) h = (h * 31 + c.charCodeAt(0)) % 360;
  return `hsl(${h} 55% 42%)`;
}

interface Dated {
  id: string;
  date: string;
}

/** The list with item `id` moved to `date` (a new list; the others untouched). */
export function moveItem<T extends Dated>(items: T[], id: string, date: string): T[] {
  return items.map((it) => (it.id === id ? { ...it, date } : it));
}

/** The list with `item` added or replaced (by id), kept sorted by date then title. */
export function upsertItem<T extends Dated & { title?: string }>(items: T[], item: T): T[] {
  const rest = items.filter((it) => it.id !== item.id);
  return sortItems([...rest, item]);
}

export function sortItems<T extends Dated & { title?: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => a.date.localeCompare(b.date) || (a.title ?? '').localeCompare(b.title ?? ''));
}

/** The number of days from `start` to `end` inclusive (0 when end is before start). */
export function spanDays(start: string, end: string): number {
  const ms = Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`);
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 86_400_000) + 1 : 0;
}
