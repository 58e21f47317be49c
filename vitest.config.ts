import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One run over every package and app, so CI gets a single report, and one project per workspace
// member, so `pnpm --filter <pkg> test` (vitest --project <pkg>) runs a package's tests alone.
// Workspace packages resolve to their TypeScript sources through the `@fovea/source` condition.
const conditions = ['@fovea/source', 'import', 'module', 'node', 'default'];

const repoRoot = fileURLToPath(new URL('.', import.meta.url));

/** Every workspace member with a test/ folder, named by its package name. */
function testedMembers(): { name: string; root: string }[] {
  const folders = [join(repoRoot, 'tooling')];
  for (const group of ['packages', 'apps', 'tooling']) {
    for (const entry of readdirSync(join(repoRoot, group), { withFileTypes: true })) {
      if (entry.isDirectory()) folders.push(join(repoRoot, group, entry.name));
    }
  }
  return folders
    .filter((dir) => existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'test')))
    .map((dir) => ({ name: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name, root: dir }));
}

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@fovea/source'] } },
  test: {
    testTimeout: 60_000,
    // Every kernel read of a copy kept in WebAssembly memory is checked against its host array
    // (packages/tensor/src/kernels/wasm/limits.ts, checkResident). The plain SIMD build of the
    // kernels runs, whose results are the reference's bits; test/wasm/relaxed-simd.test.ts asks
    // for the relaxed one (packages/tensor/src/kernels/wasm/embedded.ts).
    env: { FOVEA_CHECK_RESIDENT: '1', FOVEA_RELAXED_SIMD: '0' },
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: 'test-output/vitest.json' },
    projects: testedMembers().map(({ name, root }) => ({
      extends: true,
      test: { name, root, include: ['test/**/*.test.ts'] },
    })),
  },
});
