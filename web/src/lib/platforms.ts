// What the Content page computes from a platform's rules (GET /content/platforms) while the user
// types: the character counters (whole text, each post of an X thread, subject, title, meta
// description, description, hashtags) and the pieces of the previews (LinkedIn's "…see more"
// fold, X thread cards, an Instagram caption and its hashtags). Mirrors
// src/domain/content/platforms.rs, which reports the same limits as warnings on save.
// Free of imports on purpose: it is unit-tested directly in Node.

/** The fields of the server's PlatformRules this module reads. */
export interface Rules {
  name: string;
  label: string;
  max_chars?: number | null;
  max_hashtags?: number | null;
  subject_max?: number | null;
  title_max?: number | null;
  meta_max?: number | null;
  description_max?: number | null;
}

/** One counter under the editor: `count` of `max`, over when it exceeds it. */
export interface Counter {
  key: string;
  label: string;
  count: number;
  max: number;
  over: boolean;
}

/** Characters as the server counts them (Unicode scalar values, so an emoji is one). */
export const chars = (s: string): number => [...s].length;

/** Characters of a LinkedIn post shown before "…see more" (platforms.rs LINKEDIN_FOLD). */
export const LINKEDIN_FOLD = 210;
/** Characters of an Instagram caption shown before "… more". */
export const INSTAGRAM_FOLD = 125;

const HASHTAG = /^#[\p{L}\p{N}_]+$/u;

/** The hashtags of a text, in order (a trailing "." or "," is not part of one). */
export function hashtags(text: string): string[] {
  return text
    .split(/\s+/)
    .map((t) => t.replace(/[!-/:-@[-^`{-~]+$/, ''))
    .filter((t) => t.length > 1 && HASHTAG.test(t));
}

/** The value after `label:` on the first line starting with it (case-insensitive). */
export function labelled(text: string, label: string): string | null {
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t.slice(0, label.length).toLowerCase() === label.toLowerCase() && t.slice(label.length).startsWith(':')) {
      return t.slice(label.length + 1).trim();
    }
  }
  return null;
}

function isNumbered(post: string): boolean {
  const head = post.split(/\s/, 1)[0].replace(/[).:]+$/, '');
  return /^\d+\/\d+$/.test(head);
}

/** The posts of an X draft: blank-line separated parts when every part is numbered ("1/3 …"), else one post. */
export function xPosts(text: string): string[] {
  const parts = text
    .split('\n\n')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length > 1 && parts.every(isNumbered)) return parts;
  return [text.trim()];
}

/** The description of a YouTube draft: what follows "Description:". */
function youtubeDescription(text: string): string {
  const i = text.indexOf('Description:');
  return i < 0 ? '' : text.slice(i + 'Description:'.length).trim();
}

const counter = (key: string, label: string, count: number, max: number): Counter => ({ key, label, count, max, over: count > max });

/** The counters for `text` on a platform; an X thread has one per post. */
export function counters(rules: Rules | null | undefined, text: string): Counter[] {
  if (!rules) return [];
  const out: Counter[] = [];
  if (rules.name === 'x') {
    const posts = xPosts(text);
    const max = rules.max_chars ?? 280;
    if (posts.length === 1) out.push(counter('post-1', 'Post', chars(posts[0]), max));
    else posts.forEach((p, i) => out.push(counter(`post-${i + 1}`, `Post ${i + 1}/${posts.length}`, chars(p), max)));
  } else if (rules.max_chars) {
    out.push(counter('total', 'Characters', chars(text.trim()), rules.max_chars));
  }
  if (rules.subject_max) out.push(counter('subject', 'Subject', chars(labelled(text, 'subject') ?? ''), rules.subject_max));
  if (rules.title_max) out.push(counter('title', 'Title', chars(labelled(text, 'title') ?? ''), rules.title_max));
  if (rules.meta_max) out.push(counter('meta', 'Meta description', chars(labelled(text, 'meta description') ?? ''), rules.meta_max));
  if (rules.description_max) out.push(counter('description', 'Description', chars(youtubeDescription(text)), rules.description_max));
  if (rules.max_hashtags) out.push(counter('hashtags', 'Hashtags', hashtags(text).length, rules.max_hashtags));
  return out;
}

/**
 * A text cut at about `at` characters the way feeds do: at the last word boundary before the
 * fold (and never after the third line). `rest` is empty when nothing is hidden.
 */
export function fold(text: string, at: number): { shown: string; rest: string } {
  const t = text.trim();
  const lines = t.split('\n');
  let limit = at;
  if (lines.length > 3) limit = Math.min(limit, chars(lines.slice(0, 3).join('\n')));
  const cs = [...t];
  if (cs.length <= limit) return { shown: t, rest: '' };
  const head = cs.slice(0, limit + 1).join('');
  const space = head.search(/\s\S*$/);
  const before = space > 0 ? chars(head.slice(0, space)) : 0;
  const cut = before > limit / 2 ? before : limit;
  return { shown: cs.slice(0, cut).join('').trimEnd(), rest: cs.slice(cut).join('').trimStart() };
}

/** An Instagram caption split into its body and the block of hashtags at its end. */
export function instagramCaption(text: string): { body: string; tags: string[] } {
  const lines = text.trim().split('\n');
  const tags: string[] = [];
  while (lines.length) {
    const last = lines[lines.length - 1].trim();
    if (last === '') {
      lines.pop();
      continue;
    }
    const words = last.split(/\s+/);
    if (!words.every((w) => HASHTAG.test(w))) break;
    tags.unshift(...words);
    lines.pop();
  }
  return { body: lines.join('\n').trim(), tags };
}
