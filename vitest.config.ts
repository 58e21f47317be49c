import { defineConfig } from 'vitest/config';

// One run over every package and app, so CI gets a single report. Workspace packages resolve
// to their TypeScript sources through the `@fovea/source` export condition.
const conditions = ['@fovea/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@fovea/source'] } },
  test: {
    include: ['{packages,apps}/*/test/**/*.test.ts', 'tooling/test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: 'test-output/vitest.json' },
  },
});
