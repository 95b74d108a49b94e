// /learnings client: types declared here until the generated OpenAPI types replace them.
import { request, stream } from '../api';

export interface Paged<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface Feedback {
  id: string;
  user_id: string | null;
  score: number;
  comment: string | null;
  created_at: string;
}

export interface Learning {
  id: string;
  owner_id: string;
  type: string;
  title: string;
  content: string;
  data: Record<string, unknown>;
  confidence: number;
  source_ids: string[];
  client_id: string | null;
  project_id: string | null;
  feedback: Feedback[];
  created_at: string;
  updated_at: string;
}

export interface CustomRules {
  client_id: string | null;
  dos: string[];
  donts: string[];
}

/** One frame of a generation stream. */
export interface GenerationFrame {
  stage?: string;
  progress?: number;
  learning?: Learning;
  done?: boolean;
  learning_ids?: string[];
  error?: string;
}

const qs = (p: Record<string, string | number | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== '') s.set(k, String(v));
  return s.toString();
};

export const learnings = {
  list: (p: { type?: string; source_id?: string; client_id?: string; limit?: number; offset?: number } = {}) =>
    request<Paged<Learning>>('GET', `/learnings/?${qs({ limit: 200, ...p })}`),
  update: (id: string, patch: Partial<Pick<Learning, 'title' | 'content' | 'confidence'>>) =>
    request<Learning>('PATCH', `/learnings/${id}`, patch),
  remove: (id: string) => request<void>('DELETE', `/learnings/${id}`),
  bulkDelete: (ids: string[]) => request<{ deleted: number }>('POST', '/learnings/bulk-delete', { ids }),
  feedback: (id: string, score: 1 | -1, comment?: string) =>
    request<Learning>('POST', `/learnings/${id}/feedback`, { score, comment }),
  merge: (ids: string[], title?: string) => request<Learning>('POST', '/learnings/merge', { ids, title }),
  rules: (client_id?: string) => request<CustomRules>('GET', `/learnings/custom-rules?${qs({ client_id })}`),
  saveRules: (r: CustomRules) => request<CustomRules>('PUT', '/learnings/custom-rules', r),
  generate: (body: { source_ids?: string[]; client_id?: string }, signal?: AbortSignal) =>
    stream<GenerationFrame>('/learnings/generate', body, signal),
  generateDesignSystem: (body: { urls?: string[]; source_ids?: string[]; client_id?: string }, signal?: AbortSignal) =>
    stream<GenerationFrame>('/learnings/generate-design-system', body, signal),
  generateProductKnowledge: (body: { source_ids?: string[]; client_id?: string }, signal?: AbortSignal) =>
    stream<GenerationFrame>('/learnings/generate-product-knowledge', body, signal),
  /** Paste a post as a source (the knowledge area's route) and return its id. */
  paste: (content: string, client_id?: string) =>
    request<{ id: string }>('POST', '/sources/import/paste', { content, client_id }).then((s) => s.id),
};
