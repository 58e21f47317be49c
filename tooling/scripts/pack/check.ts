import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import { optionalPeerDependencies, type PackageManifest, runtimeDependencies } from '../lib/workspace.js';
import { externalDependencyProblem } from './external.js';
import { fileReferences, packageOfSpecifier } from './imports.js';
import type { PackedPackage } from './tarball.js';

/** Listed in `files` but written only by the first `changeset version`. */
const OPTIONAL_FILES = new Set(['CHANGELOG.md']);
/** What every published package must carry besides its code. */
const REQUIRED_FILES = ['package.json', 'README.md', 'LICENSE'];
const CODE_FILE = /\.(?:[cm]?js|d\.[cm]?ts)$/;
const RESOLVE_EXTENSIONS = ['', '.js', '.mjs', '.cjs', '.d.ts', '/index.js', '/index.d.ts'];

/** Every path an `exports` map can hand out, with where it sits (`exports["."].import`). */
export function exportTargets(exportsField: unknown, where = 'exports'): { where: string; target: string }[] {
  if (typeof exportsField === 'string') return [{ where, target: exportsField }];
  if (Array.isArray(exportsField)) {
    return exportsField.flatMap((entry, i) => exportTargets(entry, `${where}[${i}]`));
  }
  if (exportsField !== null && typeof exportsField === 'object') {
    return Object.entries(exportsField).flatMap(([key, value]) =>
      exportTargets(value, `${where}[${JSON.stringify(key)}]`),
    );
  }
  return []; // null: a path deliberately blocked
}

/**
 * The entry points a manifest declares: `exports` targets, `main`, `module`, `types`, `typings`
 * and `browser` (a path, or a map whose string values are replacement paths).
 */
export function entryPoints(manifest: PackageManifest): { where: string; target: string }[] {
  const fields = (['main', 'module', 'types', 'typings'] as const)
    .filter((field) => typeof manifest[field] === 'string')
    .map((field) => ({ where: field, target: manifest[field] as string }));
  const browser = manifest.browser;
  const browserTargets =
    typeof browser === 'string'
      ? [{ where: 'browser', target: browser }]
      : browser !== null && typeof browser === 'object'
        ? Object.entries(browser)
            .filter(
              (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].startsWith('.'),
            )
            .map(([from, target]) => ({ where: `browser[${JSON.stringify(from)}]`, target }))
        : [];
  return [...exportTargets(manifest.exports), ...fields, ...browserTargets];
}

function normalize(path: string): string {
  return posix.normalize(path).replace(/^\.\//, '');
}

/** Whether a target (possibly a `*` pattern) names at least one file of the tarball. */
function matchesFile(files: ReadonlySet<string>, target: string): boolean {
  const path = normalize(target);
  if (!path.includes('*')) return files.has(path);
  const [head, tail] = path.split('*', 2) as [string, string];
  return [...files].some((file) => file.startsWith(head) && file.endsWith(tail));
}

/** Whether a `files` entry (a file, a folder, or a simple glob) matches something shipped. */
function filesEntryShipped(files: readonly string[], entry: string): boolean {
  const path = normalize(entry).replace(/\/$/, '');
  if (path.includes('*')) {
    const pattern = new RegExp(
      `^${path
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*')}(/|$)`,
    );
    return files.some((file) => pattern.test(file));
  }
  return files.some((file) => file === path || file.startsWith(`${path}/`));
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(packageOfSpecifier(specifier));
}

function resolvesInTarball(files: ReadonlySet<string>, fromFile: string, specifier: string): boolean {
  const base = posix.join(posix.dirname(fromFile), specifier);
  if (RESOLVE_EXTENSIONS.some((ext) => files.has(normalize(base + ext)))) return true;
  // A declaration file imports `./x.js` and means `./x.d.ts`.
  const declaration = base.replace(/\.([cm]?)js$/, '.d.$1ts');
  return files.has(normalize(declaration));
}

/**
 * What would break for someone who installs this tarball from npm, found without running it:
 * entry points and `files` entries that are not in the tarball, relative imports and assets
 * (a `.wasm` next to the code) that were left out, imports of packages the manifest does not
 * declare, and runtime dependencies outside the workspace (an offline install of Fovea's
 * tarballs could not satisfy them).
 */
export function checkPackedPackage(packed: PackedPackage, workspaceNames: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const { manifest } = packed;
  const files = new Set(packed.files);

  for (const { where, target } of entryPoints(manifest)) {
    if (!target.startsWith('./') && where.startsWith('exports')) {
      problems.push(`${where} is "${target}": exports targets must start with "./"`);
    } else if (!matchesFile(files, target)) {
      problems.push(`${where} points at "${target}", which is not in the tarball`);
    }
  }
  if (manifest.exports === undefined) problems.push('no "exports" map');

  for (const entry of manifest.files ?? []) {
    if (!OPTIONAL_FILES.has(entry) && !filesEntryShipped(packed.files, entry)) {
      problems.push(`"files" lists "${entry}", but nothing by that name is in the tarball`);
    }
  }
  for (const required of REQUIRED_FILES) {
    if (!files.has(required)) problems.push(`${required} is not in the tarball`);
  }

  const runtime = runtimeDependencies(manifest);
  for (const [dep, range] of Object.entries(runtime)) {
    if (range.startsWith('workspace:')) {
      problems.push(
        `dependency ${dep} is still "${range}" in the packed manifest (pnpm pack should rewrite it)`,
      );
    }
    const external = workspaceNames.has(dep) ? null : externalDependencyProblem(dep, range);
    if (external !== null) problems.push(external);
  }

  const optionalPeers = optionalPeerDependencies(manifest);
  const undeclared = new Map<string, string>();
  for (const file of packed.files.filter((f) => CODE_FILE.test(f))) {
    const { modules, assets } = fileReferences(file, readFileSync(posix.join(packed.root, file), 'utf8'));
    for (const specifier of modules) {
      if (specifier.startsWith('.')) {
        if (!resolvesInTarball(files, file, specifier)) {
          problems.push(`${file} imports "${specifier}", which is not in the tarball`);
        }
      } else if (!isBuiltin(specifier)) {
        const dep = packageOfSpecifier(specifier);
        const declared = dep in runtime || dep in optionalPeers;
        if (dep !== manifest.name && !declared && !undeclared.has(dep)) undeclared.set(dep, file);
      }
    }
    for (const asset of assets) {
      const path = normalize(posix.join(posix.dirname(file), asset));
      if (!files.has(path))
        problems.push(`${file} loads "${asset}" at run time, but ${path} is not in the tarball`);
    }
  }
  for (const [dep, file] of undeclared) {
    problems.push(`${file} imports ${dep}, which is missing from "dependencies"`);
  }
  return problems;
}
