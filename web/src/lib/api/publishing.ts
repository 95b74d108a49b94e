// /publishing: connected accounts (OAuth round trips to LinkedIn and Meta), publish now, and
// the schedule (a post = one content on one account; it never goes out twice).
import { api, listAll, ok, type Schema } from './client';

export type Account = Schema<'Account'>;
export type Post = Schema<'Post'>;
export type PostDetail = Schema<'PostDetail'>;
export type PublishResponse = Schema<'PublishResponse'>;
export type StatusResponse = Schema<'StatusResponse'>;

export const POST_STATUS_LABELS: Record<string, string> = {
  scheduled: 'Scheduled',
  awaiting_approval: 'Awaiting approval',
  publishing: 'Publishing',
  checking: 'Checking',
  published: 'Published',
  failed: 'Failed',
  cancelled: 'Cancelled',
  missed: 'Missed',
  unknown: 'Unknown — confirm',
};

export const PLATFORM_LABELS: Record<string, string> = { linkedin: 'LinkedIn', facebook: 'Facebook', instagram: 'Instagram' };

export const publishing = {
  accounts: () => listAll('/api/v1/publishing/accounts'),
  removeAccount: (id: string) => ok(api.DELETE('/api/v1/publishing/accounts/{id}', { params: { path: { id } } })),
  linkedinStatus: () => ok(api.GET('/api/v1/publishing/linkedin/status')),
  metaStatus: () => ok(api.GET('/api/v1/publishing/meta/status')),
  linkedinAuthUrl: () => ok(api.GET('/api/v1/publishing/linkedin/auth-url', { params: { query: {} } })),
  metaAuthUrl: () => ok(api.GET('/api/v1/publishing/meta/auth-url', { params: { query: {} } })),
  publishNow: (account: Account, content_id: string): Promise<PublishResponse> => {
    if (account.platform === 'linkedin')
      return ok(api.POST('/api/v1/publishing/linkedin/publish', { body: { content_id, account_id: account.id } }));
    if (account.platform === 'facebook')
      return ok(api.POST('/api/v1/publishing/meta/publish/facebook', { body: { content_id, account_id: account.id } }));
    return ok(api.POST('/api/v1/publishing/meta/publish/instagram', { body: { content_id, account_id: account.id } }));
  },
  posts: (query: { content_id?: string; status?: string; from?: string; to?: string } = {}) =>
    listAll('/api/v1/publishing/scheduled', { query }),
  post: (id: string) => ok(api.GET('/api/v1/publishing/scheduled/{id}', { params: { path: { id } } })),
  schedule: (body: Schema<'ScheduleRequest'>) => ok(api.POST('/api/v1/publishing/scheduled', { body })),
  reschedule: (id: string, scheduled_at: string) =>
    ok(api.PUT('/api/v1/publishing/scheduled/{id}', { params: { path: { id } }, body: { scheduled_at } })),
  cancel: (id: string) => ok(api.POST('/api/v1/publishing/scheduled/{id}/cancel', { params: { path: { id } } })),
  remove: (id: string) => ok(api.DELETE('/api/v1/publishing/scheduled/{id}', { params: { path: { id } } })),
  confirm: (id: string, published: boolean, url?: string) =>
    ok(api.POST('/api/v1/publishing/scheduled/{id}/confirm', { params: { path: { id } }, body: { published, url } })),
};

/** A local `datetime-local` value ("2026-12-01T09:00") as RFC 3339 with the browser's offset. */
export function localToRfc3339(local: string): string {
  const d = new Date(local);
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return `${local.length === 16 ? `${local}:00` : local}${sign}${pad(off / 60)}:${pad(off % 60)}`;
}

/** A Date as a `datetime-local` value in the browser's zone. */
export function toLocalInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
