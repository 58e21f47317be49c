import type { Plugin } from 'vitepress';

const ENTRY = /\/packages\/[^/]+\/src\/index\.ts$/;

/**
 * Marks the workspace packages' source entries (the `@fovea/source` condition) as having side
 * effects. @fovea/tensor's index installs Tensor's methods by importing tensor-methods.ts and is
 * otherwise re-exports; its package.json lists only tensor-methods.ts under `sideEffects`, so
 * Rollup, seeing a side-effect-free index whose re-exports alone are used, skips the index and the
 * methods with it (a bundle that imports named exports, as the LeNet worker does, then has no
 * `t.add`). The published build keeps them: there the methods live in the index's own chunk.
 */
export function sourceEntries(): Plugin {
  return {
    name: 'fovea-docs:source-entries',
    transform(code, id) {
      return ENTRY.test(id) ? { code, map: null, moduleSideEffects: true } : null;
    },
  };
}
