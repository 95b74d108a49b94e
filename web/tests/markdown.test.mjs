// The chat Markdown renderer escapes HTML and only emits its own markup.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importTs } from './load-ts.mjs';

const { renderMarkdown } = await importTs(fileURLToPath(new URL('../src/lib/markdown.ts', import.meta.url)));

test('html is escaped and only safe links are produced', () => {
  const html = renderMarkdown('<img src=x onerror=alert(1)> **bold** [ok](https://a.example/x) [bad](javascript:alert(1))');
  assert.ok(!html.includes('<img'));
  assert.ok(html.includes('&lt;img'));
  assert.ok(html.includes('<strong>bold</strong>'));
  assert.ok(html.includes('<a href="https://a.example/x" target="_blank" rel="noopener noreferrer">ok</a>'));
  assert.ok(!html.includes('href="javascript'));
});

test('lists, headings and code fences (even unfinished ones) render', () => {
  const html = renderMarkdown('# Title\n\n- one\n- two\n\n```js\nconst a = "<b>";\n');
  assert.ok(html.startsWith('<h2>Title</h2><ul><li>one</li><li>two</li></ul>'));
  assert.ok(html.includes('<pre data-lang="js"><code>const a = &quot;&lt;b&gt;&quot;;</code></pre>'));
});
