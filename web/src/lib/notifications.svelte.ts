// Live notifications shared by the bell and the notifications page: one EventSource per tab.
import { API_BASE, getToken } from './api';
import { delivery, type Notification } from './delivery';

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

async function refresh() {
  try {
    const page = await delivery.notifications.list(0, 10);
    inbox.recent = page.items;
    inbox.unread = page.unread;
  } catch {
    /* shown as stale; the stream retries */
  }
}

function open() {
  const token = getToken();
  if (!token || source) return;
  source = new EventSource(`${API_BASE}/notifications/stream?access_token=${encodeURIComponent(token)}`);
  source.addEventListener('ready', (e) => {
    inbox.connected = true;
    inbox.unread = JSON.parse((e as MessageEvent).data).unread;
    refresh();
  });
  source.addEventListener('notification', (e) => {
    const n = JSON.parse((e as MessageEvent).data) as Notification;
    if (!inbox.recent.some((r) => r.id === n.id)) {
      inbox.recent = [n, ...inbox.recent].slice(0, 10);
      inbox.unread += 1;
    }
    inbox.version += 1;
  });
  source.onerror = () => {
    inbox.connected = false;
  };
}

/** Start listening (reference-counted); returns the stop function. */
export function listen(): () => void {
  users += 1;
  open();
  return () => {
    users -= 1;
    if (users <= 0 && source) {
      source.close();
      source = null;
      inbox.connected = false;
    }
  };
}

export async function markRead(id: string) {
  const { count } = await delivery.notifications.read(id);
  inbox.unread = count;
  inbox.recent = inbox.recent.map((n) => (n.id === id ? { ...n, read: true } : n));
}

export async function markAllRead() {
  const { count } = await delivery.notifications.readAll();
  inbox.unread = count;
  inbox.recent = inbox.recent.map((n) => ({ ...n, read: true }));
}

export async function removeNotification(id: string) {
  await delivery.notifications.remove(id);
  inbox.recent = inbox.recent.filter((n) => n.id !== id);
  const { count } = await delivery.notifications.unreadCount();
  inbox.unread = count;
}
