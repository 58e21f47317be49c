// Releasing through changesets: `changeset version` bumps only the packages a changeset names and
// the packages that depend on them, and `pnpm publish -r --dry-run` would publish the libraries.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../scripts/lib/build.js';
import { copyRepository } from '../scripts/lib/copy.js';
import { execOrThrow } from '../scripts/lib/exec.js';
import {
  dependents,
  libraryPackages,
  publishedPackages,
  readManifest,
  repoRoot,
  type WorkspacePackage,
} from '../scripts/lib/workspace.js';

type Bump = 'patch' | 'minor' | 'major';

function bump(version: string, type: Bump): string {
  const [major = 0, minor = 0, patch = 0] = version.split('-')[0]?.split('.').map(Number) ?? [];
  if (type === 'major') return `${major + 1}.0.0`;
  if (type === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

/** The bump that leaves a caret range (`^0.1.0` excludes 0.2.0; `^1.2.0` excludes 2.0.0). */
function breaking(version: string): Bump {
  return version.startsWith('0.') ? 'minor' : 'major';
}

function versions(packages: readonly WorkspacePackage[]): Map<string, string> {
  return new Map(packages.map((pkg) => [pkg.name, pkg.manifest.version]));
}

const copies: string[] = [];
afterEach(() => {
  for (const copy of copies.splice(0)) rmSync(copy, { recursive: true, force: true });
});

/**
 * Writes one changeset into a fresh copy of the repository and runs `changeset version` there,
 * with the repository's own @changesets/cli (nothing is installed in the copy). It runs the bin
 * directly: `pnpm changeset` would first verify the install, which a copy without node_modules
 * fails, and which through a symlinked node_modules would rewrite the real one.
 */
function versionWith(
  releases: Record<string, Bump>,
  summary: string,
): { copy: string; after: Map<string, string> } {
  const copy = copyRepository('fovea-changeset-');
  copies.push(copy);
  const frontMatter = Object.entries(releases)
    .map(([name, type]) => `"${name}": ${type}`)
    .join('\n');
  writeFileSync(join(copy, '.changeset', 'sample-change.md'), `---\n${frontMatter}\n---\n\n${summary}\n`);
  const bin = join(repoRoot, 'node_modules', '@changesets', 'cli', 'bin.js');
  execOrThrow(process.execPath, [bin, 'version'], { cwd: copy });
  expect(existsSync(join(copy, '.changeset', 'sample-change.md'))).toBe(false);
  return { copy, after: versions(libraryPackages(copy)) };
}

describe('changeset version, in a temporary copy of the repository', () => {
  const libraries = libraryPackages();
  const before = versions(libraries);
  const version = (name: string) => before.get(name) ?? '0.0.0';

  /** Libraries other than `name` and its dependents keep their versions. */
  function expectOnlyNamedAndDependents(after: Map<string, string>, name: string): void {
    const allowed = new Set([name, ...dependents(libraries, name)]);
    const changed = [...after].filter(([pkg, v]) => before.get(pkg) !== v).map(([pkg]) => pkg);
    expect(changed.filter((pkg) => !allowed.has(pkg))).toEqual([]);
  }

  it('a patch to @fovea/tensor bumps tensor only: its dependents still accept it', () => {
    const { copy, after } = versionWith({ '@fovea/tensor': 'patch' }, 'Fix a sample bug.');
    expect(after.get('@fovea/tensor')).toBe(bump(version('@fovea/tensor'), 'patch'));
    for (const other of ['@fovea/autograd', '@fovea/nn', '@fovea/optim', '@fovea/receptive-field']) {
      expect(after.get(other), other).toBe(version(other));
    }
    expectOnlyNamedAndDependents(after, '@fovea/tensor');
    const changelog = readFileSync(join(copy, 'packages/tensor/CHANGELOG.md'), 'utf8');
    expect(changelog).toContain(`## ${bump(version('@fovea/tensor'), 'patch')}`);
    expect(changelog).toContain('Fix a sample bug.');
    // workspace:^ ranges stay; `pnpm pack` turns them into ^<new version> when publishing.
    expect(readManifest(join(copy, 'packages/nn')).dependencies?.['@fovea/tensor']).toBe('workspace:^');
  });

  it('a breaking change to @fovea/tensor bumps it and patches nn, optim and receptive-field; autograd untouched', () => {
    const type = breaking(version('@fovea/tensor'));
    const next = bump(version('@fovea/tensor'), type);
    const { copy, after } = versionWith({ '@fovea/tensor': type }, 'A sample breaking change.');
    expect(after.get('@fovea/tensor')).toBe(next);
    for (const dependent of ['@fovea/nn', '@fovea/optim', '@fovea/receptive-field']) {
      expect(after.get(dependent), dependent).toBe(bump(version(dependent), 'patch'));
      const folder = dependent.replace('@fovea/', 'packages/');
      const changelog = readFileSync(join(copy, folder, 'CHANGELOG.md'), 'utf8');
      expect(changelog).toContain('Updated dependencies');
      expect(changelog).toContain(`@fovea/tensor@${next}`);
    }
    expect(after.get('@fovea/autograd')).toBe(version('@fovea/autograd'));
    expect(existsSync(join(copy, 'packages/autograd/CHANGELOG.md'))).toBe(
      existsSync(join(repoRoot, 'packages/autograd/CHANGELOG.md')),
    );
    expectOnlyNamedAndDependents(after, '@fovea/tensor');
  });

  it('a breaking change to @fovea/nn bumps nn and receptive-field only', () => {
    const type = breaking(version('@fovea/nn'));
    const { after } = versionWith({ '@fovea/nn': type }, 'A sample breaking change to nn.');
    expect(after.get('@fovea/nn')).toBe(bump(version('@fovea/nn'), type));
    expect(after.get('@fovea/receptive-field')).toBe(bump(version('@fovea/receptive-field'), 'patch'));
    for (const other of ['@fovea/autograd', '@fovea/tensor', '@fovea/optim']) {
      expect(after.get(other), other).toBe(version(other));
    }
    expectOnlyNamedAndDependents(after, '@fovea/nn');
  });
});

describe('publishing', () => {
  beforeAll(() => ensureBuilt(publishedPackages()), 600_000);

  it('`pnpm release` builds, then publishes through changesets', () => {
    const root = readManifest(repoRoot);
    expect(root.scripts?.release).toMatch(/^pnpm build && changeset publish$/);
  });

  it('`pnpm publish -r --dry-run` would publish exactly the libraries, each with its code, types, README and LICENSE', () => {
    const { stdout } = execOrThrow('pnpm', ['publish', '-r', '--dry-run', '--no-git-checks', '--json'], {
      cwd: repoRoot,
    });
    const published = JSON.parse(stdout) as { name: string; version: string; files: { path: string }[] }[];
    const expected = publishedPackages();
    expect(published.map((p) => p.name).sort()).toEqual(expected.map((p) => p.name).sort());
    for (const entry of published) {
      const pkg = expected.find((p) => p.name === entry.name);
      expect(entry.version).toBe(pkg?.manifest.version);
      const files = entry.files.map((f) => f.path);
      for (const needed of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']) {
        expect(files, `${entry.name} ships ${needed}`).toContain(needed);
      }
      expect(
        files.filter((f) => f.startsWith('src/') || f.startsWith('test/')),
        entry.name,
      ).toEqual([]);
    }
  }, 120_000);
});
