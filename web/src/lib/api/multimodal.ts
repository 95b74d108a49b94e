// /multimodal: image and video providers, production plans (streamed), their execution asset by
// asset (streamed), single generations, and the assets of a content with their versions.
import { api, listAll, ok, page, stream, type Schema } from './client';

export type Provider = Schema<'Provider'>;
export type KnownProvider = Schema<'KnownProvider'>;
/** A media provider's type (the API refuses any other). */
export type MediaProviderType = NonNullable<Schema<'UpdateProviderRequest'>['type']>;
export type Asset = Schema<'AssetView'>;
export type AssetDetail = Schema<'AssetDetail'>;
export type AssetVersion = Schema<'AssetVersion'>;
export type Plan = Schema<'ProductionPlan'>;
export type PlanAsset = Schema<'PlanAsset'>;
export type PlanRequest = Schema<'PlanRequest'>;

export const KINDS = ['image', 'carousel_slide', 'thumbnail', 'cover', 'video'] as const;
export type AssetKind = Schema<'AssetKind'>;
export const KIND_LABELS: Record<string, string> = {
  image: 'Image',
  carousel_slide: 'Carousel slide',
  thumbnail: 'Thumbnail',
  cover: 'Cover',
  video: 'Video',
};
export const ASPECTS = ['1:1', '4:5', '3:4', '4:3', '16:9', '9:16'] as const;

/** One frame of POST /multimodal/plan. */
export interface PlanFrame {
  content?: string;
  plan?: Plan;
  done?: boolean;
  error?: string;
}

/** One frame of POST /multimodal/execute-plan. */
export interface RunFrame {
  run?: { id: string; assets: { asset_id: string; index: number; kind: string }[] };
  asset_start?: { asset_id: string; index: number; kind: string };
  asset_complete?: { asset_id: string; index: number; url: string; public_url: string; mime: string; width: number; height: number; size: number };
  asset_failed?: { asset_id: string; index: number; error: string };
  done?: boolean;
  completed?: number;
  failed?: number;
  error?: string;
}

const pid = (id: string) => ({ params: { path: { id } } });
const aid = (id: string, asset_id: string) => ({ params: { path: { id, asset_id } } });

export const providers = {
  known: () => ok(api.GET('/api/v1/multimodal/providers/known')),
  list: () => listAll('/api/v1/multimodal/providers'),
  create: (body: Schema<'CreateProviderRequest'>) => ok(api.POST('/api/v1/multimodal/providers', { body })),
  update: (id: string, body: Schema<'UpdateProviderRequest'>) => ok(api.PUT('/api/v1/multimodal/providers/{id}', { ...pid(id), body })),
  remove: (id: string) => ok(api.DELETE('/api/v1/multimodal/providers/{id}', pid(id))),
  test: (id: string) => ok(api.POST('/api/v1/multimodal/providers/{id}/test', pid(id))),
};

export const assets = {
  list: (contentId: string, range: { limit: number; offset: number } = { limit: 200, offset: 0 }) =>
    page('/api/v1/multimodal/content/{id}/assets', { path: { id: contentId } }, range),
  get: (contentId: string, assetId: string) => ok(api.GET('/api/v1/multimodal/content/{id}/assets/{asset_id}', aid(contentId, assetId))),
  remove: (contentId: string, assetId: string) => ok(api.DELETE('/api/v1/multimodal/content/{id}/assets/{asset_id}', aid(contentId, assetId))),
  regenerate: (contentId: string, assetId: string, prompt?: string) =>
    ok(api.POST('/api/v1/multimodal/content/{id}/assets/{asset_id}/regenerate', { ...aid(contentId, assetId), body: { prompt } })),
  generate: (body: Schema<'GenerateAssetRequest'>) => ok(api.POST('/api/v1/multimodal/generate-asset', { body })),
  previewLink: (contentId: string) => ok(api.GET('/api/v1/multimodal/content/{id}/preview-link', pid(contentId))),
  plan: (body: PlanRequest, signal?: AbortSignal) => stream<PlanFrame>('/multimodal/plan', body, signal),
  execute: (contentId: string, plan: Plan, signal?: AbortSignal) => stream<RunFrame>('/multimodal/execute-plan', { content_id: contentId, plan }, signal),
};

/** Where an asset's bytes can be shown in the page: its capability URL (an <img> or <video>
 *  cannot send the bearer token). */
export const viewUrl = (a: { public_url?: string | null }) => a.public_url ?? '';

export const isVideo = (a: { mime?: string | null; kind?: string }) => (a.mime ?? '').startsWith('video/') || a.kind === 'video';
