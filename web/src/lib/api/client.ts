// The one HTTP client of the SPA: openapi-fetch over the types generated from the server's
// OpenAPI document (schema.d.ts, `npm run gen:api`), plus what the spec cannot describe
// (multipart uploads, server-sent events). Area modules (auth.ts, tasks.ts, …) build on this.
//
// Behaviour kept from the hand-written client it replaces: the JWT lives in
// localStorage.nm_token and is sent as a bearer token; failures throw ApiError whose `detail` is
// the server's `{detail}` message (shown to users as is); a 401 on an authenticated call clears
// the token and goes to /login?next=…
import createClient, { type Middleware } from 'openapi-fetch';
import { navigate } from '../router';
import { postSSE, sseJson, SSEHttpError } from '../sse';
import { collectAll, DEFAULT_LIMIT, MAX_LIMIT, toPaged, type Paged } from './paging';
import type { components, paths } from './schema';

export type { components, paths };
/** A named schema of the spec: `Schema<'Task'>`. */
export type Schema<K extends keyof components['schemas']> = components['schemas'][K];

export const API_BASE = '/api/v1';
const TOKEN_KEY = 'nm_token';

// ---------- token storage ----------

export function getToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string): void {
  localStorage.setItem(TOKEN_KEY, token);
}

export function clearToken(): void {
  try {
    localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage unavailable */
  }
}

function bearer(): Record<string, string> {
  const token = getToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

// ---------- errors ----------

export class ApiError extends Error {
  /** HTTP status, 0 for network failures. */
  status: number;
  /** The server's `detail` message (or a generic description). */
  detail: string;
  /** Seconds from a Retry-After header (429, 503), if present. */
  retryAfter: number | null;

  constructor(status: number, detail: string, retryAfter: number | null = null) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.retryAfter = retryAfter;
  }
}

/** A user-presentable message for any thrown value. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.detail;
  if (e instanceof SSEHttpError) return e.detail;
  if (e instanceof Error) return e.message;
  return String(e);
}

function parseRetryAfter(h: string | null): number | null {
  if (!h) return null;
  const n = Number(h);
  if (Number.isFinite(n)) return Math.max(0, Math.ceil(n));
  const d = Date.parse(h);
  return Number.isNaN(d) ? null : Math.max(0, Math.ceil((d - Date.now()) / 1000));
}

function statusText(status: number): string {
  switch (status) {
    case 400: return 'Bad request';
    case 401: return 'Not authenticated';
    case 403: return 'Not allowed';
    case 404: return 'Not found';
    case 409: return 'Conflict';
    case 413: return 'Request too large';
    case 422: return 'Invalid input';
    case 429: return 'Too many attempts';
    case 502:
    case 503:
    case 504: return 'The server is unavailable';
    default: return `Request failed (${status})`;
  }
}

/** The ApiError for a failed response whose body was already read (JSON or text). */
function errorFrom(res: Response, body: unknown): ApiError {
  let detail = statusText(res.status);
  const d = (body as { detail?: unknown } | null | undefined)?.detail;
  if (typeof d === 'string') detail = d;
  else if (Array.isArray(d)) detail = d.map((x) => (typeof x === 'string' ? x : (x?.msg ?? JSON.stringify(x)))).join('; ');
  return new ApiError(res.status, detail, parseRetryAfter(res.headers.get('Retry-After')));
}

const NETWORK = 'Cannot reach the server. Check your connection.';

// ---------- session expiry ----------

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called after a 401 on an authenticated call (token already cleared). */
export function onUnauthorized(fn: Listener): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

function handleUnauthorized(): void {
  clearToken();
  for (const fn of unauthorizedListeners) fn();
  if (window.location.pathname !== '/login') {
    const here = window.location.pathname + window.location.search;
    navigate(`/login?next=${encodeURIComponent(here)}`, { replace: true });
  }
}

// ---------- typed clients ----------

/** Query strings without undefined, null or empty values; arrays repeat the key. */
function querySerializer(q: Record<string, unknown>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const x of v) p.append(k, String(x));
    else p.set(k, String(v));
  }
  return p.toString();
}

const withBearer: Middleware = {
  onRequest({ request }) {
    const token = getToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    request.headers.set('Accept', 'application/json');
    return request;
  },
};

/** Authenticated calls (bearer token). Paths are the spec's, e.g. `/api/v1/tasks/{task_id}`. */
export const api = createClient<paths>({ querySerializer });
api.use(withBearer);

/** Calls that must not carry a token (health, login, Supabase exchange). */
export const open = createClient<paths>({ querySerializer, headers: { Accept: 'application/json' } });

type Result<D> = { data?: D; error?: unknown; response: Response };

export interface CallOptions {
  /** On 401: clear the token and go to /login (default true; false for public calls). */
  redirectOn401?: boolean;
}

/**
 * Await an openapi-fetch call and return its typed body, or throw ApiError
 * (status 0 for network failures; AbortError passes through).
 */
export async function ok<D>(pending: Promise<Result<D>>, opts: CallOptions = {}): Promise<D> {
  let r: Result<D>;
  try {
    r = await pending;
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiError(0, NETWORK);
  }
  if (!r.response.ok) {
    const err = errorFrom(r.response, r.error);
    if (r.response.status === 401 && (opts.redirectOn401 ?? true)) handleUnauthorized();
    throw err;
  }
  return r.data as D;
}

/** `ok` for the public client: a 401 (wrong password, bad code) is just an error. */
export const okPublic = <D>(pending: Promise<Result<D>>) => ok(pending, { redirectOn401: false });

// ---------- lists: the paged envelope ----------

export { MAX_LIMIT, type Paged };

/** The item type of a list response, whether it is the envelope or (older specs) a bare array. */
export type ItemOf<R> = R extends { items: (infer T)[] } ? T : R extends (infer T)[] ? T : never;

type GetPath = { [P in keyof paths]: paths[P] extends { get: { responses: unknown } } ? P : never }[keyof paths];
type GetOp<P extends GetPath> = paths[P]['get'];
type Json200<Op> = Op extends { responses: { 200: { content: { 'application/json': infer R } } } } ? R : never;
type ParamsOf<Op, K extends 'path' | 'query'> = Op extends { parameters: { [k in K]?: infer X } } ? X : never;
type Known<X> = [X] extends [never] ? undefined : [X] extends [undefined] ? undefined : X;

/** The parameters of a list call, without the paging ones (the helpers set those). */
export type ListParams<P extends GetPath> = {
  path?: Known<ParamsOf<GetOp<P>, 'path'>>;
  query?: Known<ParamsOf<GetOp<P>, 'query'>> extends infer Q ? (Q extends object ? Omit<Q, 'limit' | 'offset'> : undefined) : never;
};

export type ListItem<P extends GetPath> = ItemOf<Json200<GetOp<P>>>;

/**
 * One page of a list route. The only untyped spot of the typed client: while the server moves
 * every list to the envelope, some responses in schema.d.ts are still bare arrays and some list
 * routes do not declare `limit`/`offset` yet, so the call is made loosely here and the body
 * normalised by toPaged (a bare array becomes one page holding everything). Once the spec has the
 * envelope everywhere, the loose call can become a typed `api.GET(path, …)`.
 */
export async function page<P extends GetPath>(
  path: P,
  params: ListParams<P> = {},
  range: { limit?: number; offset?: number } = {},
  signal?: AbortSignal,
): Promise<Paged<ListItem<P>>> {
  const asked = { limit: range.limit ?? DEFAULT_LIMIT, offset: range.offset ?? 0 };
  const loose = api.GET as unknown as (p: string, init: object) => Promise<Result<unknown>>;
  const query = { ...(params.query as object | undefined), ...asked };
  const body = await ok(loose(path, { params: { path: params.path, query }, signal }));
  return toPaged<ListItem<P>>(body, asked);
}

/** Every item of a list route (for screens that need all of them, like the kanban board). */
export function listAll<P extends GetPath>(path: P, params: ListParams<P> = {}, signal?: AbortSignal): Promise<ListItem<P>[]> {
  return collectAll((range) => page(path, params, range, signal));
}

// ---------- what the spec does not type: uploads and streams ----------

/** POST a multipart form (with the bearer token); the answer is typed by the caller from the schema. */
export async function upload<T>(path: string, form: FormData): Promise<T> {
  let res: Response;
  try {
    res = await fetch(API_BASE + path, { method: 'POST', body: form, headers: { Accept: 'application/json', ...bearer() } });
  } catch {
    throw new ApiError(0, NETWORK);
  }
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    if (res.status === 401) handleUnauthorized();
    throw errorFrom(res, body);
  }
  return body as T;
}

/** A multipart form with `file` (and optional string fields). */
export function fileForm(file: Blob, filename: string, fields: Record<string, string | undefined> = {}): FormData {
  const f = new FormData();
  f.append('file', file, filename);
  for (const [k, v] of Object.entries(fields)) if (v) f.append(k, v);
  return f;
}

/**
 * POST and stream the JSON events of a `text/event-stream` answer
 * (chat completions etc.). Errors surface as ApiError like other calls.
 */
export async function* stream<T = unknown>(path: string, body: unknown, signal?: AbortSignal): AsyncGenerator<T, void, undefined> {
  try {
    yield* postSSE<T>(API_BASE + path, body, { signal, headers: bearer() });
  } catch (e) {
    if (e instanceof SSEHttpError) {
      if (e.status === 401) handleUnauthorized();
      throw new ApiError(e.status, e.detail, parseRetryAfter(e.response.headers.get('Retry-After')));
    }
    throw e;
  }
}

/** GET an SSE stream with the bearer token (fetch, so the token travels in a header). */
export async function* getSSE<T>(path: string, signal: AbortSignal): AsyncGenerator<T, void, undefined> {
  const res = await fetch(API_BASE + path, { headers: { Accept: 'text/event-stream', ...bearer() }, signal });
  if (!res.ok || !res.body) {
    if (res.status === 401) handleUnauthorized();
    throw new ApiError(res.status, `event stream failed (${res.status})`);
  }
  yield* sseJson<T>(res.body, signal);
}
