// Chat journeys: a reply streams in from a fake OpenAI-compatible provider and a tool chip
// appears; the offline provider drafts; the AI logs page charts the tokens; provider test; a long
// history opens on its newest page and loads earlier messages on demand.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { byTestId, launchBrowser, signIn, withPage } from './browser.mjs';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startServer } from './server.mjs';

let server;
let browser;
let fake;
let fakeUrl;
let adminToken;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A fake OpenAI Chat Completions server: first a tool call (arguments split), then text. */
function startFake() {
  return new Promise((resolve) => {
    const srv = createServer(async (req, res) => {
      let body = '';
      for await (const c of req) body += c;
      if (req.url === '/v1/models') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ data: [{ id: 'fake-gpt' }] }));
        return;
      }
      const json = JSON.parse(body || '{}');
      const afterTool = (json.messages ?? []).some((m) => m.role === 'tool');
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      const send = (v) => res.write(`data: ${JSON.stringify(v)}\n\n`);
      const delta = (d) => send({ choices: [{ index: 0, delta: d, finish_reason: null }] });
      if (afterTool) {
        for (const w of ['Done: ', 'the ', 'task ', 'is ', '**on ', 'your ', 'board**.']) {
          delta({ content: w });
          await sleep(40);
        }
      } else {
        delta({ content: 'Let me add that. ' });
        await sleep(40);
        delta({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'create_task', arguments: '' } }] });
        delta({ tool_calls: [{ index: 0, function: { arguments: '{"title":' } }] });
        await sleep(40);
        delta({ tool_calls: [{ index: 0, function: { arguments: '"Review Q3"}' } }] });
      }
      send({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 } });
      res.end('data: [DONE]\n\n');
    });
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}

async function api(method, path, token, body) {
  const r = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${await r.clone().text()}`);
  return r.json();
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  fake = await startFake();
  fakeUrl = `http://127.0.0.1:${fake.address().port}/v1`;
  const { access_token } = await api('POST', '/auth/login', null, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
  adminToken = access_token;
  await api('PUT', '/settings/', access_token, { openai_base_url: fakeUrl, openai_api_key: 'sk-e2e-fake-key-123456', default_provider: 'openai' });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  fake?.close();
});


test('a reply streams in from the provider and a tool chip appears', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/chat');
    await byTestId(page, 'chat-input').waitFor();
    await byTestId(page, 'chat-input').fill('Create a task to review Q3');
    await byTestId(page, 'chat-input').press('Enter');
    // While streaming: the stop button, then the chip.
    await byTestId(page, 'chat-stop').waitFor();
    const chip = byTestId(page, 'tool-chip').first();
    await chip.waitFor();
    assert.match(await chip.textContent(), /create task/);
    await page.locator('[data-testid="tool-chip"][data-status="finished"]').first().waitFor();
    const last = page.locator('[data-testid="chat-message"][data-role="assistant"]').last();
    await last.locator('strong', { hasText: 'on your board' }).waitFor();
    assert.match(await last.textContent(), /Let me add that\. Done: the task is on your board\./);
    await byTestId(page, 'chat-send').waitFor();
    // The conversation got its title from the first message and is in the list.
    await page.locator('[data-testid="chat-item"]', { hasText: 'Create a task to review Q3' }).waitFor();
    // After a reload the stored history shows the same chip.
    await page.reload();
    await page.locator('[data-testid="chat-item"]').first().click();
    await page.locator('[data-testid="tool-chip"][data-status="finished"]').first().waitFor();
    // The task is real: it is on the board.
    await page.goto('/tasks');
    await page.getByText('Review Q3').first().waitFor();
  });
});

test('the offline provider drafts from a dropped document, then AI logs chart the tokens', async (t) => {
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/chat');
    await byTestId(page, 'chat-new').click();
    await byTestId(page, 'chat-provider').selectOption('local');
    await byTestId(page, 'offline-note').waitFor();
    // Drag and drop a text file onto the conversation.
    const dt = await page.evaluateHandle(() => {
      const d = new DataTransfer();
      d.items.add(new File(['Remote onboarding works best with a buddy system. New hires ship code in week one.'], 'onboarding.txt', { type: 'text/plain' }));
      return d;
    });
    await page.dispatchEvent('section.main', 'dragover', { dataTransfer: dt });
    await page.dispatchEvent('section.main', 'drop', { dataTransfer: dt });
    await byTestId(page, 'pending-attachment').waitFor();
    await byTestId(page, 'chat-input').fill('Write a LinkedIn post about remote onboarding');
    await byTestId(page, 'chat-send').click();
    const last = page.locator('[data-testid="chat-message"][data-role="assistant"]').last();
    await last.getByText('Offline draft').waitFor();
    assert.match(await last.textContent(), /buddy system/);

    await page.goto('/ai-logs');
    await byTestId(page, 'usage-chart').waitFor();
    await page.locator('[data-testid="ai-log-table"] tbody tr', { hasText: 'openai · gpt-4o-mini' }).first().waitFor();
    await page.locator('[data-testid="ai-log-table"] tbody tr', { hasText: 'local' }).first().waitFor();
    assert.match(await byTestId(page, 'leaderboard').textContent(), /champion/);

    await page.goto('/settings');
    await byTestId(page, 'test-openai').click();
    assert.match(await byTestId(page, 'test-result-openai').textContent(), /answered with 1 models|Testing/);
    await page.locator('[data-testid="test-result-openai"]', { hasText: 'answered with 1 models' }).waitFor();
  });
});

test('a long conversation opens on its newest messages and loads earlier ones on demand', async (t) => {
  const conv = await api('POST', '/chat/conversations', adminToken, { title: 'Long history' });
  // 26 exchanges with the offline provider: 52 messages, two more than the first page.
  for (let i = 0; i < 26; i++) {
    const r = await fetch(`${server.url}/api/v1/chat/conversations/${conv.id}/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ content: `entry-${i}-end`, provider: 'local', tools_enabled: false }),
    });
    assert.ok(r.ok, `${r.status}`);
    await r.text();
  }
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/chat');
    await page.locator('[data-testid="chat-item"]', { hasText: 'Long history' }).click();
    const more = byTestId(page, 'chat-load-earlier');
    await more.waitFor();
    assert.match(await more.textContent(), /\(2\)/);
    await page.locator('[data-testid="chat-message"][data-role="user"]', { hasText: 'entry-25-end' }).waitFor();
    assert.equal(await page.locator('[data-testid="chat-message"][data-role="user"]', { hasText: 'entry-0-end' }).count(), 0);
    await more.click();
    await page.locator('[data-testid="chat-message"][data-role="user"]', { hasText: 'entry-0-end' }).waitFor();
    await more.waitFor({ state: 'detached' });
    assert.equal(await byTestId(page, 'chat-message').count(), 52);
  });
});
