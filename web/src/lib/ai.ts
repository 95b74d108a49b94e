// Typed client for the AI areas: chat conversations (streaming replies, uploads, transcription,
// sharing, live events), provider settings and AI logs.
import { API_BASE, ApiError, getToken, request, stream } from './api';
import { sseJson } from './sse';

export interface Conversation {
  id: string;
  title: string;
  metadata: Record<string, unknown>;
  owner_id: string;
  client_id: string | null;
  project_id: string | null;
  is_owner: boolean;
  created_at: string;
  updated_at: string;
}

export interface Attachment {
  id: string;
  conversation_id: string;
  filename: string;
  mime: string;
  kind: 'text' | 'image';
  size: number;
  chars: number;
  created_at: string;
}

export interface ToolCallRecord {
  id: string;
  name: string;
  arguments: unknown;
  status: 'started' | 'finished' | 'failed';
  result?: unknown;
  error?: string;
}

export interface ChatMessage {
  id: string;
  conversation_id: string;
  user_id: string | null;
  role: 'user' | 'assistant';
  content: string;
  tool_calls: ToolCallRecord[];
  attachments: Attachment[];
  provider: string | null;
  model: string | null;
  usage: { input_tokens: number; output_tokens: number; total_tokens: number } | null;
  status: 'complete' | 'error' | 'interrupted';
  error: string | null;
  created_at: string;
}

export interface Participant {
  user_id: string;
  email: string;
  name: string;
  role: 'owner' | 'participant';
  added_at: string;
}

/** One frame of POST …/messages. */
export type ChatFrame =
  | { content: string }
  | { tool_use: string; status: 'started' | 'finished' | 'failed'; id?: string; input?: unknown; result?: unknown; detail?: string }
  | { error: string }
  | { done: true; message_id?: string; usage?: { input_tokens: number; output_tokens: number; total_tokens: number } };

export interface ProviderModels {
  provider: string;
  offline: boolean;
  configured: boolean;
  models: string[];
  error?: string;
}

export interface AvailableModels {
  default_provider: string;
  default_model: string | null;
  providers: ProviderModels[];
}

export interface TestResult {
  ok: boolean;
  detail: string;
  models?: string[];
}

export interface SettingDef {
  key: string;
  kind: 'text' | 'url' | 'secret' | 'bool' | 'string_list';
  description: string;
}

export interface LogEntry {
  id: string;
  provider: string;
  model: string;
  function: string;
  user_id: string | null;
  user_email: string | null;
  status: 'ok' | 'error';
  error: string | null;
  latency_ms: number;
  ttft_ms: number | null;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cost_usd: number;
  conversation_id: string | null;
  created_at: string;
}

export interface UsageRow {
  key: string;
  label?: string;
  calls: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cost_usd: number;
}

export interface Stats {
  total_calls: number;
  error_calls: number;
  error_rate: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  total_cost_usd: number;
  avg_latency_ms: number;
  avg_ttft_ms: number | null;
  by_provider: UsageRow[];
  month_tokens: number;
  monthly_budget: number | null;
}

export interface TokenUsage {
  daily: UsageRow[];
  by_model: UsageRow[];
  by_user: UsageRow[];
  by_function: UsageRow[];
}

export interface LeaderboardEntry {
  rank: number;
  user_id: string;
  email: string;
  name: string;
  calls: number;
  total_tokens: number;
  cost_usd: number;
  score: number;
  badges: string[];
}

const enc = encodeURIComponent;

function query(params: Record<string, string | number | undefined | null>): string {
  const q = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${enc(k)}=${enc(String(v))}`)
    .join('&');
  return q ? `?${q}` : '';
}

/** POST a file as multipart field `file` (with the bearer token). */
async function upload<T>(path: string, file: Blob, filename: string): Promise<T> {
  const form = new FormData();
  form.append('file', file, filename);
  const token = getToken();
  let res: Response;
  try {
    res = await fetch(API_BASE + path, { method: 'POST', body: form, headers: token ? { Authorization: `Bearer ${token}` } : {} });
  } catch {
    throw new ApiError(0, 'Cannot reach the server. Check your connection.');
  }
  const text = await res.text();
  let body: any = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  if (!res.ok) throw new ApiError(res.status, typeof body?.detail === 'string' ? body.detail : `Upload failed (${res.status})`);
  return body as T;
}

/** GET an SSE stream with the bearer token (EventSource cannot send headers). */
async function* getSSE<T>(path: string, signal: AbortSignal): AsyncGenerator<T, void, undefined> {
  const token = getToken();
  const res = await fetch(API_BASE + path, {
    headers: { Accept: 'text/event-stream', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    signal,
  });
  if (!res.ok || !res.body) throw new ApiError(res.status, `event stream failed (${res.status})`);
  yield* sseJson<T>(res.body, signal);
}

const c = (id: string) => `/chat/conversations/${enc(id)}`;

export const chat = {
  list: (search?: string) => request<Conversation[]>('GET', `/chat/conversations${query({ search })}`),
  create: (title?: string) => request<Conversation>('POST', '/chat/conversations', title ? { title } : {}),
  update: (id: string, title: string) => request<Conversation>('PATCH', c(id), { title }),
  remove: (id: string) => request<void>('DELETE', c(id)),
  messages: (id: string) => request<ChatMessage[]>('GET', `${c(id)}/messages`),
  send: (
    id: string,
    body: { content: string; tools_enabled: boolean; provider?: string; model?: string; attachments?: string[] },
    signal?: AbortSignal,
  ) => stream<ChatFrame>(`${c(id)}/messages`, body, signal),
  upload: (id: string, file: File) => upload<Attachment>(`${c(id)}/upload`, file, file.name),
  transcribe: (id: string, audio: Blob, filename: string) => upload<{ text: string }>(`${c(id)}/transcribe`, audio, filename),
  participants: (id: string) => request<Participant[]>('GET', `${c(id)}/participants`),
  share: (id: string, user_id: string) => request<Participant[]>('POST', `${c(id)}/share`, { user_id }),
  unshare: (id: string, user_id: string) => request<void>('DELETE', `${c(id)}/participants/${enc(user_id)}`),
  events: (id: string, signal: AbortSignal) => getSSE<{ type: string; message: ChatMessage }>(`${c(id)}/events`, signal),
};

export const aiSettings = {
  schema: () => request<SettingDef[]>('GET', '/settings/schema'),
  availableModels: () => request<AvailableModels>('GET', '/settings/available-models'),
  testProvider: (provider: string) => request<TestResult>('POST', '/settings/test-provider', { provider }),
};

export const aiLogs = {
  list: (f: Record<string, string | number | undefined>) => request<{ items: LogEntry[]; total: number; limit: number; offset: number }>('GET', `/ai-logs${query(f)}`),
  stats: () => request<Stats>('GET', '/ai-logs/stats'),
  usage: (days: number) => request<TokenUsage>('GET', `/ai-logs/token-usage${query({ days })}`),
  leaderboard: (period: string) => request<LeaderboardEntry[]>('GET', `/ai-logs/leaderboard${query({ period })}`),
};
