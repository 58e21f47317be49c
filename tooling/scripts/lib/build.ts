import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execOrThrow } from './exec.js';
import { repoRoot, type WorkspacePackage } from './workspace.js';

/** The files a package's `main` and `types` point at, which `pnpm build` writes. */
function buildOutputs(pkg: WorkspacePackage): string[] {
  const { main, types } = pkg.manifest;
  return [main, types]
    .filter((path): path is string => typeof path === 'string')
    .map((p) => join(pkg.dir, p));
}

export function isBuilt(packages: readonly WorkspacePackage[]): boolean {
  return packages.every((pkg) => buildOutputs(pkg).every((file) => existsSync(file)));
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds the libraries under packages/* (with turbo, as `pnpm build` does) unless every package's
 * entry files exist: the root `test` script builds first, so this only matters for a bare
 * `vitest run` on a clean clone. Test files run in
 * parallel processes: a lock folder makes them build once, one at a time.
 */
export function ensureBuilt(packages: readonly WorkspacePackage[]): void {
  if (isBuilt(packages)) return;
  const lock = join(repoRoot, 'node_modules', '.cache', 'fovea-tooling-build.lock');
  mkdirSync(join(lock, '..'), { recursive: true });
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than the longest build is left over from a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 5 * 60_000)
        rmSync(lock, { recursive: true });
      if (Date.now() > deadline) throw new Error(`ensureBuilt: waited 5 minutes for ${lock}`);
      sleep(500);
    }
  }
  try {
    if (!isBuilt(packages)) {
      const turbo = join(repoRoot, 'node_modules', '.bin', 'turbo');
      const args = ['run', 'build', '--filter=./packages/*', '--output-logs=errors-only'];
      execOrThrow(turbo, args, { cwd: repoRoot, timeoutMs: 10 * 60_000 });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
