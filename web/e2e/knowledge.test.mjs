// Knowledge: paste a source, watch it become ready, find it by searching; memory timeline.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { byTestId, launchBrowser, signIn, withPage } from './browser.mjs';
import { startServer } from './server.mjs';

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



test('paste a source, see it become ready, then find it by searching', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/sources');
    await byTestId(page, 'sources-empty').waitFor();
    await byTestId(page, 'import-open').click();
    await byTestId(page, 'import-kind-paste').click();
    await byTestId(page, 'paste-title').fill('Lighthouse keeping');
    await byTestId(page, 'paste-content').fill(
      '# Lighthouses\n\nKeepers trimmed the wicks every night so ships could see the coast.\n\n## Fog signals\n\nFoghorns sounded when the beam could not pierce the mist.',
    );
    await byTestId(page, 'import-submit').click();
    // The detail opens and its badge moves from pending to ready on its own.
    await page.locator('[data-testid="source-detail"] [data-testid="status-badge"][data-status="ready"]').waitFor({ timeout: 20_000 });
    assert.match(await byTestId(page, 'source-detail').textContent(), /Foghorns sounded/);
    await page.locator('[data-testid="source-row"] [data-status="ready"]').waitFor();

    await byTestId(page, 'source-search').fill('foghorns mist');
    await byTestId(page, 'search-hit').first().waitFor();
    const hit = byTestId(page, 'search-hit').first();
    assert.match(await hit.textContent(), /Lighthouse keeping/);
    assert.equal(await hit.locator('mark').first().textContent(), 'Foghorns');

    await byTestId(page, 'source-search').fill('zebra quantum spreadsheet');
    await byTestId(page, 'search-empty').waitFor();
  });
});

test('memory entries appear on the timeline', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/memory');
    await byTestId(page, 'memory-content').fill('Decided to publish on Tuesdays.');
    await page.keyboard.press('Enter');
    await byTestId(page, 'memory-entry').first().waitFor();
    assert.match(await byTestId(page, 'memory-entry').first().textContent(), /publish on Tuesdays/);
  });
});
