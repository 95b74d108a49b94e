// Tiny history-API router. The server answers every non-API path with
// index.html, so real paths (/tasks, /account) survive a reload.
import { writable, type Readable } from 'svelte/store';

export interface Route {
  /** Path without query or fragment, always starting with "/", no trailing slash (except "/"). */
  path: string;
  query: URLSearchParams;
  hash: string;
}

function normalize(path: string): string {
  if (path.length > 1 && path.endsWith('/')) path = path.replace(/\/+$/, '');
  return path || '/';
}

function current(): Route {
  const { pathname, search, hash } = window.location;
  return { path: normalize(pathname), query: new URLSearchParams(search), hash };
}

const store = writable<Route>(current());

/** The current route; updates on navigate() and browser back/forward. */
export const route: Readable<Route> = { subscribe: store.subscribe };

/** Navigate to an internal URL ("/tasks", "/login?next=/tasks"). */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const url = new URL(to, window.location.origin);
  if (url.origin !== window.location.origin) {
    window.location.assign(url.href);
    return;
  }
  const target = url.pathname + url.search + url.hash;
  const now = window.location.pathname + window.location.search + window.location.hash;
  if (target !== now) {
    if (opts.replace) history.replaceState(null, '', target);
    else history.pushState(null, '', target);
  }
  store.set(current());
  if (!opts.replace && !url.hash) window.scrollTo(0, 0);
}

/** Only accept same-origin absolute paths as post-login redirect targets. */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (next.startsWith('/login') || next.startsWith('/api/')) return fallback;
  return next;
}

function onClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest?.('a');
  if (!a || !(a instanceof HTMLAnchorElement)) return;
  if (a.target && a.target !== '_self') return;
  if (a.hasAttribute('download') || a.getAttribute('rel')?.includes('external')) return;
  const href = a.getAttribute('href');
  if (!href || href.startsWith('#') || a.dataset.native !== undefined) return;
  const url = new URL(a.href, window.location.href);
  if (url.origin !== window.location.origin) return;
  if (url.pathname.startsWith('/api/')) return; // real server resources (docs, downloads)
  e.preventDefault();
  navigate(url.pathname + url.search + url.hash);
}

let started = false;

/** Install the popstate and link-click listeners (idempotent). */
export function startRouter(): void {
  if (started) return;
  started = true;
  window.addEventListener('popstate', () => store.set(current()));
  document.addEventListener('click', onClick);
}
