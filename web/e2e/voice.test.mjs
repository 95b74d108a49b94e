// The voice: learn a writing style from two pasted posts offline and see the profile; switch a
// skill on and watch the active instructions change; simulate a persona.
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

test('learn the writing style of two pasted posts offline and see the profile', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/learnings');
    await byTestId(page, 'learnings-empty').waitFor();
    await byTestId(page, 'learn-posts').fill(
      'Why do most launches flop?\n\nI shipped too early. I skipped the interviews.\n\n#growth #startups\n---\nI rewrote my onboarding last week. My activation rate doubled. #growth',
    );
    await byTestId(page, 'learn-style').click();
    await page.locator('[data-testid="learn-stage"]', { hasText: 'done' }).waitFor({ timeout: 20_000 });
    const card = page.locator('[data-testid="learning-card"][data-type="writing_style"]');
    await card.waitFor();
    await byTestId(page, 'style-profile').waitFor();
    assert.equal(await byTestId(page, 'style-pov').textContent(), 'First person (I)');
    assert.match(await byTestId(page, 'style-hashtags').textContent(), /^#growth/);
    assert.ok((await byTestId(page, 'style-bar').count()) >= 5);
    assert.match(await card.locator('[data-testid="learning-confidence"]').textContent(), /\d+%/);
  });
});

test('switching a skill on changes the active instructions', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/skills');
    await byTestId(page, 'active-instructions-empty').waitFor();
    const row = page.locator('[data-testid="skill-row"][data-name="Scroll-stopping hooks"]');
    await row.locator('[data-testid="skill-toggle"]').check();
    await byTestId(page, 'active-instructions').waitFor();
    assert.match(await byTestId(page, 'active-instructions').textContent(), /Write the first line last/);
    assert.equal(await byTestId(page, 'active-count').textContent(), '1');
    await row.locator('[data-testid="skill-toggle"]').uncheck();
    await byTestId(page, 'active-instructions-empty').waitFor();
  });
});

test('simulate how a persona takes a draft', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/personas');
    await page.locator('[data-testid="persona-card"][data-name="Senior software engineer"]').click();
    await byTestId(page, 'simulate-content').fill(
      'How we made our Rust service 3x faster: database indexes, performance profiling and fewer flaky tests. Benchmarks inside.',
    );
    await byTestId(page, 'simulate-run').click();
    await byTestId(page, 'simulate-result').waitFor();
    const score = Number(await byTestId(page, 'simulate-score').textContent());
    assert.ok(score >= 40 && score <= 100, `score ${score}`);
    assert.match(await byTestId(page, 'simulate-strengths').textContent(), /performance|databases|rust/i);
    assert.ok((await byTestId(page, 'simulate-suggestions').locator('li').count()) >= 1);
  });
});
