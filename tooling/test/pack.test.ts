// The packaging test (`pnpm test:pack`): every published package, packed, installed on its own
// from its tarball and those of the Fovea packages it depends on, offline, then run as ESM and
// type-checked against its shipped .d.ts.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../scripts/lib/build.js';
import { publishedPackages, repoRoot } from '../scripts/lib/workspace.js';
import { expectedOutput } from '../scripts/pack/expectations.js';
import { PackagingTest } from '../scripts/pack/run.js';

const packages = publishedPackages();
let workDir = '';
let packaging: PackagingTest;

beforeAll(() => {
  ensureBuilt(packages);
  workDir = mkdtempSync(join(tmpdir(), 'fovea-pack-'));
  packaging = new PackagingTest(workDir, packages);
  packaging.pack();
}, 600_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

it('works outside the workspace', () => {
  expect(workDir.startsWith(repoRoot)).toBe(false);
});

it('every published package has a smoke script and its expected output', () => {
  const missing = packages.filter(
    (pkg) =>
      !existsSync(join(repoRoot, 'tooling/scripts/pack/smoke', `${pkg.folder.split('/')[1]}.ts`)) ||
      expectedOutput[pkg.name] === undefined,
  );
  expect(missing.map((pkg) => pkg.name)).toEqual([]);
});

describe.each(packages.map((pkg) => pkg.name))('%s', (name) => {
  it('the tarball holds its entry points, files and assets, and declares what it imports', () => {
    expect(packaging.checkTarball(name)).toEqual([]);
  });

  it('installs offline with only its Fovea dependencies; the smoke script runs as ESM and type-checks', () => {
    expect(packaging.checkInstall(name)).toEqual([]);
  }, 120_000);
});
