import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type PackageManifest,
  repoRoot,
  runtimeDependencies,
  type WorkspacePackage,
} from '../lib/workspace.js';
import { externalDependencyProblem } from './external.js';

/** The condition that points workspace tools at TypeScript sources; it must not be published. */
export const SOURCE_CONDITION = '@fovea/source';

/** `exports` as published: the source condition dropped everywhere. */
export function withoutSourceCondition(exportsField: unknown): unknown {
  if (Array.isArray(exportsField)) return exportsField.map(withoutSourceCondition);
  if (exportsField === null || typeof exportsField !== 'object') return exportsField;
  return Object.fromEntries(
    Object.entries(exportsField)
      .filter(([key]) => key !== SOURCE_CONDITION)
      .map(([key, value]) => [key, withoutSourceCondition(value)]),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Condition objects where `types` comes after a condition TypeScript always matches (`import`,
 * `require`, `default`); `node` or `browser` are not TypeScript conditions unless configured.
 */
function misorderedTypes(exportsField: unknown, where = 'exports'): string[] {
  if (!isRecord(exportsField)) return [];
  const keys = Object.keys(exportsField);
  const found: string[] = [];
  const typesAt = keys.indexOf('types');
  const firstRuntime = keys.findIndex((key) => ['import', 'require', 'default'].includes(key));
  if (typesAt > firstRuntime && firstRuntime >= 0) {
    found.push(
      `${where}: "types" must come before "${keys[firstRuntime]}" (TypeScript takes the first match)`,
    );
  }
  for (const [key, value] of Object.entries(exportsField)) {
    found.push(...misorderedTypes(value, `${where}[${JSON.stringify(key)}]`));
  }
  return found;
}

/**
 * What an npm user (and npm's website) needs from a published package's manifest, and what
 * the workspace's tooling relies on. Each problem names the field and what was expected.
 */
export function metadataProblems(pkg: WorkspacePackage, workspaceNames: ReadonlySet<string>): string[] {
  const m: PackageManifest = pkg.manifest;
  const problems: string[] = [];
  const require = (ok: unknown, message: string): void => {
    if (!ok) problems.push(message);
  };
  const folder = pkg.folder.split('/').pop();

  require(m.private !== true, '"private" is set: packages under packages/ are published');
  require(m.name ===
    `@fovea/${folder}`, `"name" should be "@fovea/${folder}" (the folder's name), got "${m.name}"`);
  require(/^\d+\.\d+\.\d+/.test(
    m.version ?? '',
  ), `"version" should be semver, got ${JSON.stringify(m.version)}`);
  require(typeof m.description === 'string' &&
    m.description.trim().length >=
      20, '"description" should say in a sentence what the package is (npm search shows it)');
  require(Array.isArray(m.keywords) &&
    m.keywords.length > 0 &&
    m.keywords.every(
      (k) => typeof k === 'string' && k.trim(),
    ), '"keywords" should be a non-empty list of words');
  require(m.license === 'MIT', `"license" should be "MIT", got ${JSON.stringify(m.license)}`);
  const license = join(pkg.dir, 'LICENSE');
  require(existsSync(license) &&
    readFileSync(license, 'utf8') ===
      readFileSync(
        join(repoRoot, 'LICENSE'),
        'utf8',
      ), `${pkg.folder}/LICENSE should be a copy of the root LICENSE (npm ships the package folder only)`);
  require(existsSync(join(pkg.dir, 'README.md')), `${pkg.folder}/README.md is missing (npm's page shows it)`);

  const repo = m.repository;
  require(isRecord(repo) &&
    repo.type === 'git' &&
    typeof repo.url === 'string' &&
    /^git\+https:\/\//.test(repo.url) &&
    repo.directory ===
      pkg.folder, `"repository" should be {"type": "git", "url": "git+https://...", "directory": "${pkg.folder}"}`);
  require(typeof m.homepage === 'string' &&
    m.homepage.startsWith('https://'), '"homepage" should be an https URL');
  require(m.type === 'module', '"type" should be "module": the packages ship ES modules');
  require(m.sideEffects === false ||
    Array.isArray(
      m.sideEffects,
    ), '"sideEffects" should be false (or list the files that have side effects) so bundlers can tree-shake');
  require(typeof m.engines?.node === 'string', '"engines.node" should state the Node.js versions supported');

  const files = m.files ?? [];
  require(Array.isArray(m.files) && files.length > 0, '"files" should list what is published');
  for (const needed of ['README.md', 'LICENSE']) {
    require(files.includes(needed), `"files" should include "${needed}"`);
  }

  const root = isRecord(m.exports) ? m.exports['.'] : undefined;
  require(isRecord(root), '"exports" should be a map with a "." entry');
  if (isRecord(root)) {
    require(typeof root.types === 'string', '"exports"["."] should have a "types" condition');
    require(typeof root.import === 'string' ||
      typeof root.default === 'string', '"exports"["."] should have an "import" or "default" condition');
    require(m.types ===
      root.types, `"types" should match exports["."].types (${String(root.types)}) for older tools`);
    const runtimeEntry = root.import ?? root.default;
    require(m.main === runtimeEntry, `"main" should match exports["."].import (${String(runtimeEntry)})`);
  }
  require(isRecord(m.exports) &&
    m.exports['./package.json'] ===
      './package.json', '"exports" should expose "./package.json" (tools read it)');
  problems.push(...misorderedTypes(m.exports));

  require(m.publishConfig?.access ===
    'public', '"publishConfig.access" should be "public" (a scoped package)');
  const published = withoutSourceCondition(m.exports);
  require(JSON.stringify(m.publishConfig?.exports) ===
    JSON.stringify(
      published,
    ), `"publishConfig.exports" should be "exports" without the "${SOURCE_CONDITION}" condition, which points at ` +
    `sources that are not published; expected ${JSON.stringify(published)}`);

  for (const [dep, range] of Object.entries(runtimeDependencies(m))) {
    if (!workspaceNames.has(dep)) {
      const external = externalDependencyProblem(dep, range);
      if (external !== null) problems.push(external);
      continue;
    }
    require(range.startsWith(
      'workspace:',
    ), `dependency ${dep} should use the workspace: protocol ("workspace:^"), got "${range}"`);
  }
  return problems;
}
