// /notifications: the inbox, read state, and tickets for the live stream.
import { API_BASE, ApiError, api, ok, page, type Schema } from './client';

export type Notification = Schema<'Notification'>;

/** A page of the inbox (newest first); the unread count comes from unreadCount() or the stream. */
export const listNotifications = (offset = 0, limit = 30, unread = false) =>
  page('/api/v1/notifications/', { query: { unread: unread || undefined } }, { limit, offset });
export const unreadCount = () => ok(api.GET('/api/v1/notifications/unread-count'));
export const markRead = (id: string) => ok(api.PUT('/api/v1/notifications/{id}/read', { params: { path: { id } } }));
export const markAllRead = () => ok(api.PUT('/api/v1/notifications/read-all'));
export const deleteNotification = (id: string) => ok(api.DELETE('/api/v1/notifications/{id}', { params: { path: { id } } }));

/**
 * The URL of the live stream, opened with a fresh single-use ticket: POST /notifications/stream-ticket
 * (bearer token) → `{ticket, expires_in}`. EventSource cannot send headers, and the login token
 * must never travel in a URL, so every (re)connection asks for a new ticket.
 */
export async function streamUrl(): Promise<string> {
  const { ticket } = await ok(api.POST('/api/v1/notifications/stream-ticket'));
  if (!ticket) throw new ApiError(502, 'The server did not issue a stream ticket');
  return `${API_BASE}/notifications/stream?ticket=${encodeURIComponent(ticket)}`;
}

