// The paged envelope of list routes and the paging loops, free of imports so Node tests load it.

/** Every list route answers `{items, total, limit, offset}` (query `limit` 1–200, default 50; `offset`). */
export interface Paged<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** The largest page the server serves. */
export const MAX_LIMIT = 200;
export const DEFAULT_LIMIT = 50;

/**
 * A list response as the envelope. Fixed catalogues (event types, triggers, actions, the settings
 * schema) are bare arrays, not collections: such an array becomes one page holding everything.
 */
export function toPaged<T>(body: unknown, asked: { limit: number; offset: number }): Paged<T> {
  if (Array.isArray(body)) return { items: body as T[], total: body.length, limit: body.length, offset: 0 };
  const env = (body ?? {}) as Partial<Paged<T>>;
  const items = Array.isArray(env.items) ? env.items : [];
  return {
    ...env,
    items,
    total: typeof env.total === 'number' ? env.total : asked.offset + items.length,
    limit: typeof env.limit === 'number' ? env.limit : asked.limit,
    offset: typeof env.offset === 'number' ? env.offset : asked.offset,
  };
}

/** Every item: asks page after page of `MAX_LIMIT` until `offset + items.length >= total` (or an empty page). */
export async function collectAll<T>(fetchPage: (range: { limit: number; offset: number }) => Promise<Paged<T>>): Promise<T[]> {
  const out: T[] = [];
  for (let offset = 0; ; ) {
    const p = await fetchPage({ limit: MAX_LIMIT, offset });
    out.push(...p.items);
    const next = p.offset + p.items.length;
    if (p.items.length === 0 || next >= p.total || next <= offset) return out;
    offset = next;
  }
}
