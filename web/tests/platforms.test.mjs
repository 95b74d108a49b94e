import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importTs } from './load-ts.mjs';

const { counters, xPosts, hashtags, labelled, fold, instagramCaption, chars, LINKEDIN_FOLD } = await importTs(
  fileURLToPath(new URL('../src/lib/platforms.ts', import.meta.url)),
);

// The rules as GET /content/platforms serves them (platforms.rs).
const LINKEDIN = { name: 'linkedin', label: 'LinkedIn', max_chars: 3000 };
const X = { name: 'x', label: 'X', max_chars: 280 };
const INSTAGRAM = { name: 'instagram', label: 'Instagram', max_chars: 2200, max_hashtags: 30 };
const EMAIL = { name: 'email', label: 'Email', subject_max: 80 };
const BLOG = { name: 'blog', label: 'Blog post', meta_max: 160 };
const YOUTUBE = { name: 'youtube', label: 'YouTube', title_max: 100, description_max: 5000 };

test('characters are counted like the server: an emoji is one', () => {
  assert.equal(chars('🚀 go'), 4);
  const [c] = counters(LINKEDIN, '  🚀 Launch day  ');
  assert.deepEqual(c, { key: 'total', label: 'Characters', count: 12, max: 3000, over: false });
  assert.equal(counters(LINKEDIN, 'x'.repeat(3001))[0].over, true);
});

test('an X thread gets one counter per numbered post', () => {
  const thread = `1/3 ${'a'.repeat(270)}\n\n2/3 ${'b'.repeat(290)}\n\n3/3 end`;
  assert.equal(xPosts(thread).length, 3);
  const cs = counters(X, thread);
  assert.deepEqual(cs.map((c) => [c.label, c.count, c.over]), [
    ['Post 1/3', 274, false],
    ['Post 2/3', 294, true],
    ['Post 3/3', 7, false],
  ]);
  // Unnumbered paragraphs are one post.
  assert.deepEqual(counters(X, 'Hello\n\nworld').map((c) => [c.label, c.count]), [['Post', 12]]);
});

test('subject, title, meta description, description and hashtag counters follow the rules', () => {
  assert.deepEqual(counters(EMAIL, `Subject: ${'s'.repeat(81)}\n\nHi`).map((c) => [c.key, c.count, c.over]), [['subject', 81, true]]);
  assert.deepEqual(counters(EMAIL, 'Hi').map((c) => [c.key, c.count]), [['subject', 0]]);
  assert.deepEqual(counters(BLOG, '# Title\nMeta description: Short and sweet\n\n## Part').map((c) => [c.key, c.count]), [['meta', 15]]);
  assert.deepEqual(
    counters(YOUTUBE, 'Title: Demo day\n\nDescription:\n0:00 Intro').map((c) => [c.key, c.count]),
    [['title', 8], ['description', 10]],
  );
  const tags = Array.from({ length: 31 }, (_, i) => `#t${i}`).join(' ');
  const ig = counters(INSTAGRAM, `Caption\n\n${tags}`);
  assert.deepEqual(ig.map((c) => [c.key, c.over]), [['total', false], ['hashtags', true]]);
  assert.equal(ig[1].count, 31);
  assert.deepEqual(counters(null, 'text'), []);
});

test('hashtags ignore trailing punctuation and bare #', () => {
  assert.deepEqual(hashtags('We #ship, then #learn. # alone #snake_case!'), ['#ship', '#learn', '#snake_case']);
  assert.equal(labelled('Hello\nSUBJECT: Big news\n', 'subject'), 'Big news');
  assert.equal(labelled('Subjects: no', 'subject'), null);
});

test('the LinkedIn fold cuts at a word boundary before 210 characters, or after three lines', () => {
  const text = `${'word '.repeat(60)}end`;
  const { shown, rest } = fold(text, LINKEDIN_FOLD);
  assert.ok(chars(shown) <= LINKEDIN_FOLD, `${chars(shown)}`);
  assert.ok(shown.endsWith('word'));
  assert.equal(`${shown} ${rest}`, text.trim());
  assert.deepEqual(fold('Short post', LINKEDIN_FOLD), { shown: 'Short post', rest: '' });
  const lines = fold('one\ntwo\nthree\nfour\nfive', LINKEDIN_FOLD);
  assert.deepEqual(lines, { shown: 'one\ntwo\nthree', rest: 'four\nfive' });
});

test('an Instagram caption keeps its trailing hashtag block apart', () => {
  assert.deepEqual(instagramCaption('New drop today.\nLink in bio #notatag\n\n#style #drop\n#fall'), {
    body: 'New drop today.\nLink in bio #notatag',
    tags: ['#style', '#drop', '#fall'],
  });
  assert.deepEqual(instagramCaption('No tags here'), { body: 'No tags here', tags: [] });
});
