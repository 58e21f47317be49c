import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';

/** A link of the built site that leads nowhere: its page, the href, and what is missing. */
export interface BrokenLink {
  page: string;
  href: string;
  problem: string;
}

const ID = /\sid="([^"]+)"/g;
const HREF = /<a\s[^>]*?href="([^"]+)"/g;

const decodeHtml = (text: string) =>
  text
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

/** The built file a site path serves, as `serveStatic` finds it (`/a/` -> `a/index.html`, `/a` -> `a.html`). */
function targetFile(root: string, path: string): string | null {
  const candidates = path.endsWith('/') ? [`${path}index.html`] : [path, `${path}.html`];
  return candidates.map((candidate) => join(root, candidate)).find((file) => existsSync(file)) ?? null;
}

/**
 * Every internal link of every page of the built site, with its anchor: the page it names must
 * exist and hold an element with that id. External links are not followed.
 */
export async function brokenLinks(root: string): Promise<{ checked: number; broken: BrokenLink[] }> {
  const pages = (await readdir(root, { recursive: true }))
    .map((path) => path.split('\\').join('/'))
    .filter((path) => path.endsWith('.html'));
  const ids = new Map<string, Set<string>>();
  const html = new Map<string, string>();
  for (const page of pages) {
    const text = await readFile(join(root, page), 'utf8');
    html.set(join(root, page), text);
    ids.set(join(root, page), new Set([...text.matchAll(ID)].map((match) => decodeHtml(match[1]))));
  }
  const broken: BrokenLink[] = [];
  let checked = 0;
  for (const page of pages) {
    const text = html.get(join(root, page)) ?? '';
    for (const [, raw] of text.matchAll(HREF)) {
      const href = decodeHtml(raw);
      if (/^[a-z]+:/i.test(href) || href.startsWith('//')) continue;
      checked++;
      const [pathPart, anchor = ''] = href.split('#');
      const path = pathPart === '' ? `/${page}` : posix.resolve(posix.dirname(`/${page}`), pathPart);
      const file = targetFile(root, decodeURIComponent(path));
      if (file === null) {
        broken.push({ page, href, problem: 'no such page' });
      } else if (anchor !== '' && file.endsWith('.html') && !ids.get(file)?.has(decodeURIComponent(anchor))) {
        broken.push({ page, href, problem: `no element with id "${decodeURIComponent(anchor)}"` });
      }
    }
  }
  return { checked, broken };
}

// Han characters, CJK punctuation and full-width forms, as .vitepress/cjk-line-breaks.ts has them.
const CJK = '\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef';
const CJK_BREAK = new RegExp(`[${CJK}]\\n[${CJK}]`);

/**
 * Paragraphs of the built Chinese pages where a line break of the source sits between two Chinese
 * characters, which a browser shows as a stray space ("元素的 感受野").
 */
export async function cjkLineBreaks(root: string): Promise<string[]> {
  const pages = (await readdir(join(root, 'zh'), { recursive: true }))
    .map((path) => path.split('\\').join('/'))
    .filter((path) => path.endsWith('.html'));
  const found: string[] = [];
  for (const page of pages) {
    const text = await readFile(join(root, 'zh', page), 'utf8');
    for (const [paragraph] of text.matchAll(/<p>[\s\S]*?<\/p>/g)) {
      const match = CJK_BREAK.exec(paragraph);
      if (match)
        found.push(`zh/${page}: ...${paragraph.slice(Math.max(0, match.index - 12), match.index + 12)}...`);
    }
  }
  return found;
}
