// Minimal Server-Sent Events reader for streaming responses of POST requests
// (EventSource only supports GET, so we parse `text/event-stream` ourselves).
//
// Handles: frames split across arbitrary chunk boundaries (even inside a
// multi-byte UTF-8 character or between a CR and its LF), LF / CRLF / CR line
// endings, multi-line `data:` fields, comments (`: keep-alive`), `event:` /
// `id:` fields, a final frame without a trailing blank line, and the
// OpenAI-style `data: [DONE]` terminator. Cancelling via an AbortSignal (or
// breaking out of the `for await` loop) releases the underlying stream.
//
// This module has no imports on purpose: it is unit-tested directly in Node.

/** One parsed SSE frame (before JSON decoding). */
export interface SSEMessage {
  /** Value of the `event:` field, `"message"` when absent. */
  event: string;
  /** Concatenated `data:` lines, joined with "\n". */
  data: string;
  /** Value of the last `id:` field seen, if any. */
  id?: string;
}

/**
 * Incremental, push-based parser: feed it text, collect complete messages.
 * Exposed separately so it can be tested without streams.
 */
export class SSEParser {
  private buf = '';
  private pendingCR = false;
  private dataLines: string[] = [];
  private event = '';
  private lastId: string | undefined;
  private sawField = false;

  /** Feed decoded text; returns the messages completed by this chunk. */
  push(text: string): SSEMessage[] {
    const out: SSEMessage[] = [];
    if (this.pendingCR) {
      // A chunk ended with "\r": it already terminated a line; swallow the LF of a CRLF pair.
      this.pendingCR = false;
      if (text.startsWith('\n')) text = text.slice(1);
    }
    this.buf += text;
    let start = 0;
    for (let i = 0; i < this.buf.length; i++) {
      const c = this.buf.charCodeAt(i);
      if (c !== 10 && c !== 13) continue; // not \n or \r
      const line = this.buf.slice(start, i);
      if (c === 13) {
        if (i + 1 < this.buf.length) {
          if (this.buf.charCodeAt(i + 1) === 10) i++; // CRLF
        } else {
          this.pendingCR = true; // maybe followed by LF in the next chunk
        }
      }
      start = i + 1;
      this.line(line, out);
    }
    this.buf = this.buf.slice(start);
    return out;
  }

  /** Flush at end of stream: a trailing frame without a blank line is still delivered. */
  end(): SSEMessage[] {
    const out: SSEMessage[] = [];
    if (this.buf.length > 0) {
      const rest = this.buf;
      this.buf = '';
      this.line(rest, out);
    }
    this.dispatch(out);
    return out;
  }

  private line(line: string, out: SSEMessage[]): void {
    if (line === '') {
      this.dispatch(out);
      return;
    }
    if (line.startsWith(':')) return; // comment / keep-alive
    const colon = line.indexOf(':');
    let field = line;
    let value = '';
    if (colon >= 0) {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
    }
    switch (field) {
      case 'data':
        this.dataLines.push(value);
        this.sawField = true;
        break;
      case 'event':
        this.event = value;
        this.sawField = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      default:
        // `retry:` and unknown fields are ignored.
        break;
    }
  }

  private dispatch(out: SSEMessage[]): void {
    if (this.sawField && this.dataLines.length > 0) {
      out.push({ event: this.event || 'message', data: this.dataLines.join('\n'), id: this.lastId });
    }
    this.dataLines = [];
    this.event = '';
    this.sawField = false;
  }
}

function abortError(signal?: AbortSignal): unknown {
  return signal?.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/** Iterate the raw SSE messages of a byte stream. */
export async function* sseMessages(
  body: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
): AsyncGenerator<SSEMessage, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder('utf-8');
  const parser = new SSEParser();
  const onAbort = () => {
    reader.cancel(abortError(signal)).catch(() => {});
  };
  if (signal?.aborted) {
    reader.releaseLock();
    await body.cancel().catch(() => {});
    throw abortError(signal);
  }
  signal?.addEventListener('abort', onAbort, { once: true });
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (signal?.aborted) throw abortError(signal);
      if (done) {
        const tail = decoder.decode();
        const msgs = tail ? parser.push(tail) : [];
        msgs.push(...parser.end());
        for (const m of msgs) yield m;
        finished = true;
        return;
      }
      for (const m of parser.push(decoder.decode(value, { stream: true }))) yield m;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/**
 * Iterate the JSON payloads of a `text/event-stream` body.
 * `data: [DONE]` ends the stream; frames whose data is not valid JSON raise an error.
 */
export async function* sseJson<T = unknown>(
  body: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
): AsyncGenerator<T, void, undefined> {
  for await (const msg of sseMessages(body, signal)) {
    const data = msg.data.trim();
    if (data === '[DONE]') return;
    if (data === '') continue;
    let parsed: T;
    try {
      parsed = JSON.parse(data) as T;
    } catch {
      throw new SyntaxError(`invalid JSON in event stream: ${data.slice(0, 120)}`);
    }
    yield parsed;
  }
}

/** Error thrown by `postSSE` when the server answers with a non-2xx status. */
export class SSEHttpError extends Error {
  constructor(
    public status: number,
    public detail: string,
    public response: Response,
  ) {
    super(detail);
    this.name = 'SSEHttpError';
  }
}

export interface PostSSEOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

/**
 * POST `body` as JSON to `url` and iterate the JSON objects of the streamed
 * response. Non-2xx answers throw `SSEHttpError` carrying the `{detail}` text.
 */
export async function* postSSE<T = unknown>(
  url: string,
  body: unknown,
  opts: PostSSEOptions = {},
): AsyncGenerator<T, void, undefined> {
  const doFetch = opts.fetch ?? fetch;
  const res = await doFetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', ...opts.headers },
    body: JSON.stringify(body),
    signal: opts.signal,
  });
  if (!res.ok) {
    let detail = `${res.status} ${res.statusText}`.trim();
    try {
      const j = (await res.json()) as { detail?: unknown };
      if (j && typeof j.detail === 'string') detail = j.detail;
    } catch {
      /* not JSON */
    }
    throw new SSEHttpError(res.status, detail, res);
  }
  if (!res.body) return;
  yield* sseJson<T>(res.body, opts.signal);
}
