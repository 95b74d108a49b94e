import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importTs } from './load-ts.mjs';

const { SSEParser, sseJson, sseMessages, postSSE, SSEHttpError } = await importTs(
  fileURLToPath(new URL('../src/lib/sse.ts', import.meta.url)),
);

const enc = new TextEncoder();

/** A byte stream that delivers `chunks` (strings or byte arrays) one by one. */
function streamOf(chunks) {
  const parts = chunks.map((c) => (typeof c === 'string' ? enc.encode(c) : c));
  return new ReadableStream({
    pull(ctrl) {
      if (parts.length) ctrl.enqueue(parts.shift());
      else ctrl.close();
    },
  });
}

async function collect(it) {
  const out = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Split a string into every possible 2-chunk split and into single bytes. */
function splits(s) {
  const bytes = enc.encode(s);
  const out = [[bytes]];
  for (let i = 1; i < bytes.length; i++) out.push([bytes.slice(0, i), bytes.slice(i)]);
  out.push(Array.from(bytes, (b) => new Uint8Array([b])));
  return out;
}

test('parses simple LF frames', async () => {
  const got = await collect(sseJson(streamOf(['data: {"a":1}\n\ndata: {"b":2}\n\n'])));
  assert.deepEqual(got, [{ a: 1 }, { b: 2 }]);
});

test('tolerates CRLF and lone CR line endings', async () => {
  const got = await collect(sseJson(streamOf(['data: {"a":1}\r\n\r\ndata: {"b":2}\r\rdata: {"c":3}\n\n'])));
  assert.deepEqual(got, [{ a: 1 }, { b: 2 }, { c: 3 }]);
});

test('any chunk boundary gives the same result (incl. inside CRLF and UTF-8)', async () => {
  const text = 'data: {"t":"héllo 🌍"}\r\n\r\n: ping\r\n\r\nevent: delta\r\ndata: {"n":2}\r\n\r\n';
  for (const chunks of splits(text)) {
    const got = await collect(sseJson(streamOf(chunks)));
    assert.deepEqual(got, [{ t: 'héllo 🌍' }, { n: 2 }], `split: ${chunks.map((c) => c.length).join('+')}`);
  }
});

test('multi-line data, comments, event and id fields', () => {
  const p = new SSEParser();
  const msgs = [
    ...p.push(': keep-alive\n'),
    ...p.push('event: token\nid: 7\ndata: {"x":\ndata: 1}\n\n'),
    ...p.push('retry: 1000\n\n'), // no data: nothing dispatched
  ];
  assert.deepEqual(msgs, [{ event: 'token', data: '{"x":\n1}', id: '7' }]);
});

test('field without a space after the colon, and data with no value', () => {
  const p = new SSEParser();
  assert.deepEqual(p.push('data:{"a":1}\n\ndata\n\n'), [
    { event: 'message', data: '{"a":1}', id: undefined },
    { event: 'message', data: '', id: undefined },
  ]);
});

test('a final frame without a trailing blank line is delivered', async () => {
  const got = await collect(sseJson(streamOf(['data: {"a":1}\n\ndata: {"end":true}'])));
  assert.deepEqual(got, [{ a: 1 }, { end: true }]);
});

test('[DONE] terminates the stream', async () => {
  const got = await collect(sseJson(streamOf(['data: {"a":1}\n\ndata: [DONE]\n\ndata: {"late":1}\n\n'])));
  assert.deepEqual(got, [{ a: 1 }]);
});

test('invalid JSON raises a SyntaxError', async () => {
  await assert.rejects(collect(sseJson(streamOf(['data: {oops\n\n']))), SyntaxError);
});

test('abort stops iteration and cancels the body', async () => {
  let cancelled = false;
  const body = new ReadableStream({
    start(ctrl) {
      ctrl.enqueue(enc.encode('data: {"a":1}\n\n'));
      // never closes: simulates a long-running stream
    },
    cancel() {
      cancelled = true;
    },
  });
  const ac = new AbortController();
  const seen = [];
  await assert.rejects(
    (async () => {
      for await (const m of sseJson(body, ac.signal)) {
        seen.push(m);
        setTimeout(() => ac.abort(), 10);
      }
    })(),
    (e) => e.name === 'AbortError',
  );
  assert.deepEqual(seen, [{ a: 1 }]);
  assert.ok(cancelled, 'underlying stream cancelled');
});

test('breaking out of the loop cancels the body', async () => {
  let cancelled = false;
  const body = new ReadableStream({
    start(ctrl) {
      ctrl.enqueue(enc.encode('data: {"a":1}\n\ndata: {"b":2}\n\n'));
    },
    cancel() {
      cancelled = true;
    },
  });
  for await (const m of sseMessages(body)) {
    assert.equal(m.data, '{"a":1}');
    break;
  }
  assert.ok(cancelled);
});

test('already-aborted signal rejects immediately', async () => {
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(collect(sseJson(streamOf(['data: {}\n\n']), ac.signal)), (e) => e.name === 'AbortError');
});

test('postSSE sends JSON and surfaces {detail} on HTTP errors', async () => {
  let seen;
  const okFetch = async (url, init) => {
    seen = { url, init };
    return new Response(streamOf(['data: {"delta":"hi"}\n\n']), { headers: { 'Content-Type': 'text/event-stream' } });
  };
  const got = await collect(postSSE('/api/v1/chat', { q: 1 }, { fetch: okFetch, headers: { Authorization: 'Bearer t' } }));
  assert.deepEqual(got, [{ delta: 'hi' }]);
  assert.equal(seen.init.method, 'POST');
  assert.equal(seen.init.body, '{"q":1}');
  assert.equal(seen.init.headers.Authorization, 'Bearer t');

  const badFetch = async () => new Response(JSON.stringify({ detail: 'model not configured' }), { status: 422 });
  await assert.rejects(collect(postSSE('/x', {}, { fetch: badFetch })), (e) => {
    assert.ok(e instanceof SSEHttpError);
    assert.equal(e.status, 422);
    assert.equal(e.detail, 'model not configured');
    return true;
  });
});
