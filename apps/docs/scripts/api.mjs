// Generates the API reference from the packages' TSDoc comments (TypeDoc with
// typedoc-plugin-markdown) into api/: one page per published package, `api/<package>.md`, one
// per namespace it exports (`api/nn/functional.md`) and one per class (`api/nn/Conv2d.md`), the
// sidebar, and a Chinese twin of each page under zh/api/. Runs before every `dev` and `build`.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertPackages } from './typedoc.mjs';

const docs = dirname(dirname(fileURLToPath(import.meta.url)));
const packagesDir = join(docs, '../../packages');
const apiDir = join(docs, 'api');
const scratch = join(apiDir, '.typedoc');
/** The guide's order; packages added later (data, onnx) follow, by name. */
const ORDER = ['tensor', 'nn', 'optim', 'receptive-field', 'autograd'];

/** Every published package of the workspace: a `src/index.ts` and no `private`. */
async function publishedPackages() {
  const names = [];
  for (const name of await readdir(packagesDir)) {
    const manifest = join(packagesDir, name, 'package.json');
    if (!existsSync(manifest) || !existsSync(join(packagesDir, name, 'src/index.ts'))) continue;
    if (!JSON.parse(await readFile(manifest, 'utf8')).private) names.push(name);
  }
  const rank = (name) => (ORDER.includes(name) ? ORDER.indexOf(name) : ORDER.length);
  return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
const PACKAGES = await publishedPackages();

/** Entry points a package publishes besides its main one (`@fovea/tensor/webgpu`), each a page. */
const SUBPATHS = { tensor: ['webgpu'] };
const { app, project } = await convertPackages(
  PACKAGES.flatMap((name) => [
    join(packagesDir, name, 'src/index.ts'),
    ...(SUBPATHS[name] ?? []).map((subpath) => join(packagesDir, name, 'src', subpath, 'index.ts')),
  ]),
  { plugin: ['typedoc-plugin-markdown'], out: scratch },
);
await rm(apiDir, { recursive: true, force: true });
await app.generateOutputs(project);

/**
 * Where a generated page goes: `nn/index.md` -> `nn.md`, `nn/functional/index.md` ->
 * `nn/functional.md`, `nn/classes/Conv2d.md` -> `nn/Conv2d.md`.
 */
function finalPath(path) {
  return path
    .replace(/^(.+)\/index\.md$/, '$1.md')
    .replace('/classes/', '/')
    .replace('/namespaces/', '/');
}

/** Rewrites the relative links of a page moving from `from` to `finalPath(from)`. */
function relink(markdown, from) {
  return markdown.replace(/\]\(([^)\s#]+\.md)(#[^)\s]*)?\)/g, (_, target, anchor = '') => {
    const moved = finalPath(posix.join(posix.dirname(from), target));
    const relative = posix.relative(posix.dirname(finalPath(from)), moved);
    return `](${relative.startsWith('.') ? '' : './'}${relative}${anchor})`;
  });
}

/**
 * Anchors as VitePress makes them from headings: TypeDoc links `MAX_ELEMENTS` to
 * `#max_elements`, but VitePress's heading slug turns each run of `_` into `-` and trims it at
 * the ends (`#max-elements`; `add_` is `#add`).
 */
function vitepressAnchors(markdown) {
  return markdown.replace(/\]\(([^)\s#]*)#([^)\s]+)\)/g, (_, target, anchor) => {
    const slug = anchor
      .replace(/_+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^-+|-+$/g, '');
    return `](${target}#${slug})`;
  });
}

/** VitePress's heading slug (@mdit-vue/shared's slugify), before it numbers repeats `-1`, `-2`. */
function headingSlug(text) {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036F]/g, '')
    .replace(/[\s~`!@#$%^&*()\-_+=[\]{}|\\;:"'“”‘’<>,.?/]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/^(\d)/, '_$1')
    .toLowerCase();
}

/**
 * Links within a page to the heading they name. TypeDoc numbers the anchors of names that differ
 * only in case (`receptiveField()` and `ReceptiveField`) in its own order, VitePress in the
 * page's: a link whose anchor is no heading of that name goes to the one heading that is.
 * `markdown` is the page's body, below its `title`.
 */
function headingAnchors(markdown, title) {
  const headings = [];
  // The page's title is its first heading, and takes its slug first.
  const seen = new Map([[headingSlug(title), 1]]);
  for (const match of markdown.matchAll(/^#{2,6} (.+)$/gm)) {
    const text = match[1].replace(/\\(.)/g, '$1');
    const base = headingSlug(text);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    headings.push({ name: text.replace(/\(\)$/, ''), slug: count === 0 ? base : `${base}-${count}` });
  }
  return markdown.replace(/\[`?([^\]`]+)`?\]\(#([^)\s]+)\)/g, (link, label, anchor) => {
    if (markdown.includes(`id="${anchor}"`)) return link;
    if (headings.some((heading) => heading.slug === anchor && heading.name === label)) return link;
    const named = headings.filter((heading) => heading.name === label);
    return named.length === 1 ? link.replace(`(#${anchor})`, `(#${named[0].slug})`) : link;
  });
}

// Sub-headings TypeDoc gives every member. As headings they fill the outline and the search
// results with hundreds of "Parameters" and "Returns"; as bold labels they still read the same.
const LABELS =
  /^#{2,6} (Parameters|Returns|Type Parameters|Example|Examples|Throws|Call Signature|Overrides|Implementation of|Remarks|See|Default Value|Type Declaration|Index Signature|Accessors|Extends|Extended by|Implements|Deprecated)$/gm;

/**
 * TeX in doc comments (`$...$`, `$$...$$`, typeset by MathJax as in the guide) back as written:
 * sanitizeComments escapes its braces and `<` for Vue, which `::: v-pre` already keeps away.
 */
function unescapeMath(markdown) {
  return markdown.replace(/\$\$[\s\S]+?\$\$|\$[^$\n]+\$/g, (math) => math.replace(/\\([{}<>])/g, '$1'));
}

// The member kinds inside an interface's section, likewise.
const MEMBER_KINDS = /^#{4,6} (Properties|Methods|Constructors|Accessors)$/gm;

async function packageHeader(name) {
  const manifest = JSON.parse(await readFile(join(packagesDir, name, 'package.json'), 'utf8'));
  return { title: manifest.name, description: manifest.description };
}

/**
 * Title and one-line description of a page: a package, an entry point (`tensor/webgpu`), a
 * namespace (`nn/init`) or a class (`nn/Conv2d`, `tensor/webgpu/GpuArray`).
 */
async function header(name, isClass) {
  if (PACKAGES.includes(name)) return packageHeader(name);
  const parts = name.split('/');
  const [pkg, member] = parts;
  const up = '../'.repeat(parts.length - 1);
  if (isClass) {
    const owner = parts.slice(0, -1).join('/');
    return { title: parts.at(-1), description: `Class of [@fovea/${owner}](${up}${owner}.md).` };
  }
  if (SUBPATHS[pkg]?.includes(member)) {
    return {
      title: `@fovea/${name}`,
      description: `The entry point \`@fovea/${name}\` of [@fovea/${pkg}](${up}${pkg}.md), imported on its own.`,
    };
  }
  return { title: `@fovea/${pkg}.${member}`, description: `Namespace of [@fovea/${pkg}](../${pkg}.md).` };
}

const generated = (await readdir(scratch, { recursive: true })).filter((path) => path.endsWith('.md'));
/** Pages by package: the package's own page, then its namespaces and classes. */
const pages = new Map(PACKAGES.map((name) => [name, []]));
for (const path of generated.map((p) => p.split('\\').join('/'))) {
  if (path === 'index.md') continue;
  const target = finalPath(path);
  const name = target.replace(/\.md$/, '');
  const isClass = path.includes('/classes/');
  const { title, description } = await header(name, isClass);
  const markdown = relink(await readFile(join(scratch, path), 'utf8'), path);
  const labelled = unescapeMath(vitepressAnchors(markdown))
    .replace(/^# .*\n/, '')
    .replace(LABELS, '**$1**')
    .replace(MEMBER_KINDS, '**$1**');
  const body = headingAnchors(labelled, title);
  // `::: v-pre` stops Vue from reading `{{ }}` in doc comments as template syntax. The outline
  // lists each member (level 3) under its kind (level 2); `api-page` wraps long signatures
  // (style.css) instead of cutting them off.
  const page = `---\noutline: [2, 3]\npageClass: api-page\n---\n\n# ${title}\n\n${description}\n\n::: v-pre\n${body}\n:::\n`;
  await mkdir(dirname(join(apiDir, target)), { recursive: true });
  await writeFile(join(apiDir, target), page);
  pages.get(name.split('/')[0]).push({ name, title, description, kind: isClass ? 'class' : 'page' });
}
await rm(scratch, { recursive: true, force: true });

const byTitle = (a, b) => a.title.localeCompare(b.title);

// A package page sorted into categories (tensor's) has no "Classes" section: its classes and
// entry points are linked under its description instead.
for (const pkg of PACKAGES) {
  const path = join(apiDir, `${pkg}.md`);
  const page = await readFile(path, 'utf8');
  if (/^## Classes$/m.test(page)) continue;
  const own = pages.get(pkg).filter((entry) => entry.name.split('/').length === 2);
  const link = (entry) => `[${entry.title}](./${entry.name}.md)`;
  const classes = own.filter((entry) => entry.kind === 'class').sort(byTitle);
  const entries = own.filter((entry) => entry.kind !== 'class');
  const lines = [
    classes.length > 0 ? `Classes: ${classes.map(link).join(', ')}.` : '',
    entries.length > 0 ? `Also: ${entries.map(link).join(', ')}.` : '',
  ].filter((line) => line !== '');
  if (lines.length === 0) continue;
  await writeFile(path, page.replace('\n\n::: v-pre\n', `\n\n${lines.join(' ')}\n\n::: v-pre\n`));
}

const packagePages = PACKAGES.map((pkg) => pages.get(pkg).find((page) => page.name === pkg));
const entries = packagePages.map((page) => `- [${page.title}](./${page.name}.md): ${page.description}`);
await writeFile(
  join(apiDir, 'index.md'),
  `# API reference\n\nGenerated from the packages' TSDoc comments: a page per package, with its functions,\noptions and types, and a page per class.\n\n${entries.join('\n')}\n`,
);

// The sidebar (read by .vitepress/locales.ts): each package, its namespaces, then its classes.
const sidebar = PACKAGES.map((pkg) => {
  const [own, ...rest] = [
    pages.get(pkg).find((page) => page.name === pkg),
    ...pages.get(pkg).filter((page) => page.name !== pkg),
  ];
  const namespaces = rest.filter((page) => page.kind === 'page').sort(byTitle);
  const classes = rest.filter((page) => page.kind === 'class').sort(byTitle);
  return {
    text: own.title,
    link: `/api/${pkg}`,
    collapsed: true,
    items: [...namespaces, ...classes].map((page) => ({
      text: page.title.replace(`@fovea/${pkg}.`, `${pkg}.`).replace(/^@fovea\//, ''),
      link: `/api/${page.name}`,
    })),
  };
});
await writeFile(join(apiDir, 'sidebar.json'), `${JSON.stringify(sidebar, null, 2)}\n`);

// The reference is in English only. Each page gets a Chinese twin at /zh/api/... that says so and
// links to it, so the language switch of an API page leads somewhere.
const zhDir = join(docs, 'zh/api');
await rm(zhDir, { recursive: true, force: true });
const allPages = [...pages.values()].flat();
for (const page of allPages) {
  const depth = page.name.split('/').length;
  const up = '../'.repeat(depth);
  const twin = `# ${page.title}\n\n本页 API 参考文档只有英文版：[阅读英文版 ${page.title}](${up}../api/${page.name}.md)。\n`;
  await mkdir(dirname(join(zhDir, `${page.name}.md`)), { recursive: true });
  await writeFile(join(zhDir, `${page.name}.md`), twin);
}
const zhEntries = packagePages.map((page) => `- [${page.title}](../../api/${page.name}.md)（英文）`);
await writeFile(
  join(zhDir, 'index.md'),
  `# API 参考\n\nAPI 参考文档由各个包源代码中的 TSDoc 注释生成，只有英文版。每个包一页（函数、选项和类型），每个类一页。\n\n${zhEntries.join('\n')}\n`,
);
