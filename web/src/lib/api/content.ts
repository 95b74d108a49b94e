// /content: drafts per platform (generated and refined as streams), their versions, feedback,
// the platforms' rules and the templates generation follows.
import { api, listAll, ok, page, stream, type Schema } from './client';

export type Content = Schema<'Content'>;
export type ContentDetail = Schema<'ContentDetail'>;
export type ContentVersion = Schema<'ContentVersion'>;
export type ContentFeedback = Schema<'ContentFeedback'>;
export type ProvenanceItem = Schema<'ProvenanceItem'>;
export type PlatformRules = Schema<'PlatformRules'>;
export type ContentTemplate = Schema<'ContentTemplate'>;
export type TemplateSection = Schema<'TemplateSection'>;
export type GenerateRequest = Schema<'GenerateContentRequest'>;
export type UpdateRequest = Schema<'UpdateContentRequest'>;
export type ContentFilters = { platform?: string; status?: string; q?: string; task_id?: string; client_id?: string; project_id?: string };

export const STATUSES = ['draft', 'in_review', 'approved', 'scheduled', 'published', 'rejected', 'archived'] as const;
export type Status = (typeof STATUSES)[number];
export const STATUS_LABELS: Record<string, string> = {
  draft: 'Draft',
  in_review: 'In review',
  approved: 'Approved',
  scheduled: 'Scheduled',
  published: 'Published',
  rejected: 'Rejected',
  archived: 'Archived',
};

/** A template's display name: built-ins are named like ids (`linkedin_post` → "Linkedin post"). */
export const templateLabel = (t: ContentTemplate) => (t.builtin ? (t.name.charAt(0).toUpperCase() + t.name.slice(1)).replace(/_/g, ' ') : t.name);

/** One frame of POST /content/generate and /content/refine (the spec does not describe SSE frames). */
export interface GenerationFrame {
  stage?: 'retrieving' | 'drafting' | 'checking' | 'saving' | string;
  content?: string;
  done?: boolean;
  content_id?: string;
  version?: number;
  warnings?: string[];
  error?: string;
}

const path = (id: string) => ({ params: { path: { id } } });

export const content = {
  list: (filters: ContentFilters, range: { limit: number; offset: number }) => page('/api/v1/content/', { query: filters }, range),
  get: (id: string) => ok(api.GET('/api/v1/content/{id}', path(id))),
  update: (id: string, body: UpdateRequest) => ok(api.PUT('/api/v1/content/{id}', { ...path(id), body })),
  remove: (id: string) => ok(api.DELETE('/api/v1/content/{id}', path(id))),
  versions: (id: string, range: { limit: number; offset: number }) => page('/api/v1/content/{id}/versions', { path: { id } }, range),
  restore: (id: string, n: number) => ok(api.POST('/api/v1/content/{id}/versions/{n}/restore', { params: { path: { id, n } } })),
  feedback: (id: string, body: Schema<'ContentFeedbackRequest'>) => ok(api.POST('/api/v1/content/{id}/feedback', { ...path(id), body })),
  platforms: () => ok(api.GET('/api/v1/content/platforms')),
  templates: () => listAll('/api/v1/content/templates'),
  createTemplate: (body: Schema<'CreateTemplateRequest'>) => ok(api.POST('/api/v1/content/templates', { body })),
  removeTemplate: (id: string) => ok(api.DELETE('/api/v1/content/templates/{id}', path(id))),
  generate: (body: GenerateRequest, signal?: AbortSignal) => stream<GenerationFrame>('/content/generate', body, signal),
  refine: (body: Schema<'RefineContentRequest'>, signal?: AbortSignal) => stream<GenerationFrame>('/content/refine', body, signal),
};
