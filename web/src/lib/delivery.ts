// Typed client for webhooks, automations and notifications (kept out of api.ts so areas merge cleanly).
import { request } from './api';

export interface EventDef {
  name: string;
  description: string;
  fields: string[];
  example: Record<string, unknown>;
  admin_only: boolean;
}

export interface Webhook {
  id: string;
  owner_id: string;
  url: string;
  events: string[];
  secret: string;
  headers: Record<string, string>;
  description: string;
  active: boolean;
  disabled_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookInput {
  url?: string;
  events?: string[];
  secret?: string;
  headers?: Record<string, string>;
  active?: boolean;
  description?: string;
}

export interface DeliveryAttempt {
  delivery_id: string;
  event_id: string | null;
  event_type: string;
  message_id: string;
  delivery_status: 'pending' | 'retrying' | 'succeeded' | 'failed' | 'cancelled';
  attempt: number | null;
  status_code: number | null;
  duration_ms: number | null;
  response_body: string | null;
  error: string | null;
  next_retry_at: string | null;
  created_at: string;
}

export interface Condition {
  field: string;
  op: string;
  value: unknown;
}

export interface ConfigField {
  name: string;
  type: 'text' | 'textarea' | 'url' | 'select' | 'user' | 'json';
  required: boolean;
  description: string;
  options: string[];
  templated: boolean;
}

export interface ActionDef {
  name: string;
  description: string;
  config: ConfigField[];
  available: boolean;
}

export interface Automation {
  id: string;
  owner_id: string;
  name: string;
  trigger: string;
  conditions: Condition[];
  action: string;
  action_config: Record<string, unknown>;
  active: boolean;
  created_at: string;
  updated_at: string;
}

export type AutomationInput = Partial<Pick<Automation, 'name' | 'trigger' | 'conditions' | 'action' | 'action_config' | 'active'>>;

export interface Run {
  id: string;
  automation_id: string;
  event_id: string | null;
  trigger: string;
  payload: Record<string, unknown>;
  depth: number;
  is_test: boolean;
  status: 'queued' | 'succeeded' | 'failed' | 'skipped';
  output: Record<string, unknown> | null;
  error: string | null;
  duration_ms: number | null;
  created_at: string;
  finished_at: string | null;
}

export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  data: Record<string, unknown>;
  broadcast: boolean;
  read: boolean;
  created_at: string;
}

export interface NotificationPage {
  items: Notification[];
  total: number;
  unread: number;
}

const enc = encodeURIComponent;

export const delivery = {
  webhooks: {
    events: () => request<EventDef[]>('GET', '/webhooks/events'),
    list: () => request<Webhook[]>('GET', '/webhooks/'),
    create: (body: WebhookInput) => request<Webhook>('POST', '/webhooks/', body),
    update: (id: string, body: WebhookInput) => request<Webhook>('PUT', `/webhooks/${enc(id)}`, body),
    remove: (id: string) => request<void>('DELETE', `/webhooks/${enc(id)}`),
    test: (id: string) => request<DeliveryAttempt>('POST', `/webhooks/${enc(id)}/test`, {}),
    deliveries: (id: string) => request<DeliveryAttempt[]>('GET', `/webhooks/${enc(id)}/deliveries?limit=200`),
    redeliver: (id: string, deliveryId: string) =>
      request<DeliveryAttempt>('POST', `/webhooks/${enc(id)}/deliveries/${enc(deliveryId)}/redeliver`, {}),
  },
  automations: {
    triggers: () => request<EventDef[]>('GET', '/automations/triggers'),
    actions: () => request<ActionDef[]>('GET', '/automations/actions'),
    list: () => request<Automation[]>('GET', '/automations/'),
    create: (body: AutomationInput) => request<Automation>('POST', '/automations/', body),
    update: (id: string, body: AutomationInput) => request<Automation>('PUT', `/automations/${enc(id)}`, body),
    remove: (id: string) => request<void>('DELETE', `/automations/${enc(id)}`),
    runs: (id: string) => request<Run[]>('GET', `/automations/${enc(id)}/runs?limit=100`),
    test: (id: string, payload?: unknown) => request<Run>('POST', `/automations/${enc(id)}/test`, payload === undefined ? {} : { payload }),
  },
  notifications: {
    list: (offset = 0, limit = 30, unread = false) =>
      request<NotificationPage>('GET', `/notifications/?offset=${offset}&limit=${limit}${unread ? '&unread=true' : ''}`),
    unreadCount: () => request<{ count: number }>('GET', '/notifications/unread-count'),
    read: (id: string) => request<{ count: number }>('PUT', `/notifications/${enc(id)}/read`, {}),
    readAll: () => request<{ count: number }>('PUT', '/notifications/read-all', {}),
    remove: (id: string) => request<void>('DELETE', `/notifications/${enc(id)}`),
  },
};

/** "3 min ago"-style relative time. */
export function ago(iso: string | null | undefined): string {
  if (!iso) return '';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (s < -5) return `in ${fmtSpan(-s)}`;
  if (s < 10) return 'just now';
  return `${fmtSpan(s)} ago`;
}

function fmtSpan(s: number): string {
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}
