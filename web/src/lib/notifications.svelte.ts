// Live notifications shared by the bell and the notifications page: one EventSource per tab,
// opened with a single-use stream ticket (never the login token in a URL).
import { ApiError, getToken } from './api/client';
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

/** The open connection: an EventSource (ticket) or a fetch stream (header); null when closed. */
let conn: { close: () => void } | null = null;
let users = 0;
/** Bumped on every open/close so an attempt overtaken by a newer one (or by stop) is dropped. */
let generation = 0;
let retry: ReturnType<typeof setTimeout> | undefined;
let backoff = 1000;
/** Set once the server answered the ticket route with 404/405 (an older server): use the header. */
let noTickets = false;

async function refresh() {
  try {
    const page = await notifications.listNotifications(0, 10);
    inbox.recent = page.items;
    inbox.unread = page.unread;
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

/** The connection of `gen` ended: close it and try again later with a fresh ticket. */
function lost(gen: number) {
  inbox.connected = false;
  if (gen !== generation) return;
  conn?.close();
  conn = null;
  if (!getToken() || users <= 0) return;
  clearTimeout(retry);
  retry = setTimeout(() => {
    if (gen === generation && users > 0) void open();
  }, backoff);
  backoff = Math.min(backoff * 2, 30_000);
}

/**
 * Connect. Tickets work once, so EventSource's own reconnection (which would replay the spent
 * ticket) is not used: on error the source is closed and a new ticket fetched.
 */
async function open() {
  if (!getToken() || conn) return;
  const gen = ++generation;
  if (!noTickets) {
    let url: string;
    try {
      url = await notifications.streamUrl();
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 405)) noTickets = true;
      else return lost(gen); // a 401 has already signed out
    }
    if (!noTickets) {
      if (gen !== generation || users <= 0 || conn) return;
      const es = new EventSource(url!);
      conn = es;
      es.addEventListener('ready', (e) => onReady((e as MessageEvent).data));
      es.addEventListener('notification', (e) => onNotification((e as MessageEvent).data));
      es.onerror = () => lost(gen);
      return;
    }
  }
  if (gen !== generation || users <= 0 || conn) return;
  const ctl = new AbortController();
  conn = { close: () => ctl.abort() };
  (async () => {
    try {
      for await (const m of notifications.headerStream(ctl.signal)) {
        if (m.event === 'ready') onReady(m.data);
        else if (m.event === 'notification') onNotification(m.data);
      }
    } catch {
      /* closed, aborted or refused */
    }
    if (!ctl.signal.aborted) lost(gen);
  })();
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
      conn?.close();
      conn = null;
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
