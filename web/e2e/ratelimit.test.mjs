// 429 on login: the UI shows the server's detail and counts down Retry-After.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, withPage } from './browser.mjs';
import { startServer } from './server.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ env: { NEUROMANCER_LOGIN_RATE: '2' } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('too many login attempts shows the retry delay', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await page.goto('/login');
    const err = page.locator('[data-testid="login-error"]');
    const submit = page.locator('[data-testid="login-submit"]');
    let locked = false;
    for (let i = 0; i < 6 && !locked; i++) {
      await page.locator('[data-testid="login-email"]').fill(`nobody${i}@example.com`);
      await page.locator('[data-testid="login-password"]').fill('wrong-password');
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
      await submit.click();
      const res = await answered;
      await err.waitFor();
      if (res.status() === 429) await page.waitForFunction(() => /try again in/i.test(document.querySelector('[data-testid="login-error"]')?.textContent ?? ''));
      locked = /try again in \d+ second/i.test(await err.textContent());
    }
    assert.ok(locked, `expected a rate-limit message, got: ${await err.textContent()}`);
    assert.match(await err.textContent(), /too many/i);
    assert.ok(await submit.isDisabled(), 'submit disabled while locked');
    assert.match(await submit.textContent(), /Locked for \d+s/);
  });
});
