// Starts the real Neuromancer binary on a free loopback port with a fresh data
// directory, for the browser tests. The binary serves the SPA embedded from web/dist.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'E2e-Admin-Passw0rd!-7f3c9a';

export function serverBinary() {
  return resolve(WEB_DIR, process.env.NEUROMANCER_BIN ?? '../target/debug/neuromancer');
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Start the server. Resolves to { url, port, dataDir, logs(), stop() } once
 * GET /api/v1/health answers 200 and / serves the SPA.
 */
export async function startServer({ timeoutMs = 60_000, env = {} } = {}) {
  const bin = serverBinary();
  if (!existsSync(bin)) {
    throw new Error(`server binary not found at ${bin} (build it with \`cargo build\`, or set NEUROMANCER_BIN)`);
  }
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'neuromancer-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child = spawn(bin, ['serve', '--bind', `127.0.0.1:${port}`, '--data', dataDir], {
    env: {
      ...process.env,
      NEUROMANCER_ADMIN_EMAIL: ADMIN_EMAIL,
      NEUROMANCER_ADMIN_PASSWORD: ADMIN_PASSWORD,
      RUST_LOG: process.env.RUST_LOG ?? 'info',
      // The default (5 logins/min/IP) is too tight for a suite that logs in repeatedly.
      NEUROMANCER_LOGIN_RATE: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exitPromise = new Promise((r) => child.on('exit', (code, signal) => r((exited = { code, signal }))));
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  async function stop() {
    process.off('exit', killOnExit);
    if (!exited) {
      child.kill('SIGTERM');
      const done = await Promise.race([exitPromise, sleep(5000).then(() => null)]);
      if (!done) {
        child.kill('SIGKILL');
        await exitPromise;
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  }

  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (exited) throw new Error(`server exited early (${JSON.stringify(exited)})`);
      try {
        const r = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
        if (r.status === 200) break;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`server did not become healthy within ${timeoutMs} ms`);
      await sleep(150);
    }
    const html = await (await fetch(`${url}/login`)).text();
    if (!html.includes('id="app"')) {
      throw new Error('the server does not serve the SPA at /login — run `npm run build` in web/ before `cargo build`');
    }
  } catch (e) {
    await stop();
    e.message += `\n--- server output ---\n${output.slice(-8000)}`;
    throw e;
  }
  return { url, port, dataDir, logs: () => output, stop };
}
