// /memory (and /claude-code/memory to add): what the assistant remembers.
import { api, ok, page, type Schema } from './client';

export type Memory = Schema<'Memory'>;
export type MemoryStats = Schema<'Stats'>;

/** The newest memories (one page of up to 200), optionally of one type. */
export const recent = async (type?: string) => (await page('/api/v1/memory/', { query: { type } }, { limit: 200 })).items;
export const searchMemory = (q: string) => ok(api.GET('/api/v1/memory/search', { params: { query: { q, limit: 20 } } }));
export const memoryStats = () => ok(api.GET('/api/v1/memory/stats'));
export const addMemory = (type: string, content: string) => ok(api.POST('/api/v1/claude-code/memory', { body: { type, content, metadata: {} } }));
export const deleteMemory = (id: string) => ok(api.DELETE('/api/v1/memory/{id}', path(id)));

function path(id: string) {
  return { params: { path: { id } } };
}
