import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execOrThrow } from './exec.js';
import { repoRoot } from './workspace.js';

/**
 * A copy of the repository's working tree (tracked files and new files git does not ignore,
 * as they are now) in a fresh temporary folder, without node_modules or build output. Pending
 * changesets are left out so a test can write its own.
 */
export function copyRepository(prefix = 'fovea-copy-'): string {
  const copy = mkdtempSync(join(tmpdir(), prefix));
  const { stdout } = execOrThrow('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
  });
  for (const file of stdout.split('\0').filter(Boolean)) {
    const from = join(repoRoot, file);
    if (!existsSync(from)) continue; // deleted in the working tree
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    copyFileSync(from, join(copy, file));
  }
  const changesets = join(copy, '.changeset');
  for (const file of existsSync(changesets) ? readdirSync(changesets) : []) {
    if (file.endsWith('.md') && file !== 'README.md') rmSync(join(changesets, file));
  }
  return copy;
}
