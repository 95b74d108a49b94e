// Headless Debian Chromium through playwright-core (no browser downloads).
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './server.mjs';

export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Open a fresh context + page for test `t`. Page errors fail the test; on
 * failure a screenshot is written to e2e/artifacts/<test name>.png.
 */
export async function openPage(t, browser, baseURL, { viewport = { width: 1280, height: 800 }, colorScheme = 'light' } = {}) {
  const context = await browser.newContext({ baseURL, viewport, colorScheme });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(new Error(m.text()));
  });
  page.errors = errors;
  page.snap = async (name) => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  };
  return { context, page };
}

/** Run `fn(page)` in a fresh page, screenshot on failure, assert no page errors. */
export async function withPage(t, browser, baseURL, fn, opts) {
  const { context, page } = await openPage(t, browser, baseURL, opts);
  try {
    await fn(page);
    if (page.errors.length) throw new Error(`page errors:\n${page.errors.map((e) => e.message).join('\n')}`);
  } catch (e) {
    const name = t.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    await page.snap(`FAILED-${name}`).catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
}

export const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`);

/** Open `path`, sign in through the login form, and wait until the form is gone. */
export async function signIn(page, path, email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
  await page.goto(path);
  await byTestId(page, 'login-email').fill(email);
  await byTestId(page, 'login-password').fill(password);
  await byTestId(page, 'login-submit').click();
  await byTestId(page, 'login-submit').waitFor({ state: 'detached' });
}
