// Multimodal: plan a content's carousel offline, edit the plan, produce it and watch each
// slide arrive — three real PNG images render in the page; regenerate a slide with an edited
// prompt and see its versions; configure a provider and test it from the Multimodal page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { byTestId, launchBrowser, signIn, withPage } from './browser.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startServer } from './server.mjs';

let server;
let browser;
let token;
let contentId = '';

async function api(method, path, body) {
  const r = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${await r.clone().text()}`);
  return r.status === 204 ? null : r.headers.get('content-type')?.startsWith('text/event-stream') ? r.text() : r.json();
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  ({ access_token: token } = await api('POST', '/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }));
  const sse = await api('POST', '/content/generate', { platform: 'linkedin', brief: 'How the Lyon warehouse cut delivery times' });
  const done = sse.split('\n\n').map((f) => f.replace(/^data: /, '')).filter(Boolean).map((f) => JSON.parse(f)).find((f) => f.done);
  contentId = done.content_id;
  await api('PUT', `/content/${contentId}`, {
    draft_content:
      '# Faster deliveries from Lyon\n\n## The problem\nOrders waited two days in the queue before picking started.\n\n' +
      '## What changed\nPicking moved to waves every ninety minutes.\n\n## The result\nNine orders in ten now leave the same day.',
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('plan and produce a carousel offline: three real images render, then a slide is regenerated with a new prompt', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, `/content/${contentId}`);
    await byTestId(page, 'tab-visuals').click();
    await byTestId(page, 'assets-empty').waitFor();
    await byTestId(page, 'plan-kind-carousel_slide').check();
    await byTestId(page, 'plan-count').fill('3');
    await byTestId(page, 'plan-visuals').click();
    await byTestId(page, 'plan-rows').waitFor();
    const rows = byTestId(page, 'plan-row');
    assert.equal(await rows.count(), 3);
    assert.equal(await byTestId(page, 'row-kind').first().inputValue(), 'carousel_slide');
    assert.match(await byTestId(page, 'row-prompt').nth(0).inputValue(), /The problem/);
    await byTestId(page, 'row-prompt').nth(2).fill('Carousel slide: the result, nine in ten the same day');

    await byTestId(page, 'produce').click();
    await page.locator('[data-testid="run-progress"][data-done="true"]').waitFor({ timeout: 60_000 });
    assert.equal(await page.locator('[data-testid="run-asset"][data-state="done"]').count(), 3);
    assert.match(await byTestId(page, 'run-summary').textContent(), /3 produced/);

    await page.locator('[data-testid="gallery"] [data-testid="asset"][data-state="done"]').nth(2).waitFor();
    const images = byTestId(page, 'asset-image');
    assert.equal(await images.count(), 3);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="asset-image"]')].every((i) => i.complete && i.naturalWidth > 0));
    const sizes = await images.evaluateAll((els) => els.map((i) => [i.naturalWidth, i.naturalHeight]));
    assert.deepEqual(sizes, [[1080, 1080], [1080, 1080], [1080, 1080]], 'real 1:1 PNG slides for LinkedIn');

    await images.first().click();
    await byTestId(page, 'asset-detail').waitFor();
    await byTestId(page, 'regen-prompt').fill('The problem, told again');
    await byTestId(page, 'regenerate').click();
    await page.locator('[data-testid="asset-versions"] li').nth(1).waitFor();
    assert.equal(await page.locator('[data-testid="asset-versions"] li').count(), 2);
    assert.match(await page.locator('[data-testid="asset-versions"] li').first().textContent(), /v2 \(current\)/);
  });
});

test('add an OpenAI-compatible provider on the Multimodal page and test it: the failure names it', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, `/multimodal?content=${contentId}`);
    await page.locator('[data-testid="gallery"] [data-testid="asset"]').first().waitFor();
    await byTestId(page, 'provider-add').click();
    await byTestId(page, 'provider-type').selectOption('openai_compatible_images');
    await byTestId(page, 'provider-name').fill('Studio SD');
    await byTestId(page, 'provider-base-url').fill(`${server.url}/api/v1/not-an-images-api`);
    await byTestId(page, 'provider-model').fill('sdxl');
    await byTestId(page, 'provider-save').click();
    await byTestId(page, 'provider').first().waitFor();
    assert.match(await byTestId(page, 'provider').first().textContent(), /Studio SD/);
    await byTestId(page, 'provider-test').first().click();
    const result = byTestId(page, 'provider-test-result');
    await result.waitFor();
    assert.match(await result.textContent(), /✗ Studio SD \(openai_compatible_images\): HTTP 40\d/);
  });
});
