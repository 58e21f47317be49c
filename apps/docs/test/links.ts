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
