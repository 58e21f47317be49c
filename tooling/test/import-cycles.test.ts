// No import cycles in any package's sources (issue 15: tensor.ts and eight op modules imported
// each other). Type-only imports do not count: they vanish from the JavaScript.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, valueImports } from '../scripts/lib/import-cycles.js';
import { repoRoot, workspacePackages } from '../scripts/lib/workspace.js';

describe('import cycles', () => {
  const packages = workspacePackages().filter((p) => existsSync(join(p.dir, 'src')));

  it('finds the packages to check', () => {
    expect(packages.map((p) => p.manifest.name)).toContain('@fovea/tensor');
  });

  for (const p of packages) {
    it(`${p.manifest.name} has none`, () => {
      expect(importCycles(importGraph(join(p.dir, 'src')), repoRoot)).toEqual([]);
    });
  }

  it('reports a cycle, and leaves type-only imports out', () => {
    const a = '/p/a.ts';
    const b = '/p/b.ts';
    const c = '/p/c.ts';
    expect(valueImports(a, "import { f } from './b.js';\nimport type { T } from './c.js';")).toEqual([b]);
    expect(valueImports(b, "import { type T, type U } from './a.js';\nexport { g } from './c.js';")).toEqual([
      c,
    ]);
    const graph = new Map([
      [a, [b]],
      [b, [c]],
      [c, [a]],
    ]);
    expect(importCycles(graph, '/p')).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(importCycles(new Map([...graph, [c, []]]), '/p')).toEqual([]);
  });
});
