// /sources, /platforms, /linkedin: the knowledge base's sources, imports and search.
import { api, fileForm, listAll, ok, upload, type ListParams, type paths, type Schema } from './client';

export type Source = Schema<'Source'>;
export type SourceDetail = Schema<'SourceDetail'>;
export type SearchResults = Schema<'SearchResults'>;
export type Hit = Schema<'Hit'>;
export type ImportedMany = Schema<'ImportedMany'>;
export type Queued = Schema<'Queued'>;
export type CookieStatus = Schema<'CookieStatus'>;
export type SourceFilters = NonNullable<ListParams<'/api/v1/sources/'>['query']>;
export type SearchQuery = NonNullable<paths['/api/v1/sources/search']['get']['parameters']['query']>;

export const PLATFORMS = ['rss', 'substack', 'medium', 'website', 'github', 'notion', 'twitter', 'youtube', 'visual-scan'] as const;
export type Platform = (typeof PLATFORMS)[number];
/** Platforms imported from an uploaded file rather than fetched (YouTube takes either). */
export const UPLOAD_PLATFORMS: Platform[] = ['twitter', 'visual-scan'];

const path = (id: string) => ({ params: { path: { id } } });

export const listSources = (f: SourceFilters = {}) => listAll('/api/v1/sources/', { query: f });
export const getSource = (id: string) => ok(api.GET('/api/v1/sources/{id}', path(id)));
export const deleteSource = (id: string) => ok(api.DELETE('/api/v1/sources/{id}', path(id)));
export const bulkDelete = (ids: string[]) => ok(api.POST('/api/v1/sources/bulk-delete', { body: { ids } }));
export const analyze = (id: string) => ok(api.POST('/api/v1/sources/{id}/analyze', path(id)));

export const importPaste = (body: Schema<'PasteImport'>) => ok(api.POST('/api/v1/sources/import/paste', { body }));
export const importUrl = (body: Schema<'UrlImport'>) => ok(api.POST('/api/v1/sources/import/url', { body }));
export const importFolder = (body: Schema<'FolderImport'>) => ok(api.POST('/api/v1/sources/import/folder', { body }));
export const importFile = (file: File, collection_id?: string) =>
  upload<Source>('/sources/import/file', fileForm(file, file.name, { collection_id }));

/** A platform import that the server fetches (queued: 202) or finishes at once (201). */
export const importPlatform = (type: Platform, params: Record<string, unknown>) =>
  ok(api.POST('/api/v1/platforms/{type}/import', { params: { path: { type } }, body: params }));
export const importPlatformFile = (type: Platform, file: File, collection_id?: string) =>
  upload<ImportedMany>(`/platforms/${encodeURIComponent(type)}/import`, fileForm(file, file.name, { collection_id }));
/** Captions fetched from YouTube now (best effort); 422 asks for the .vtt/.srt upload instead. */
export const importYoutube = async (url: string, collection_id?: string) =>
  (await importPlatform('youtube', { url, collection_id })) as ImportedMany;

export const linkedinExport = (file: File, collection_id?: string) =>
  upload<ImportedMany>('/linkedin/import/data-export', fileForm(file, file.name, { collection_id }));
export const linkedinBatch = (items: { content: string }[], collection_id?: string) =>
  ok(api.POST('/api/v1/linkedin/import/batch-paste', { body: { items, collection_id } }));
export const cookieStatus = () => ok(api.GET('/api/v1/linkedin/cookie-status'));
export const saveCookie = (li_at: string) => ok(api.POST('/api/v1/linkedin/save-cookie', { body: { li_at } }));
export const autoExtract = (collection_id?: string) => ok(api.POST('/api/v1/linkedin/auto-extract', { body: { collection_id } }));

export const search = (q: string, f: Omit<SearchQuery, 'q'> = {}) =>
  ok(api.GET('/api/v1/sources/search', { params: { query: { q, ...f } } }));
