// Typed client for the Neuromancer REST API (/api/v1, same origin).
import { navigate } from './router';
import { postSSE, SSEHttpError } from './sse';

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

// ---------- types ----------

export type Role = 'admin' | 'user' | string;

export interface User {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  mfa_enabled: boolean;
  created_at: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
}

export interface LoginResponse extends TokenResponse {
  user: User;
}

export interface AuthStatus {
  auth_enabled: boolean;
}

export interface SupabaseConfig {
  url: string | null;
  anon_key: string | null;
}

export interface MfaStatus {
  enabled: boolean;
  backup_codes_remaining: number;
}

export interface MfaEnrollment {
  secret: string;
  otpauth_url: string;
  qr_svg: string;
  backup_codes: string[];
}

export interface Health {
  status: string;
  version: string;
  db: string;
}

export type SettingValue = string | number | boolean | string[] | null;
export type Settings = Record<string, SettingValue>;

// ---------- errors ----------

export class ApiError extends Error {
  /** HTTP status, 0 for network failures. */
  status: number;
  /** The server's `detail` message (or a generic description). */
  detail: string;
  /** Seconds from a Retry-After header (429), if present. */
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

async function errorFrom(res: Response): Promise<ApiError> {
  let detail = statusText(res.status);
  try {
    const body = (await res.json()) as { detail?: unknown };
    if (typeof body?.detail === 'string') detail = body.detail;
    else if (Array.isArray(body?.detail)) detail = body.detail.map((d) => (typeof d === 'string' ? d : (d?.msg ?? JSON.stringify(d)))).join('; ');
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, detail, parseRetryAfter(res.headers.get('Retry-After')));
}

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

// ---------- core request ----------

export interface RequestOptions {
  /** Send the bearer token (default true). */
  auth?: boolean;
  /** On 401: clear the token and go to /login (default: same as `auth`). */
  redirectOn401?: boolean;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export async function request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const auth = opts.auth ?? true;
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const token = auth ? getToken() : null;
  if (token) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(API_BASE + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiError(0, 'Cannot reach the server. Check your connection.');
  }
  if (!res.ok) {
    const err = await errorFrom(res);
    if (res.status === 401 && (opts.redirectOn401 ?? auth)) handleUnauthorized();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

const get = <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts);
const post = <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, body ?? {}, opts);
const put = <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, body ?? {}, opts);

/**
 * POST and stream the JSON events of a `text/event-stream` answer
 * (chat completions etc.). Errors surface as ApiError like other calls.
 */
export async function* stream<T = unknown>(path: string, body: unknown, signal?: AbortSignal): AsyncGenerator<T, void, undefined> {
  const token = getToken();
  try {
    yield* postSSE<T>(API_BASE + path, body, {
      signal,
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
  } catch (e) {
    if (e instanceof SSEHttpError) {
      if (e.status === 401) handleUnauthorized();
      throw new ApiError(e.status, e.detail, parseRetryAfter(e.response.headers.get('Retry-After')));
    }
    throw e;
  }
}

// ---------- endpoints ----------

export const api = {
  health: () => get<Health>('/health', { auth: false }),

  auth: {
    status: () => get<AuthStatus>('/auth/status', { auth: false }),
    login: (email: string, password: string, totp_code?: string) =>
      post<LoginResponse>('/auth/login', totp_code ? { email, password, totp_code } : { email, password }, { auth: false }),
    me: () => get<User>('/auth/me'),
    changePassword: (current_password: string, new_password: string) =>
      put<TokenResponse>('/auth/change-password', { current_password, new_password }),
    supabaseConfig: () => get<SupabaseConfig>('/auth/supabase-config', { auth: false }),
    supabaseExchange: (access_token: string) =>
      post<LoginResponse>('/auth/supabase-exchange', { access_token }, { auth: false }),
  },

  mfa: {
    status: () => get<MfaStatus>('/mfa/status'),
    enroll: () => post<MfaEnrollment>('/mfa/enroll'),
    verifyEnrollment: (code: string) => post<{ enabled: boolean }>('/mfa/verify-enrollment', { code }),
    disable: (code: string, password: string) => post<{ enabled: boolean }>('/mfa/disable', { code, password }),
  },

  settings: {
    get: () => get<Settings>('/settings/'),
    update: (changes: Settings) => put<Settings | undefined>('/settings/', changes),
  },
};
