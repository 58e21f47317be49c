// Writes each runnable snippet of the pages (```ts run fences) to .vitepress/cache/snippets/ as a
// module named after its page and line (guide__edge-detection.md__line-12.ts), so that
// `typecheck` checks the examples against the packages along with the rest of the site.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const docs = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(docs, '.vitepress/cache/snippets');
const SKIP = /^(node_modules|api|test|scripts|\.vitepress)(\/|$)/;

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
const pages = (await readdir(docs, { recursive: true })).filter(
  (path) => path.endsWith('.md') && !SKIP.test(path),
);
for (const page of pages) {
  const markdown = await readFile(join(docs, page), 'utf8');
  for (const match of markdown.matchAll(/^```ts run\n([\s\S]*?)^```/gm)) {
    const line = markdown.slice(0, match.index).split('\n').length + 1;
    await writeFile(join(out, `${page.replaceAll('/', '__')}__line-${line}.ts`), match[1]);
  }
}
