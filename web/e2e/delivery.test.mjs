// Delivery journeys: build an automation, see its notification arrive live in the bell (no
// reload); create a webhook, see the secret once, send a test and read the delivery log; edit a
// webhook's header and an automation's secret, which come back masked, and keep them.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { byTestId, launchBrowser, signIn, withPage } from './browser.mjs';
import { startServer } from './server.mjs';

let server;
let browser;
let receiver;
const received = [];

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ url: req.url, headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
});

after(async () => {
  await browser?.close();
  await server?.stop();
  receiver?.close();
});



/** Call the API with the page's token (as the SPA would). */
function api(page, method, path, body) {
  return page.evaluate(
    async ([method, path, body]) => {
      const r = await fetch(`/api/v1${path}`, {
        method,
        headers: { Authorization: `Bearer ${localStorage.getItem('nm_token')}`, 'Content-Type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: r.status, json: await r.json().catch(() => null) };
    },
    [method, path, body],
  );
}

test('an automation built in the UI notifies live: create a task, the bell updates without a reload', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/automations');
    await byTestId(page, 'notification-bell').waitFor();
    assert.equal(await byTestId(page, 'notification-count').count(), 0);

    await byTestId(page, 'new-automation').click();
    await byTestId(page, 'automation-name').fill('New task alert');
    await byTestId(page, 'automation-trigger').selectOption('task.created');
    await byTestId(page, 'automation-action').selectOption('notify');
    await byTestId(page, 'config-message').fill('New task: {{task.title}} ({{priority}})');
    await byTestId(page, 'save-automation').click();
    await byTestId(page, 'automation-list').getByText('New task alert').waitFor();

    // The test button runs the action now with the trigger's example payload.
    await byTestId(page, 'test-automation').click();
    await byTestId(page, 'run-history').getByText('succeeded').first().waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="notification-count"]')?.textContent === '1');

    // A real task created on the board (client-side navigation: no reload) goes through the
    // outbox, the fan-out and the run job, and its notification is pushed over SSE.
    const marker = await page.evaluate(() => (window.__noReload = 'still here'));
    await byTestId(page, 'nav-tasks').click();
    await byTestId(page, 'new-task-title').fill('Write the launch post');
    await byTestId(page, 'new-task-submit').click();
    await byTestId(page, 'task-card').getByText('Write the launch post').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="notification-count"]')?.textContent === '2', null, { timeout: 15_000 });
    assert.equal(await page.evaluate(() => window.__noReload), marker, 'the page was not reloaded');
    await byTestId(page, 'notification-bell').click();
    await page.getByText('New task: Write the launch post (medium)').waitFor();
    await page.snap('delivery-bell');
  });
});

test('webhooks: secret shown once, test delivery signed, log shows the 200', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/webhooks');
    assert.equal((await api(page, 'PUT', '/settings/', { allow_private_network: true })).status, 200);
    const url = `http://127.0.0.1:${receiver.address().port}/hook`;
    await byTestId(page, 'new-webhook').click();
    await byTestId(page, 'webhook-url').fill(url);
    await byTestId(page, 'event-task.created').check();
    await byTestId(page, 'event-settings.updated').check();
    await byTestId(page, 'create-webhook').click();
    const reveal = byTestId(page, 'secret-reveal');
    await reveal.waitFor();
    assert.match(await reveal.textContent(), /whsec_[A-Za-z0-9+/=]{40,}/);

    await byTestId(page, 'test-webhook').click();
    await byTestId(page, 'delivery-log').getByText('200').first().waitFor();
    const hit = received.find((x) => x.body.includes('webhook.test'));
    assert.ok(hit, 'the receiver got the test');
    assert.match(hit.headers['webhook-signature'], /^v1,/);
    assert.ok(hit.headers['webhook-id'].startsWith('msg_'));
    await page.snap('delivery-webhooks');
  });
});

/** Verify a Standard Webhooks signature as a receiver would. */
function verified(secret, h, body) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const sig = createHmac('sha256', key).update(`${h['webhook-id']}.${h['webhook-timestamp']}.${body}`).digest('base64');
  return (h['webhook-signature'] ?? '').split(' ').includes(`v1,${sig}`);
}

/** Wait until the receiver has `n` requests on `path` (they land just after the UI shows the answer). */
async function receivedOn(path, n) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const hits = received.filter((x) => x.url === path);
    if (hits.length >= n) return hits;
    assert.ok(Date.now() < deadline, `only ${hits.length} of ${n} requests reached ${path}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('masked secrets: a webhook header and an automation secret stay hidden and are kept by an edit', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/webhooks');
    assert.equal((await api(page, 'PUT', '/settings/', { allow_private_network: true })).status, 200);
    const base = `http://127.0.0.1:${receiver.address().port}`;
    const token = 'Bearer e2e-header-token-9876';

    await byTestId(page, 'new-webhook').click();
    await byTestId(page, 'webhook-url').fill(`${base}/hook-headers`);
    await byTestId(page, 'event-task.created').check();
    await page.getByPlaceholder('X-Tenant: acme').fill(`Authorization: ${token}`);
    await byTestId(page, 'create-webhook').click();
    await byTestId(page, 'secret-reveal').waitFor();
    // The new endpoint is selected: its header shows as set, masked, never in full.
    const value = byTestId(page, 'webhook-headers').locator('[data-testid="header-value"][data-set="true"]');
    await value.waitFor();
    assert.equal(await value.inputValue(), '');
    assert.match(await value.getAttribute('placeholder'), /•••• set \(Bea…9876\)/);
    assert.ok(!(await page.content()).includes('e2e-header-token'), 'the page shows the token');

    // Saving without typing keeps the stored value: the test delivery still carries it.
    await byTestId(page, 'headers-save').click();
    await byTestId(page, 'headers-saved').waitFor();
    const row = page.locator('li', { hasText: '/hook-headers' });
    await row.locator('[data-testid="test-webhook"]').click();
    await row.getByText('HTTP 200').waitFor();
    const [hit] = await receivedOn('/hook-headers', 1);
    assert.equal(hit.headers.authorization, token);

    // An automation's signing secret: masked on edit, kept by saving, still signs.
    const secret = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
    await page.goto('/automations');
    await byTestId(page, 'new-automation').click();
    await byTestId(page, 'automation-name').fill('Signed forward');
    await byTestId(page, 'automation-trigger').selectOption('settings.updated');
    await byTestId(page, 'automation-action').selectOption('send_webhook');
    await byTestId(page, 'config-url').fill(`${base}/hook-automation`);
    await byTestId(page, 'config-secret').fill(secret);
    await byTestId(page, 'save-automation').click();
    const item = byTestId(page, 'automation-list').locator('li', { hasText: 'Signed forward' });
    await item.waitFor();
    await item.getByRole('button', { name: 'Edit' }).click();
    const field = page.locator('[data-testid="config-secret"][data-set="true"]');
    await field.waitFor();
    assert.equal(await field.inputValue(), '');
    assert.match(await field.getAttribute('placeholder'), /•••• set \(whsec_…b7oD\)/);
    assert.ok(!(await page.content()).includes('C2FVsBQIhrsc'), 'the page shows the secret');
    await byTestId(page, 'automation-name').fill('Signed forward, edited');
    await byTestId(page, 'save-automation').click();
    await byTestId(page, 'automation-list').getByText('Signed forward, edited').waitFor();
    await byTestId(page, 'test-automation').click();
    await byTestId(page, 'run-history').getByText('succeeded').first().waitFor();
    const [sent] = await receivedOn('/hook-automation', 1);
    assert.ok(verified(secret, sent.headers, sent.body), 'signed with the kept secret');
    await page.snap('delivery-masked-secrets');
  });
});
