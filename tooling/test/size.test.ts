// `pnpm size`: @fovea/tensor's bundle size against its written budget, and tree-shaking.
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../scripts/lib/build.js';
import { publishedPackages } from '../scripts/lib/workspace.js';
import {
  type Budget,
  bytesOverBudget,
  overBudget,
  readBudgets,
  treeShakingProblems,
} from '../scripts/size/budget.js';
import { measurePackage, type SizeReport } from '../scripts/size/measure.js';

let report: SizeReport;
const budget = readBudgets()['@fovea/tensor'];

beforeAll(async () => {
  ensureBuilt(publishedPackages());
  report = await measurePackage('@fovea/tensor');
}, 600_000);

describe('@fovea/tensor bundle', () => {
  it('has a written budget', () => {
    expect(budget).toBeDefined();
  });

  it('measures real code', () => {
    expect(report.full.minBytes).toBeGreaterThan(10_000);
    expect(report.full.gzipBytes).toBeLessThan(report.full.minBytes);
    expect(report.totalGzipBytes).toBe(
      report.full.gzipBytes + report.wasm.reduce((s, w) => s + w.gzipBytes, 0),
    );
  });

  it('is within its budget (minified + gzip, with its .wasm)', () => {
    expect(bytesOverBudget(report, budget)).toEqual([]);
  });

  it('tree-shakes: a program importing only corr2d keeps far less than the whole package', () => {
    expect(report.corr2dOnly.minBytes).toBeLessThan(report.full.minBytes);
    expect(treeShakingProblems(report, budget)).toEqual([]);
    // What must go: the convolution and pooling kernels have nothing to do with corr2d.
    const dropped = report.droppedModules.map((m) => m.module);
    expect(dropped).toContain('packages/tensor/src/ops/conv2d.ts');
    expect(dropped).toContain('packages/tensor/src/ops/pool2d.ts');
    expect(report.corr2dModules.map((m) => m.module)).toContain('packages/tensor/src/ops/corr2d.ts');
  });
});

describe('the budget check', () => {
  const within: Budget = {
    fullGzipBytes: 100,
    totalGzipBytes: 150,
    corr2dOnlyGzipBytes: 50,
    maxCorr2dShare: 0.5,
  };
  const sample: SizeReport = {
    packageName: '@fovea/sample',
    full: { minBytes: 300, gzipBytes: 100 },
    wasm: [{ file: 'wasm/k.wasm', bytes: 80, gzipBytes: 50, referenced: true }],
    totalGzipBytes: 150,
    corr2dOnly: { minBytes: 150, gzipBytes: 50 },
    corr2dShare: 0.5,
    corr2dModules: [],
    droppedModules: [],
  };

  it('passes a report at its limits', () => {
    expect(overBudget(sample, within)).toEqual([]);
  });

  it('fails each limit that is exceeded, naming it', () => {
    const over = { ...sample, totalGzipBytes: 151, corr2dShare: 0.51 };
    const problems = overBudget(over, within);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/code \+ \.wasm, gzip is 151 B .* over its budget of 150 B/);
    expect(problems[1]).toMatch(/only corr2d keeps 51\.0% .* tree-shaking regressed/);
  });

  it('fails a package without a budget', () => {
    expect(overBudget(sample, undefined)).toEqual([expect.stringMatching(/no budget for @fovea\/sample/)]);
  });
});
