// The tooling is TypeScript under strict settings too; `pnpm typecheck` covers only the packages.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { exec } from '../scripts/lib/exec.js';
import { repoRoot } from '../scripts/lib/workspace.js';

it('tooling/ type-checks (strict)', () => {
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = exec(process.execPath, [tsc, '--noEmit', '-p', 'tooling/tsconfig.json'], { cwd: repoRoot });
  expect(`${result.stdout}${result.stderr}`).toBe('');
  expect(result.status).toBe(0);
}, 120_000);
