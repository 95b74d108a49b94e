// Publishing and approvals: connect LinkedIn through a fake OAuth server and publish a content;
// schedule a post a few seconds ahead and watch it go out; open an approval link in a fresh
// browser context as the reviewer, approve with a comment, and see the owner's notification.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { byTestId, launchBrowser, signIn, withPage } from './browser.mjs';
import { startServer } from './server.mjs';

let server;
let browser;
let fake;
const posts = [];
/** Scripted failures: drop the next post's connection after accepting it; fail lookups. */
const trouble = { dropNext: false, lookupFails: false };

/** A loopback LinkedIn: consent page that agrees at once, token, userinfo, posts. */
function startFakeLinkedIn() {
  const srv = createServer((req, res) => {
    const u = new URL(req.url, 'http://fake');
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const json = (status, obj, headers = {}) => {
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(JSON.stringify(obj));
      };
      if (u.pathname === '/oauth/v2/authorization') {
        const to = `${u.searchParams.get('redirect_uri')}?code=e2e-code&state=${encodeURIComponent(u.searchParams.get('state'))}`;
        res.writeHead(302, { Location: to });
        return res.end();
      }
      if (u.pathname === '/oauth/v2/accessToken') {
        return json(200, { access_token: 'AQX-e2e-token', expires_in: 5184000, scope: 'openid,profile,email,w_member_social' });
      }
      if (u.pathname === '/v2/userinfo') return json(200, { sub: 'e2eMember', name: 'Ada Lovelace' });
      if (u.pathname === '/rest/posts' && req.method === 'POST') {
        const id = `urn:li:share:${7000 + posts.length}`;
        posts.push({ id, ...JSON.parse(body), createdAt: Date.now() });
        if (trouble.dropNext) {
          trouble.dropNext = false;
          return req.socket.destroy();
        }
        res.writeHead(201, { 'x-restli-id': id });
        return res.end();
      }
      if (u.pathname === '/rest/posts' && trouble.lookupFails) return json(500, { message: 'lookup unavailable' });
      if (u.pathname === '/rest/posts') return json(200, { elements: posts.map((p) => ({ id: p.id, commentary: p.commentary, createdAt: p.createdAt })) });
      json(404, { message: 'not found' });
    });
  });
  return new Promise((r) => srv.listen(0, '127.0.0.1', () => r(srv)));
}

/** Call the API with the page's token (as the SPA would). */
function api(page, method, path, body) {
  return page.evaluate(
    async ([method, path, body]) => {
      const r = await fetch(`/api/v1${path}`, {
        method,
        headers: { Authorization: `Bearer ${localStorage.getItem('nm_token')}`, 'Content-Type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: r.status, json: await r.json().catch(() => null), text: r.ok ? '' : await r.text().catch(() => '') };
    },
    [method, path, body],
  );
}

/** A content with this text, made offline through the API. */
async function makeContent(page, text) {
  const id = await page.evaluate(async () => {
    const r = await fetch('/api/v1/content/generate', {
      method: 'POST',
      headers: { Authorization: `Bearer ${localStorage.getItem('nm_token')}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ platform: 'linkedin', brief: 'Launch day at the Lyon roastery', title: 'Launch day' }),
    });
    const frames = (await r.text()).split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)));
    return frames.find((f) => f.done)?.content_id;
  });
  assert.ok(id, 'content generated');
  assert.equal((await api(page, 'PUT', `/content/${id}`, { draft_content: text })).status, 200);
  return id;
}

async function connectLinkedIn(page) {
  await signIn(page, '/publishing');
  await byTestId(page, 'publishing-accounts').waitFor();
  const s = await api(page, 'PUT', '/settings/', {
    allow_private_network: true,
    linkedin_auth_base_url: fake.url,
    linkedin_api_base_url: fake.url,
    linkedin_client_id: 'e2e-client',
    linkedin_client_secret: 'e2e-secret-value',
  });
  assert.equal(s.status, 200, s.text);
  const accounts = await api(page, 'GET', '/publishing/accounts');
  if (accounts.json.total > 0) return;
  await page.reload();
  await byTestId(page, 'connect-linkedin').click();
  const banner = byTestId(page, 'publishing-banner');
  await banner.waitFor();
  assert.equal(await banner.getAttribute('data-kind'), 'ok', await banner.textContent());
  await page.locator('[data-testid="account"][data-platform="linkedin"][data-status="connected"]').waitFor();
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const srv = await startFakeLinkedIn();
  fake = { srv, url: `http://127.0.0.1:${srv.address().port}` };
});

after(async () => {
  await browser?.close();
  await server?.stop();
  fake?.srv.close();
});

test('connect LinkedIn through the fake OAuth server and publish a content', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await connectLinkedIn(page);
    assert.match(await page.locator('[data-testid="account"][data-platform="linkedin"]').textContent(), /Ada Lovelace/);
    const id = await makeContent(page, 'Doors open at 9 (coffee on us) #launch');
    await page.goto(`/content/${id}`);
    await page.locator(`[data-testid="content-publishing"][data-content-id="${id}"]`).waitFor();
    const before = posts.length;
    await byTestId(page, 'publish-now').click();
    await page.locator('[data-testid="publish-notice"]', { hasText: 'Published on Ada Lovelace' }).waitFor();
    await page.locator('[data-testid="content-post"][data-status="published"]').waitFor();
    assert.equal(posts.length, before + 1);
    assert.equal(posts.at(-1).commentary, 'Doors open at 9 \\(coffee on us\\) {hashtag|\\#|launch}');
  });
});

test('schedule a post a few seconds ahead and watch it go out', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await connectLinkedIn(page);
    const id = await makeContent(page, 'Scheduled from the browser');
    await page.goto(`/content/${id}`);
    await page.locator(`[data-testid="content-publishing"][data-content-id="${id}"]`).waitFor();
    const at = new Date(Date.now() + 4000);
    const pad = (n) => String(n).padStart(2, '0');
    const local = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
    await byTestId(page, 'schedule-at').fill(local);
    await byTestId(page, 'schedule-submit').click();
    await page.locator('[data-testid="content-post"][data-status="scheduled"]').waitFor();
    // The calendar shows it, then it goes out on time.
    await page.goto('/publishing');
    await page.locator('[data-testid="calendar-post"][data-status="scheduled"]').first().waitFor();
    const deadline = Date.now() + 20_000;
    while (!posts.some((p) => p.commentary === 'Scheduled from the browser')) {
      assert.ok(Date.now() < deadline, 'the scheduled post never arrived');
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(Date.now() - at.getTime() < 1500, `late by ${Date.now() - at.getTime()} ms`);
    assert.ok(posts.some((p) => p.commentary === 'Scheduled from the browser'));
    await page.reload();
    await page.locator('[data-testid="calendar-post"][data-status="published"]').first().waitFor();
  });
});

test('a reviewer approves through the link in a fresh browser and the owner is notified', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/content');
    const id = await makeContent(page, 'Please approve <this> & that');
    await page.goto(`/content/${id}`);
    await page.locator(`[data-testid="content-publishing"][data-content-id="${id}"]`).waitFor();
    await byTestId(page, 'approval-name').fill('Client Co');
    await byTestId(page, 'approval-request').click();
    const url = await byTestId(page, 'approval-url').inputValue();
    assert.match(url, /\/api\/v1\/approvals\/public\/[A-Za-z0-9_-]{43,}$/);
    await page.locator('[data-testid="approval-timeline"] li[data-status="pending"]').waitFor();

    // The reviewer: no login, no JavaScript needed.
    const reviewer = await browser.newContext({ javaScriptEnabled: false });
    try {
      const r = await reviewer.newPage();
      await r.goto(url);
      await r.locator('[data-post]', { hasText: 'Please approve <this> & that' }).waitFor();
      await r.locator('#comment').fill('Lovely, ship it');
      await r.locator('#name').fill('Jo');
      await r.locator('button[value="approve"]').click();
      await r.locator('[data-decision="approved"]', { hasText: 'you approved this post' }).waitFor();
    } finally {
      await reviewer.close();
    }

    // The owner hears about it live.
    await byTestId(page, 'notification-count').waitFor({ timeout: 20_000 });
    await byTestId(page, 'notification-bell').click();
    await page.locator('[data-testid="notification-item"]', { hasText: 'Jo approved “Launch day”' }).waitFor();
    await page.reload();
    await page.locator('[data-testid="approval-timeline"] li[data-status="approved"]', { hasText: 'Lovely, ship it' }).waitFor();
  });
});

test('drag a scheduled post to another day in the calendar and the new time holds', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await connectLinkedIn(page);
    const account = (await api(page, 'GET', '/publishing/accounts')).json.items[0].id;
    const id = await makeContent(page, 'Moved by dragging');
    // Wednesday of next week at 10:00 in the browser's zone (always ahead, always one week).
    const [from, to, fromDay, toDay] = await page.evaluate(() => {
      const d = new Date();
      const monday = new Date(d.getFullYear(), d.getMonth(), d.getDate() - ((d.getDay() + 6) % 7) + 7);
      const at = (offset) => new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + offset, 10, 0, 0);
      const day = (x) => `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, '0')}-${String(x.getDate()).padStart(2, '0')}`;
      return [at(2).toISOString(), at(3).toISOString(), day(at(2)), day(at(3))];
    });
    const r = await api(page, 'POST', '/publishing/scheduled', { content_id: id, account_id: account, scheduled_at: from });
    assert.equal(r.status, 201, r.text);
    const postId = r.json.id;

    await page.goto('/publishing');
    await page.getByRole('button', { name: 'Next week' }).click();
    const card = page.locator(`[data-testid="calendar-post"][data-id="${postId}"]`);
    await page.locator(`[data-testid="calendar-day"][data-date="${fromDay}"] [data-id="${postId}"]`).waitFor();
    await card.dragTo(page.locator(`[data-testid="calendar-day"][data-date="${toDay}"]`));

    // The UI shows it on the new day, at the same time of day.
    const moved = page.locator(`[data-testid="calendar-day"][data-date="${toDay}"] [data-testid="calendar-post"][data-id="${postId}"]`);
    await moved.waitFor();
    await page.locator(`[data-testid="calendar-post"][data-id="${postId}"]:not([data-moving])`).waitFor();
    assert.equal(new Date(await moved.getAttribute('data-at')).getTime(), new Date(to).getTime());
    const shown = await page.evaluate((iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }), to);
    assert.match(await moved.textContent(), new RegExp(shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.equal(await page.locator(`[data-testid="calendar-day"][data-date="${fromDay}"] [data-id="${postId}"]`).count(), 0);

    // The API agrees, and the history shows it.
    const p = await api(page, 'GET', `/publishing/scheduled/${postId}`);
    assert.equal(new Date(p.json.scheduled_at).getTime(), new Date(to).getTime());
    assert.equal(p.json.status, 'scheduled');
    await moved.click();
    await byTestId(page, 'post-history').waitFor();
    await api(page, 'POST', `/publishing/scheduled/${postId}/cancel`);
  });
});

test('a post whose fate is unknown is confirmed by a person in the UI', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await connectLinkedIn(page);
    const id = await makeContent(page, 'Did this one arrive?');
    await page.goto(`/content/${id}`);
    await page.locator(`[data-testid="content-publishing"][data-content-id="${id}"]`).waitFor();
    // LinkedIn takes the post but the connection drops before its answer, and the lookup fails.
    trouble.dropNext = true;
    trouble.lookupFails = true;
    try {
      await byTestId(page, 'publish-now').click();
      await page.locator('[data-testid="publish-notice"]', { hasText: 'Sent, but not confirmed' }).waitFor({ timeout: 30_000 });
    } finally {
      trouble.lookupFails = false;
    }
    await page.locator('[data-testid="content-post"][data-status="unknown"]').waitFor();
    const postId = (await api(page, 'GET', `/publishing/scheduled?content_id=${id}`)).json.items[0].id;

    await page.goto('/publishing');
    await page.locator(`[data-testid="calendar-post"][data-id="${postId}"][data-status="unknown"]`).click();
    await page.locator('[data-testid="post-history"][data-status="unknown"]').waitFor();
    await byTestId(page, 'post-confirm-published').click();
    await page.locator('[data-testid="post-history"][data-status="published"]').waitFor();
    await page.locator(`[data-testid="calendar-post"][data-id="${postId}"][data-status="published"]`).waitFor();
    await page.locator('[data-testid="post-history"] li', { hasText: 'confirmed by a person' }).waitFor();

    const p = await api(page, 'GET', `/publishing/scheduled/${postId}`);
    assert.equal(p.json.status, 'published');
    assert.equal(p.json.history.at(-1).detail, 'confirmed by a person');
    assert.equal(posts.filter((x) => x.commentary === 'Did this one arrive?').length, 1, 'sent once');
  });
});
