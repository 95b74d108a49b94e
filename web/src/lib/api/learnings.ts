// /learnings: what the studio learned about a writer (style, preferences, design system, product
// knowledge), their feedback, merges, and each client's dos and don'ts.
import { api, listAll, ok, stream, type Schema } from './client';

export type Learning = Schema<'Learning'>;
export type Feedback = Schema<'Feedback'>;
export type CustomRules = Schema<'CustomRules'>;

/** One frame of a generation stream (the spec does not describe SSE frames). */
export interface GenerationFrame {
  stage?: string;
  progress?: number;
  learning?: Learning;
  done?: boolean;
  learning_ids?: string[];
  error?: string;
}

const path = (id: string) => ({ params: { path: { id } } });

export const learnings = {
  list: (query: { type?: string; source_id?: string; client_id?: string } = {}) => listAll('/api/v1/learnings/', { query }),
  update: (id: string, body: Schema<'LearningPatch'>) => ok(api.PATCH('/api/v1/learnings/{id}', { ...path(id), body })),
  remove: (id: string) => ok(api.DELETE('/api/v1/learnings/{id}', path(id))),
  bulkDelete: (ids: string[]) => ok(api.POST('/api/v1/learnings/bulk-delete', { body: { ids } })),
  feedback: (id: string, score: 1 | -1, comment?: string) =>
    ok(api.POST('/api/v1/learnings/{id}/feedback', { ...path(id), body: { score, comment } })),
  merge: (ids: string[], title?: string) => ok(api.POST('/api/v1/learnings/merge', { body: { ids, title } })),
  rules: (client_id?: string) => ok(api.GET('/api/v1/learnings/custom-rules', { params: { query: { client_id } } })),
  saveRules: (body: CustomRules) => ok(api.PUT('/api/v1/learnings/custom-rules', { body })),
  generate: (body: Schema<'GenerateRequest'>, signal?: AbortSignal) => stream<GenerationFrame>('/learnings/generate', body, signal),
  generateDesignSystem: (body: Schema<'DesignSystemRequest'>, signal?: AbortSignal) =>
    stream<GenerationFrame>('/learnings/generate-design-system', body, signal),
  generateProductKnowledge: (body: Schema<'ProductKnowledgeRequest'>, signal?: AbortSignal) =>
    stream<GenerationFrame>('/learnings/generate-product-knowledge', body, signal),
  /** Paste a post as a source (the knowledge area's route) and return its id. */
  paste: async (content: string, client_id?: string) =>
    (await ok(api.POST('/api/v1/sources/import/paste', { body: { content, client_id } }))).id,
};
