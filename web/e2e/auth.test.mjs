// Browser journeys against the real server: login, deep links, MFA enrollment and MFA login.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, withPage } from './browser.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startServer } from './server.mjs';
import { totp } from './totp.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`);

async function fillLogin(page, email, password) {
  await byTestId(page, 'login-email').fill(email);
  await byTestId(page, 'login-password').fill(password);
  await byTestId(page, 'login-submit').click();
}

async function text(locator) {
  await locator.waitFor();
  return (await locator.textContent()).trim();
}

const pathOf = (page) => new URL(page.url()).pathname;

// The tests below run in order against one server; the MFA journey is last
// because it leaves two-factor enabled for the admin.

test('wrong password shows the server error', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await page.goto('/login');
    await fillLogin(page, ADMIN_EMAIL, 'definitely-not-the-password');
    const msg = await text(byTestId(page, 'login-error'));
    assert.match(msg, /invalid email or password/i);
    assert.equal(pathOf(page), '/login');
    assert.equal(await page.evaluate(() => localStorage.getItem('nm_token')), null);
  });
});

test('a stale token sends you to login and back to the page afterwards', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await page.goto('/login');
    await page.evaluate(() => localStorage.setItem('nm_token', 'not-a-valid-jwt'));
    await page.goto('/account');
    await byTestId(page, 'login-email').waitFor();
    assert.equal(pathOf(page), '/login');
    assert.equal(new URL(page.url()).searchParams.get('next'), '/account');
    assert.equal(await page.evaluate(() => localStorage.getItem('nm_token')), null);
    await fillLogin(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    assert.equal(await text(byTestId(page, 'account-email')), ADMIN_EMAIL);
    assert.equal(pathOf(page), '/account');
  });
});

test('deep link to /tasks survives login and reload (history fallback)', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await page.goto('/tasks');
    await byTestId(page, 'login-email').waitFor();
    assert.equal(pathOf(page), '/login');
    await fillLogin(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.waitForURL((u) => u.pathname === '/tasks');
    assert.equal(await text(byTestId(page, 'page-title')), 'Tasks');
    assert.equal(await byTestId(page, 'nav-tasks').getAttribute('aria-current'), 'page');
    assert.equal(await text(byTestId(page, 'user-email')), ADMIN_EMAIL);

    // A full reload of the deep link is answered with index.html by the server.
    const res = await page.reload();
    assert.equal(res.status(), 200);
    assert.equal(pathOf(page), '/tasks');
    assert.equal(await text(byTestId(page, 'page-title')), 'Tasks');

    // Health indicator in the sidebar.
    await page.locator('[data-testid="health"][data-state="ok"]').waitFor();

    // Sidebar link navigation is client-side (no reload) and updates the URL.
    await page.evaluate(() => (window.__marker = 1));
    await byTestId(page, 'nav-sources').click();
    await page.waitForURL((u) => u.pathname === '/sources');
    assert.equal(await text(byTestId(page, 'page-title')), 'Sources');
    assert.equal(await page.evaluate(() => window.__marker), 1, 'navigation must not reload the page');

    // Back button.
    await page.goBack();
    await page.waitForURL((u) => u.pathname === '/tasks');
    assert.equal(await text(byTestId(page, 'page-title')), 'Tasks');

    // Quick "go to page" palette: "/" opens it, typing filters, Enter navigates.
    await page.keyboard.press('/');
    await byTestId(page, 'palette-input').fill('knowl');
    await byTestId(page, 'palette-item-graph').waitFor();
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/graph');
    assert.equal(await text(byTestId(page, 'page-title')), 'Knowledge graph');

    // Ctrl+K too.
    await page.keyboard.press('Control+k');
    await byTestId(page, 'palette-input').fill('account');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/account');
    assert.equal(await text(byTestId(page, 'account-email')), ADMIN_EMAIL);
  });
});

test('admin settings page renders the server settings', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await page.goto('/settings');
    await fillLogin(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.waitForURL((u) => u.pathname === '/settings');
    await byTestId(page, 'settings-form').waitFor();
    assert.equal(await page.locator('.alert-error').count(), 0);

    // A bad value is refused by the server (422) and its detail is shown.
    const url = byTestId(page, 'setting-frontend_url');
    await url.fill('not a url');
    await byTestId(page, 'settings-save').click();
    assert.match(await text(byTestId(page, 'settings-error')), /frontend_url/);

    // A good value and a secret are saved; the secret comes back masked.
    await url.fill('https://studio.example.com');
    const secret = byTestId(page, 'setting-supabase_jwt_secret');
    assert.equal(await secret.getAttribute('type'), 'password');
    await secret.fill('super-secret-jwt-signing-key-1234');
    await byTestId(page, 'settings-save').click();
    assert.match(await text(byTestId(page, 'settings-saved')), /Saved 2 settings/);
    assert.equal(await url.inputValue(), 'https://studio.example.com');
    assert.equal(await secret.inputValue(), '');
    assert.match(await secret.getAttribute('placeholder'), /sup…1234/);

    // Survives a reload.
    await page.reload();
    assert.equal(await byTestId(page, 'setting-frontend_url').inputValue(), 'https://studio.example.com');
  });
});

test('enable MFA, log out, log in again with a TOTP code', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await page.goto('/login');
    await fillLogin(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.waitForURL((u) => u.pathname === '/chat');
    await byTestId(page, 'app-shell').waitFor();
    assert.equal(await text(byTestId(page, 'user-email')), ADMIN_EMAIL);

    await byTestId(page, 'nav-account').click();
    await page.waitForURL((u) => u.pathname === '/account');
    assert.equal(await text(byTestId(page, 'account-email')), ADMIN_EMAIL);
    await page.locator('[data-testid="mfa-status"][data-enabled="false"]').waitFor();

    await byTestId(page, 'mfa-enable').click();
    const secret = await text(byTestId(page, 'mfa-secret'));
    assert.match(secret, /^[A-Z2-7]+=*$/i, 'secret is base32');
    assert.equal(await byTestId(page, 'backup-codes').locator('li').count(), 10);
    assert.equal(await page.locator('[data-testid="mfa-qr"] svg').count(), 1, 'QR code rendered');

    await byTestId(page, 'mfa-code').fill(totp(secret));
    await byTestId(page, 'mfa-verify').click();
    await page.locator('[data-testid="mfa-status"][data-enabled="true"]').waitFor();
    assert.equal(await text(byTestId(page, 'mfa-status')), 'Enabled');

    await byTestId(page, 'logout').click();
    await page.waitForURL((u) => u.pathname === '/login');
    assert.equal(await page.evaluate(() => localStorage.getItem('nm_token')), null);

    await fillLogin(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await byTestId(page, 'login-totp').waitFor();
    // The step used at enrollment may not be replayed; the server accepts ±1 step.
    await byTestId(page, 'login-totp').fill(totp(secret, 1));
    await byTestId(page, 'login-totp-submit').click();
    await page.waitForURL((u) => u.pathname === '/chat');
    assert.equal(await text(byTestId(page, 'user-email')), ADMIN_EMAIL);
    assert.ok(await page.evaluate(() => localStorage.getItem('nm_token')));
  });
});
