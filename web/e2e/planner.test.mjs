// The planner: create a plan in the dialog, generate its items offline and watch them land in the
// calendar, drag one to another day (it stays there after a reload), then open it, draft it and
// follow the link to the content; make it a task.
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
  return r.status === 204 ? null : r.json();
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  token = (await api('POST', '/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).access_token;
  // The material the offline generators work from (indexed in the background: wait for it).
  const source = await api('POST', '/sources/import/paste', {
    title: 'Northwind launch notes',
    content:
      'Northwind Analytics launches its self-serve plan in January. Pricing starts at 49 euros a month for five seats. ' +
      'Beta customers cut their reporting time by 37 percent. The onboarding checklist has four steps and takes ten minutes. ' +
      'Our audience is finance teams at companies with 50 to 500 people who still build reports in spreadsheets.',
  });
  for (let i = 0; i < 100 && (await api('GET', `/sources/${source.id}`)).status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 200));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const iso = (d) => d.toISOString().slice(0, 10);
const addDays = (day, n) => iso(new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000));
const dayCell = (page, date) => page.locator(`[data-testid="calendar-day"][data-date="${date}"]`);
const chip = (page, id) => page.locator(`[data-testid="plan-item"][data-item-id="${id}"]`);

test('create a plan, generate items into the calendar, drag one, draft it and make it a task', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/planner');
    await byTestId(page, 'planner-empty').waitFor();

    // A two-week plan at the start of next month: every day of it is in one month view.
    const now = new Date();
    const start = iso(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)));
    const end = addDays(start, 13);
    await byTestId(page, 'new-plan').click();
    await byTestId(page, 'plan-title').fill('Northwind self-serve launch');
    await byTestId(page, 'plan-description').fill('Announce the self-serve plan to finance teams');
    await byTestId(page, 'plan-start').fill(start);
    await byTestId(page, 'plan-end').fill(end);
    await page.locator('[data-testid="plan-dialog"] input[data-platform="x"]').check();
    await byTestId(page, 'plan-cadence').selectOption('daily');
    await byTestId(page, 'plan-goals').fill('200 sign-ups in the first month');
    await byTestId(page, 'plan-save').click();
    await byTestId(page, 'plan-dialog').waitFor({ state: 'detached' });
    await byTestId(page, 'plan-summary').getByText('Every day').waitFor();
    assert.match(await byTestId(page, 'plan-picker').locator('option:checked').textContent(), /Northwind self-serve launch/);
    assert.ok(page.url().includes('?plan='), 'the plan is in the address');
    await dayCell(page, start).waitFor();

    // Generate items offline: they stream into the dialog and the calendar behind it.
    await byTestId(page, 'generate-items').click();
    await byTestId(page, 'generate-count').fill('5');
    await byTestId(page, 'generate-run').click();
    await page.locator('[data-testid="generate-stage"]', { hasText: 'done' }).waitFor({ timeout: 30_000 });
    const streamed = await byTestId(page, 'generated-items').locator('li').count();
    assert.ok(streamed >= 1, 'at least one item was generated');
    await byTestId(page, 'generate-close').click();
    await byTestId(page, 'generate-dialog').waitFor({ state: 'detached' });
    assert.equal(await byTestId(page, 'plan-item').count(), streamed, 'every streamed item is on the calendar');

    // Every item lies inside the plan, on one of its platforms.
    const items = await byTestId(page, 'plan-item').evaluateAll((els) =>
      els.map((el) => ({ id: el.dataset.itemId, date: el.closest('[data-date]').dataset.date })),
    );
    for (const it of items) assert.ok(it.date >= start && it.date <= end, `${it.date} is inside the plan`);

    // Drag the first item to a free day of the plan.
    const first = items[0];
    const taken = new Set(items.map((i) => i.date));
    let free = null;
    for (let d = start; d <= end && !free; d = addDays(d, 1)) if (!taken.has(d)) free = d;
    assert.ok(free, 'a free day to drop on');
    await dayCell(page, free).scrollIntoViewIfNeeded();
    await chip(page, first.id).scrollIntoViewIfNeeded();
    const from = await chip(page, first.id).boundingBox();
    const to = await dayCell(page, free).boundingBox();
    await page.mouse.move(from.x + 12, from.y + 6);
    await page.mouse.down();
    await page.mouse.move(from.x + 30, from.y + 20, { steps: 4 });
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
    await page.mouse.up();
    await dayCell(page, free).locator(`[data-item-id="${first.id}"]`).waitFor();
    await page.waitForLoadState('networkidle');
    await page.reload();
    await dayCell(page, free).locator(`[data-item-id="${first.id}"]`).waitFor();
    assert.equal(await dayCell(page, first.date).locator(`[data-item-id="${first.id}"]`).count(), 0);

    // Keyboard: pick it up with M, move it a day later with the arrow, drop it.
    await chip(page, first.id).focus();
    await page.keyboard.press('m');
    const next = free < end ? addDays(free, 1) : addDays(free, -1);
    await page.keyboard.press(free < end ? 'ArrowRight' : 'ArrowLeft');
    await dayCell(page, next).locator(`[data-item-id="${first.id}"]`).waitFor();
    await page.keyboard.press('m');
    await page.waitForLoadState('networkidle');

    // Open it, draft it: the draft streams in, then a link leads to the content.
    await chip(page, first.id).click();
    await byTestId(page, 'item-drawer').waitFor();
    await byTestId(page, 'draft-it').click();
    await byTestId(page, 'item-content-link').waitFor({ timeout: 30_000 });
    const draft = await byTestId(page, 'draft-text').textContent();
    assert.ok(draft.trim().length > 40, `a real draft streamed in: ${draft}`);
    await page.locator(`[data-testid="plan-item"][data-item-id="${first.id}"][data-status="drafted"]`).waitFor();

    // Make a task from it: the drawer links to the board.
    await byTestId(page, 'make-task').click();
    await byTestId(page, 'item-task-link').waitFor();

    const href = await byTestId(page, 'item-content-link').getAttribute('href');
    const contentId = href.split('/').pop();
    const content = await api('GET', `/content/${contentId}`);
    assert.equal(content.plan_item_id, first.id, 'the content is linked to the item');
    await byTestId(page, 'item-content-link').click();
    await page.waitForURL(`**/content/${contentId}`);
    // The content page opens the draft and says it belongs to a plan.
    await byTestId(page, 'editor-plan').waitFor();

    // Escape closes the drawer (back on the planner).
    await page.goBack();
    await chip(page, first.id).click();
    await byTestId(page, 'item-drawer').waitFor();
    await page.keyboard.press('Escape');
    await byTestId(page, 'item-drawer').waitFor({ state: 'detached' });
  });
});

test('an autonomous plan streams its plan, then its items, into the calendar', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/planner');
    await byTestId(page, 'autonomous-plan').click();
    await byTestId(page, 'auto-brief').fill('A week of posts for finance teams about the Northwind self-serve plan and its pricing');
    await byTestId(page, 'auto-days').fill('7');
    await byTestId(page, 'auto-run').click();
    await byTestId(page, 'auto-plan').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="auto-stage"]', { hasText: 'done' }).waitFor({ timeout: 30_000 });
    await byTestId(page, 'auto-close').click();
    await byTestId(page, 'plan-summary').waitFor();
    assert.ok((await byTestId(page, 'plan-item').count()) >= 1);
    // "All plans" shows the calendar across plans: at least this plan's items in the same view.
    const inPlan = await byTestId(page, 'plan-item').count();
    await byTestId(page, 'plan-picker').selectOption('');
    await page.waitForURL((u) => !u.search.includes('plan='));
    await page.waitForLoadState('networkidle');
    assert.ok((await byTestId(page, 'plan-item').count()) >= inPlan);
    // The week view shows items with their platform and status.
    await byTestId(page, 'view-week').click();
    await page.locator('[data-testid="calendar"][data-mode="week"]').waitFor();
    assert.equal(await byTestId(page, 'calendar-day').count(), 7);
  });
});

test('keyboard: move between days with the arrows and add an item on a day with Enter', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/planner');
    const option = byTestId(page, 'plan-picker').locator('option', { hasText: 'Northwind self-serve launch' });
    await byTestId(page, 'plan-picker').selectOption(await option.getAttribute('value'));
    await byTestId(page, 'plan-summary').waitFor();
    const now = new Date();
    const start = iso(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)));
    await dayCell(page, start).focus();
    await page.keyboard.press('ArrowDown');
    const day = addDays(start, 7);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.date), day);
    await page.keyboard.press('Enter');
    await byTestId(page, 'add-item-dialog').waitFor();
    await byTestId(page, 'new-item-title').fill('Customer story: the 37 percent');
    await byTestId(page, 'new-item-platform').selectOption('x');
    await byTestId(page, 'new-item-save').click();
    await byTestId(page, 'add-item-dialog').waitFor({ state: 'detached' });
    await dayCell(page, day).getByText('Customer story: the 37 percent').waitFor();
    await page.reload();
    await dayCell(page, day).getByText('Customer story: the 37 percent').waitFor();
  });
});
