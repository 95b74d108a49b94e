// "Continue with Supabase": the login buttons and the implicit-flow token exchange.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { launchBrowser, withPage } from './browser.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startServer } from './server.mjs';

const SUPABASE_URL = 'https://proj.supabase.invalid';
const JWT_SECRET = 'e2e-supabase-jwt-secret-0123456789abcdef';

let server;
let browser;

const b64url = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** An HS256 access token shaped like Supabase's. */
function supabaseToken(claims, secret = JWT_SECRET) {
  const head = b64url({ alg: 'HS256', typ: 'JWT' });
  const body = b64url({
    iss: `${SUPABASE_URL}/auth/v1`,
    aud: 'authenticated',
    role: 'authenticated',
    exp: Math.floor(Date.now() / 1000) + 600,
    ...claims,
  });
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

async function api(path, init = {}, token) {
  const res = await fetch(server.url + '/api/v1' + path, {
    ...init,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  });
  const body = await res.json();
  assert.ok(res.ok, `${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const { access_token } = await api('/auth/login', { method: 'POST', body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }) });
  await api('/settings/', { method: 'PUT', body: JSON.stringify({ supabase_url: SUPABASE_URL, supabase_jwt_secret: JWT_SECRET }) }, access_token);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`);

test('login offers Supabase GitHub and Google buttons', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await page.goto('/login');
    const redirect = encodeURIComponent(`${server.url}/login`);
    const gh = byTestId(page, 'supabase-github');
    await gh.waitFor();
    assert.equal(await gh.getAttribute('href'), `${SUPABASE_URL}/auth/v1/authorize?provider=github&redirect_to=${redirect}`);
    assert.equal(
      await byTestId(page, 'supabase-google').getAttribute('href'),
      `${SUPABASE_URL}/auth/v1/authorize?provider=google&redirect_to=${redirect}`,
    );
  });
});

test('a Supabase redirect with #access_token signs the user in', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    const token = supabaseToken({ sub: 'sb-user-1', email: 'writer@example.com', user_metadata: { full_name: 'Wri Ter' } });
    await page.goto(`/login#access_token=${token}&token_type=bearer&expires_in=600&refresh_token=abc`);
    await page.waitForURL((u) => u.pathname === '/chat');
    const email = byTestId(page, 'user-email');
    await email.waitFor();
    assert.equal((await email.textContent()).trim(), 'writer@example.com');
    assert.ok(!page.url().includes('access_token'), 'token removed from the address bar');
    assert.ok(await page.evaluate(() => localStorage.getItem('nm_token')));
    // Not an admin: no Settings in the sidebar, and the page says so.
    assert.equal(await byTestId(page, 'nav-settings').count(), 0);
    await page.goto('/settings');
    await byTestId(page, 'settings-forbidden').waitFor();
  });
});

test('a bad Supabase token shows the server error on the login page', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    const token = supabaseToken({ sub: 'sb-user-2', email: 'x@example.com' }, 'the-wrong-secret-the-wrong-secret');
    await page.goto(`/login#access_token=${token}`);
    const err = byTestId(page, 'login-error');
    await err.waitFor();
    assert.match(await err.textContent(), /invalid Supabase token/i);
    assert.equal(new URL(page.url()).pathname, '/login');
    assert.ok(!page.url().includes('access_token'));
  });
});
