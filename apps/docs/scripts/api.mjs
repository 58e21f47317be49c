// Generates the API reference from the packages' TSDoc comments (TypeDoc with
// typedoc-plugin-markdown) into api/: one page per package, `api/<package>.md`, and one per
// namespace it exports (`api/nn/functional.md`). Runs before every `dev` and `build`.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, Converter, ReflectionKind } from 'typedoc';

const docs = dirname(dirname(fileURLToPath(import.meta.url)));
const packagesDir = join(docs, '../../packages');
const apiDir = join(docs, 'api');
const scratch = join(apiDir, '.typedoc');
const PACKAGES = ['tensor', 'nn', 'optim', 'receptive-field', 'autograd'];

const app = await Application.bootstrapWithPlugins({
  entryPoints: PACKAGES.map((name) => join(packagesDir, name, 'src/index.ts')),
  tsconfig: join(docs, 'scripts/tsconfig.api.json'),
  plugin: ['typedoc-plugin-markdown'],
  out: scratch,
  readme: 'none',
  outputFileStrategy: 'modules',
  entryFileName: 'index',
  hidePageHeader: true,
  hideBreadcrumbs: true,
  disableSources: true,
  excludeInternal: true,
  sanitizeComments: true,
  // Packages are written concurrently; a type error in one must not take the docs down.
  skipErrorChecking: true,
});
// Entry points are named after their path (`tensor/src`); name them after their package.
app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
  for (const module of context.project.children ?? []) module.name = module.name.replace(/\/src$/, '');
});

// Members a class inherits are documented once, on the class that declares them (Module's
// methods on Module, not again on each of the layers).
app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
  for (const reflection of Object.values(context.project.reflections)) {
    if (reflection.inheritedFrom && !reflection.kindOf(ReflectionKind.Constructor)) {
      context.project.removeReflection(reflection);
    }
  }
});

const project = await app.convert();
if (!project) throw new Error('api: TypeDoc could not convert the packages (see the messages above)');
await rm(apiDir, { recursive: true, force: true });
await app.generateOutputs(project);

/** Where a generated page goes: `nn/index.md` -> `nn.md`, `nn/namespaces/init.md` -> `nn/init.md`. */
function finalPath(path) {
  return path.replace(/^([^/]+)\/index\.md$/, '$1.md').replace('/namespaces/', '/');
}

/** Rewrites the relative links of a page moving from `from` to `finalPath(from)`. */
function relink(markdown, from) {
  return markdown.replace(/\]\(([^)\s#]+\.md)(#[^)\s]*)?\)/g, (_, target, anchor = '') => {
    const moved = finalPath(posix.join(posix.dirname(from), target));
    const relative = posix.relative(posix.dirname(finalPath(from)), moved);
    return `](${relative.startsWith('.') ? '' : './'}${relative}${anchor})`;
  });
}

async function packageHeader(name) {
  const manifest = JSON.parse(await readFile(join(packagesDir, name, 'package.json'), 'utf8'));
  return { title: manifest.name, description: manifest.description };
}

const generated = (await readdir(scratch, { recursive: true })).filter((path) => path.endsWith('.md'));
const entries = [];
for (const path of generated.map((p) => p.split('\\').join('/'))) {
  if (path === 'index.md') continue;
  const target = finalPath(path);
  const name = target.replace(/\.md$/, '');
  const header = PACKAGES.includes(name)
    ? await packageHeader(name)
    : { title: `@fovea/${name.replace('/', '.')}`, description: '' };
  const body = relink(await readFile(join(scratch, path), 'utf8'), path).replace(/^# .*\n/, '');
  // `::: v-pre` stops Vue from reading `{{ }}` in doc comments as template syntax.
  const page = `# ${header.title}\n\n${header.description}\n\n::: v-pre\n${body}\n:::\n`;
  await mkdir(dirname(join(apiDir, target)), { recursive: true });
  await writeFile(join(apiDir, target), page);
  entries.push(`- [${header.title}](./${name}.md)${header.description ? `: ${header.description}` : ''}`);
}
const index = `# API reference\n\nGenerated from the packages' TSDoc comments.\n\n${entries.sort().join('\n')}\n`;
await writeFile(join(apiDir, 'index.md'), index);
await rm(scratch, { recursive: true, force: true });
