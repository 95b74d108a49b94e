// Work management: create a card, drag it to another column (pointer), reload, it stays; move one
// with the keyboard; open the drawer and run the timer; enterprise and timesheet pages render.
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



const column = (page, name) => page.locator(`[data-testid="column"][aria-label="${name}"]`);

async function addTask(page, title) {
  await byTestId(page, 'new-task-title').fill(title);
  await byTestId(page, 'new-task-submit').click();
  await column(page, 'Backlog').getByText(title).waitFor();
}

test('drag a new card to another column; after a reload it is still there', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/tasks');
    await column(page, 'Backlog').waitFor();
    await addTask(page, 'Write the launch post');
    const card = column(page, 'Backlog').locator('[data-testid="task-card"]', { hasText: 'Write the launch post' });
    const from = await card.boundingBox();
    const to = await column(page, 'In progress').boundingBox();
    await page.mouse.move(from.x + 20, from.y + 10);
    await page.mouse.down();
    await page.mouse.move(from.x + 40, from.y + 30, { steps: 4 });
    await page.mouse.move(to.x + to.width / 2, to.y + 60, { steps: 12 });
    await page.mouse.up();
    await column(page, 'In progress').getByText('Write the launch post').waitFor();
    // The move is persisted: wait for the server round trip, then reload.
    await page.waitForLoadState('networkidle');
    await page.reload();
    await column(page, 'In progress').getByText('Write the launch post').waitFor();
    assert.equal(await column(page, 'Backlog').getByText('Write the launch post').count(), 0);
  });
});

test('keyboard: focus a card, press M and an arrow to move it; open it and run the timer', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/tasks');
    await addTask(page, 'Keyboard card');
    const card = column(page, 'Backlog').locator('[data-testid="task-card"]', { hasText: 'Keyboard card' });
    await card.focus();
    await page.keyboard.press('m');
    await page.keyboard.press('ArrowRight');
    await column(page, 'To do').getByText('Keyboard card').waitFor();
    await page.keyboard.press('m');
    await page.waitForLoadState('networkidle');
    await page.reload();
    const moved = column(page, 'To do').locator('[data-testid="task-card"]', { hasText: 'Keyboard card' });
    await moved.waitFor();
    await moved.click();
    await byTestId(page, 'task-drawer').waitFor();
    await byTestId(page, 'timer-start').click();
    await byTestId(page, 'timer-stop').waitFor();
    await byTestId(page, 'timer-stop').click();
    await byTestId(page, 'task-drawer').getByText('timer', { exact: true }).waitFor();
    // Assign it from the people picker: the card shows the assignee's avatar after a reload.
    const me = await byTestId(page, 'drawer-assignee').locator('option', { hasText: '(me)' }).getAttribute('value');
    await byTestId(page, 'drawer-assignee').selectOption(me);
    await page.waitForLoadState('networkidle');
    await page.reload();
    await column(page, 'To do').locator('[data-testid="task-card"]', { hasText: 'Keyboard card' }).locator('.avatar').waitFor();
  });
});

test('enterprise and timesheets pages show their data', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/enterprise');
    await byTestId(page, 'new-client-name').fill('Acme');
    await byTestId(page, 'new-client-submit').click();
    await page.getByText('Acme').first().waitFor();
    await byTestId(page, 'orgchart').waitFor();
    await byTestId(page, 'allocation').waitFor();
    await page.goto('/timesheets');
    await byTestId(page, 'week-view').waitFor();
    await byTestId(page, 'timesheet-report').waitFor();
  });
});
