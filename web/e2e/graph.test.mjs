// The knowledge graph: an empty studio explains how the graph fills up; with a pasted source and a
// content generated from it, find the content node, click it and see the source among its links;
// the influence table ranks the source.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { byTestId, launchBrowser, signIn, withPage } from './browser.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startServer } from './server.mjs';

let server;
let browser;
let token;

async function api(method, path, body) {
  const r = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${await r.clone().text()}`);
  return r;
}

/** POST a generation and read its SSE frames to the end: the last frame. */
async function generate(body) {
  const r = await api('POST', '/content/generate', body);
  const text = await r.text();
  const frames = text
    .split('\n')
    .filter((l) => l.startsWith('data:'))
    .map((l) => l.slice(5).trim())
    .filter((d) => d && d !== '[DONE]')
    .map((d) => JSON.parse(d));
  const err = frames.find((f) => f.error);
  assert.ok(!err, `generation failed: ${err?.error}`);
  return frames.find((f) => f.done);
}

/** Sources are indexed in the background; retrieval sees them once they are `ready`. */
async function ready(id) {
  for (let i = 0; i < 100; i++) {
    const s = await (await api('GET', `/sources/${id}`)).json();
    if (s.status === 'ready') return;
    assert.notEqual(s.status, 'failed', `source ${id} failed: ${s.error}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`source ${id} was not indexed in 20 s`);
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  token = (await (await api('POST', '/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).json()).access_token;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('an empty studio gets guidance instead of a blank canvas', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/graph');
    await byTestId(page, 'graph-empty').waitFor();
    assert.equal(await byTestId(page, 'stat-sources').locator('.n').textContent(), '0');
    await byTestId(page, 'influence-empty').waitFor();
  });
});

test('find the content generated from a source, click it and see the source among its links', async (t) => {
  const source = await (
    await api('POST', '/sources/import/paste', {
      title: 'Harbor Coffee roastery notes',
      content:
        'Harbor Coffee roasts 1,200 kilograms of beans a week in Rotterdam. The new cold brew line sold out in 9 days. ' +
        'Subscribers get a fresh bag every two weeks and 18 percent of them upgrade to the tasting box within three months.',
    })
  ).json();
  await ready(source.id);
  const done = await generate({
    platform: 'linkedin',
    title: 'Harbor cold brew story',
    brief: 'Tell the story of the Harbor Coffee cold brew line that sold out',
  });
  assert.ok(done?.content_id, 'the content was saved');
  const contentNode = `content:${done.content_id}`;
  const sourceNode = `source:${source.id}`;

  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/graph');
    await page.locator('[data-testid="graph-canvas"][data-ready="true"]').waitFor();
    assert.ok(Number(await byTestId(page, 'stat-sources').locator('.n').textContent()) >= 1);
    assert.ok(Number(await byTestId(page, 'stat-contents').locator('.n').textContent()) >= 1);

    // Find the content by its title.
    await byTestId(page, 'graph-search').fill('Harbor cold');
    await page.locator(`[data-testid="graph-match"][data-node-id="${contentNode}"]`).waitFor();
    await page.keyboard.press('Enter');
    const panel = page.locator(`[data-testid="node-panel"][data-node-id="${contentNode}"]`);
    await panel.waitFor();
    await panel.locator(`[data-testid="node-link"][data-node-id="${sourceNode}"]`).waitFor();

    // The search centred the node: close the panel and click it on the canvas.
    await page.keyboard.press('Escape');
    await byTestId(page, 'node-panel').waitFor({ state: 'detached' });
    // The centring animation has ended; the canvas kept the node in the middle as the panel closed.
    await page.locator('[data-testid="graph-canvas"][data-moving="false"]').waitFor();
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-testid="graph-canvas"]');
      return el && el.dataset.size === `${el.clientWidth}x${el.clientHeight}`;
    });
    const box = await byTestId(page, 'graph-canvas').boundingBox();
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await panel.waitFor();
    assert.equal(await panel.locator('[data-testid="node-label"]').textContent(), 'Harbor cold brew story');

    // Follow the link to the source: its panel lists the content.
    await panel.locator(`[data-testid="node-link"][data-node-id="${sourceNode}"]`).click();
    const sourcePanel = page.locator(`[data-testid="node-panel"][data-node-id="${sourceNode}"]`);
    await sourcePanel.waitFor();
    await sourcePanel.locator(`[data-testid="node-link"][data-node-id="${contentNode}"]`).waitFor();

    // Hiding sources removes the source from the search results.
    await page.locator('[data-testid="graph-types"] input[data-type="source"]').uncheck();
    await byTestId(page, 'graph-search').fill('Harbor Coffee roastery');
    await byTestId(page, 'graph-matches').getByText('No node matches').waitFor();
    await byTestId(page, 'graph-search').fill('');
    await page.locator('[data-testid="graph-types"] input[data-type="source"]').check();

    // The influence table ranks the source; choosing the content shows its inputs.
    const row = page.locator(`[data-testid="influence-row"][data-node-id="${sourceNode}"]`);
    await row.waitFor();
    assert.ok(Number(await row.locator('td').nth(2).textContent()) >= 1);
    await byTestId(page, 'influence-content').selectOption(contentNode);
    await byTestId(page, 'influence').getByText('What shaped “Harbor cold brew story”').waitFor();
    await page.locator(`[data-testid="influence-row"][data-node-id="${sourceNode}"]`).waitFor();
  });
});
