// Account page: change password (errors and success) and turning two-factor off again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, withPage } from './browser.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startServer } from './server.mjs';
import { totp } from './totp.mjs';

let server;
let browser;
const NEW_PASSWORD = 'Another-Str0ng-Passphrase-42!';

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`);

async function login(page, password) {
  await page.goto('/account');
  await byTestId(page, 'login-email').fill(ADMIN_EMAIL);
  await byTestId(page, 'login-password').fill(password);
  await byTestId(page, 'login-submit').click();
  await byTestId(page, 'account-email').waitFor();
}

test('change password: wrong current password, then success with a fresh token', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await login(page, ADMIN_PASSWORD);
    const oldToken = await page.evaluate(() => localStorage.getItem('nm_token'));

    await byTestId(page, 'current-password').fill('not-my-password');
    await byTestId(page, 'new-password').fill(NEW_PASSWORD);
    await byTestId(page, 'confirm-password').fill(NEW_PASSWORD);
    await byTestId(page, 'password-submit').click();
    await byTestId(page, 'password-error').waitFor();
    assert.match(await byTestId(page, 'password-error').textContent(), /current password is incorrect/);

    await byTestId(page, 'current-password').fill(ADMIN_PASSWORD);
    await byTestId(page, 'password-submit').click();
    await byTestId(page, 'password-ok').waitFor();
    const newToken = await page.evaluate(() => localStorage.getItem('nm_token'));
    assert.ok(newToken && newToken !== oldToken, 'the new token replaced the old one');

    // Still signed in with the new token: a reload keeps us on the page.
    await page.reload();
    await byTestId(page, 'account-email').waitFor();
    assert.equal(new URL(page.url()).pathname, '/account');

    await byTestId(page, 'logout').click();
    await page.waitForURL((u) => u.pathname === '/login');
    await login(page, NEW_PASSWORD);
  });
});

test('enable then disable two-factor', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await login(page, NEW_PASSWORD);
    await byTestId(page, 'mfa-enable').click();
    const secret = (await byTestId(page, 'mfa-secret').textContent()).trim();
    const wrong = totp(secret).replace(/\d/g, (d) => String((Number(d) + 1) % 10));
    await byTestId(page, 'mfa-code').fill(wrong);
    await byTestId(page, 'mfa-verify').click();
    await byTestId(page, 'mfa-error').waitFor(); // a wrong code is refused
    await byTestId(page, 'mfa-code').fill(totp(secret));
    await byTestId(page, 'mfa-verify').click();
    await page.locator('[data-testid="mfa-status"][data-enabled="true"]').waitFor();
    assert.match(await byTestId(page, 'backup-remaining').textContent(), /10 backup codes remaining/);

    await byTestId(page, 'mfa-disable-code').fill(totp(secret, 1));
    await byTestId(page, 'mfa-disable-password').fill(NEW_PASSWORD);
    await byTestId(page, 'mfa-disable').click();
    await page.locator('[data-testid="mfa-status"][data-enabled="false"]').waitFor();
    await byTestId(page, 'mfa-enable').waitFor();
  });
});
