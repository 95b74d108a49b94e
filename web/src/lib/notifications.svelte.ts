// Live notifications shared by the bell and the notifications page: one EventSource per tab,
// opened with a single-use stream ticket (never the login token in a URL).
import { getToken } from './api/client';
import * as notifications from './api/notifications';
import type { Notification } from './api/notifications';

export const inbox = $state({
  unread: 0,
  /** Newest first; what the bell shows. */
  recent: [] as Notification[],
  connected: false,
  /** Bumped on every pushed notification so pages can refresh. */
  version: 0,
});

let source: EventSource | null = null;
let users = 0;
/** Bumped on every open/close so an attempt overtaken by a newer one (or by stop) is dropped. */
let generation = 0;
let retry: ReturnType<typeof setTimeout> | undefined;
let backoff = 1000;

async function refresh() {
  try {
    const [page, unread] = await Promise.all([notifications.listNotifications(0, 10), notifications.unreadCount()]);
    inbox.recent = page.items;
    inbox.unread = unread.count;
  } catch {
    /* shown as stale; the stream retries */
  }
}

function onReady(data: string) {
  backoff = 1000;
  inbox.connected = true;
  inbox.unread = JSON.parse(data).unread;
  refresh();
}

function onNotification(data: string) {
  const n = JSON.parse(data) as Notification;
  if (!inbox.recent.some((r) => r.id === n.id)) {
    inbox.recent = [n, ...inbox.recent].slice(0, 10);
    inbox.unread += 1;
  }
  inbox.version += 1;
}

/** The connection of `gen` ended (or never opened): close it and try again later with a fresh ticket. */
function lost(gen: number) {
  inbox.connected = false;
  if (gen !== generation) return;
  source?.close();
  source = null;
  if (!getToken() || users <= 0) return;
  clearTimeout(retry);
  retry = setTimeout(() => {
    if (gen === generation && users > 0) void open();
  }, backoff);
  backoff = Math.min(backoff * 2, 30_000);
}

/**
 * Connect with a fresh single-use ticket. EventSource's own reconnection would replay the spent
 * ticket, so it is not used: on error the source is closed and a new ticket fetched (with backoff).
 */
async function open() {
  if (!getToken() || source) return;
  const gen = ++generation;
  let url: string;
  try {
    url = await notifications.streamUrl();
  } catch {
    return lost(gen); // after a 401 the token is gone and lost() stops
  }
  if (gen !== generation || users <= 0 || source) return;
  const es = new EventSource(url);
  source = es;
  es.addEventListener('ready', (e) => onReady((e as MessageEvent).data));
  es.addEventListener('notification', (e) => onNotification((e as MessageEvent).data));
  es.onerror = () => lost(gen);
}

/** Start listening (reference-counted); returns the stop function. */
export function listen(): () => void {
  users += 1;
  void open();
  return () => {
    users -= 1;
    if (users <= 0) {
      generation += 1;
      clearTimeout(retry);
      source?.close();
      source = null;
      inbox.connected = false;
    }
  };
}

export async function markRead(id: string) {
  const { count } = await notifications.markRead(id);
  inbox.unread = count;
  inbox.recent = inbox.recent.map((n) => (n.id === id ? { ...n, read: true } : n));
}

export async function markAllRead() {
  const { count } = await notifications.markAllRead();
  inbox.unread = count;
  inbox.recent = inbox.recent.map((n) => ({ ...n, read: true }));
}

export async function removeNotification(id: string) {
  await notifications.deleteNotification(id);
  inbox.recent = inbox.recent.filter((n) => n.id !== id);
  const { count } = await notifications.unreadCount();
  inbox.unread = count;
}
