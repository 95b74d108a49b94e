// Typed client for the knowledge routes (sources, collections, search, memory).
import { API_BASE, ApiError, getToken, request } from '../../lib/api';

export type Status = 'pending' | 'processing' | 'ready' | 'failed';

export interface Source {
  id: string;
  owner_id: string;
  collection_id: string | null;
  kind: string;
  platform: string | null;
  title: string;
  url: string | null;
  status: Status;
  error: string | null;
  metadata: Record<string, unknown>;
  size_bytes: number;
  chunk_count: number;
  created_at: string;
  updated_at: string;
}

export interface Chunk {
  id: number;
  ord: number;
  text: string;
  start: number;
  end: number;
}

export interface SourceDetail extends Source {
  content: string;
  chunks: Chunk[];
}

export interface Hit {
  chunk_id: number;
  doc_type: string;
  doc_id: string;
  title: string;
  text: string;
  /** HTML-escaped with <mark> around matched terms (safe to render as HTML). */
  snippet: string;
  score: number;
  keyword_rank: number | null;
  vector_rank: number | null;
  collection_id: string | null;
  platform: string | null;
}

export interface SearchResults {
  query: string;
  results: Hit[];
}

export interface Collection {
  id: string;
  name: string;
  description: string;
  source_count: number;
  created_at: string;
}

export interface Memory {
  id: string;
  type: string;
  content: string;
  metadata: Record<string, unknown>;
  created_at: string;
}

export interface MemoryStats {
  total: number;
  by_type: Record<string, number>;
  latest_at: string | null;
}

const qs = (params: Record<string, string | number | undefined | null>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

/** Multipart upload (the JSON client cannot send files). */
async function upload<T = Source>(path: string, form: FormData): Promise<T> {
  const token = getToken();
  const res = await fetch(API_BASE + path, {
    method: 'POST',
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    body: form,
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, typeof body?.detail === 'string' ? body.detail : `Upload failed (${res.status})`);
  return body as T;
}

export interface ImportedMany {
  count: number;
  sources: Source[];
}

export const PLATFORMS = ['rss', 'substack', 'medium', 'website', 'github', 'notion', 'twitter', 'youtube', 'visual-scan'] as const;
export type Platform = (typeof PLATFORMS)[number];
/** Platforms imported from an uploaded file rather than fetched (YouTube takes either). */
export const UPLOAD_PLATFORMS: Platform[] = ['twitter', 'visual-scan'];

function fileForm(file: File, collection_id?: string): FormData {
  const f = new FormData();
  f.append('file', file, file.name);
  if (collection_id) f.append('collection_id', collection_id);
  return f;
}

export const knowledge = {
  list: (f: { collection_id?: string; status?: string; platform?: string } = {}) => request<Source[]>('GET', `/sources/${qs(f)}`),
  get: (id: string) => request<SourceDetail>('GET', `/sources/${encodeURIComponent(id)}`),
  remove: (id: string) => request<void>('DELETE', `/sources/${encodeURIComponent(id)}`),
  bulkDelete: (ids: string[]) => request<{ deleted: number }>('POST', '/sources/bulk-delete', { ids }),
  analyze: (id: string) => request<Source>('POST', `/sources/${encodeURIComponent(id)}/analyze`, {}),
  paste: (b: { title?: string; content: string; collection_id?: string }) => request<Source>('POST', '/sources/import/paste', b),
  url: (b: { url: string; collection_id?: string }) => request<Source>('POST', '/sources/import/url', b),
  folder: (b: { path: string; recursive: boolean; collection_id?: string }) =>
    request<{ count: number; sources: Source[] }>('POST', '/sources/import/folder', b),
  file: (file: File, collection_id?: string) => {
    const f = new FormData();
    f.append('file', file, file.name);
    if (collection_id) f.append('collection_id', collection_id);
    return upload('/sources/import/file', f);
  },
  platform: (type: Platform, params: Record<string, unknown>) =>
    request<{ platform: string; job_id: number | null; status: string }>('POST', `/platforms/${type}/import`, params),
  platformUpload: (type: Platform, file: File, collection_id?: string) =>
    upload<ImportedMany>(`/platforms/${type}/import`, fileForm(file, collection_id)),
  linkedinExport: (file: File, collection_id?: string) =>
    upload<ImportedMany>('/linkedin/import/data-export', fileForm(file, collection_id)),
  linkedinBatch: (items: { content: string }[], collection_id?: string) =>
    request<ImportedMany>('POST', '/linkedin/import/batch-paste', { items, collection_id }),
  /** Captions fetched from YouTube now (best effort); 422 asks for the .vtt/.srt upload instead. */
  youtube: (url: string, collection_id?: string) =>
    request<ImportedMany>('POST', '/platforms/youtube/import', { url, collection_id }),
  cookieStatus: () => request<{ saved: boolean; updated_at: string | null }>('GET', '/linkedin/cookie-status'),
  saveCookie: (li_at: string) => request<{ saved: boolean; updated_at: string | null }>('POST', '/linkedin/save-cookie', { li_at }),
  autoExtract: (collection_id?: string) => request<ImportedMany>('POST', '/linkedin/auto-extract', { collection_id }),
  search: (q: string, f: { collection_id?: string; limit?: number; mode?: string } = {}) =>
    request<SearchResults>('GET', `/sources/search${qs({ q, ...f })}`),
  collections: {
    list: () => request<Collection[]>('GET', '/collections'),
    create: (name: string, description = '') => request<Collection>('POST', '/collections', { name, description }),
    update: (id: string, b: { name?: string; description?: string }) => request<Collection>('PUT', `/collections/${encodeURIComponent(id)}`, b),
    remove: (id: string) => request<void>('DELETE', `/collections/${encodeURIComponent(id)}`),
    crossReference: (id: string, query: string) =>
      request<SearchResults>('POST', `/collections/${encodeURIComponent(id)}/cross-reference`, { query }),
  },
  memory: {
    recent: (type?: string) => request<Memory[]>('GET', `/memory/${qs({ type, limit: 200 })}`),
    search: (q: string) => request<SearchResults>('GET', `/memory/search${qs({ q, limit: 20 })}`),
    stats: () => request<MemoryStats>('GET', '/memory/stats'),
    add: (type: string, content: string) => request<Memory>('POST', '/claude-code/memory', { type, content }),
    remove: (id: string) => request<void>('DELETE', `/memory/${encodeURIComponent(id)}`),
  },
};

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
