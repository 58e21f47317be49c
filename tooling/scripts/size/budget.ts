import { readFileSync } from 'node:fs';
import type { SizeReport } from './measure.js';

/** Limits for one package, in bytes after minification and gzip (level 9). */
export interface Budget {
  /** The whole package's code (`export *`), wasm inlined in JS included. */
  fullGzipBytes: number;
  /** The code plus any shipped `.wasm` files. */
  totalGzipBytes: number;
  /** A program that imports only `corr2d`. */
  corr2dOnlyGzipBytes: number;
  /** The corr2d-only program's share of the whole package's minified bytes: tree-shaking works. */
  maxCorr2dShare: number;
}

export const budgetFile = new URL('./budget.json', import.meta.url);

export function readBudgets(): Record<string, Budget> {
  const { $comment: _, ...budgets } = JSON.parse(readFileSync(budgetFile, 'utf8')) as Record<string, unknown>;
  return budgets as Record<string, Budget>;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Where a report's sizes exceed their budget; each line gives the measure, the limit and what to do. */
export function bytesOverBudget(report: SizeReport, budget: Budget | undefined): string[] {
  if (!budget) return [`no budget for ${report.packageName} in tooling/scripts/size/budget.json`];
  const problems: string[] = [];
  const limit = (what: string, measured: number, max: number): void => {
    if (measured > max) {
      problems.push(
        `${report.packageName}: ${what} is ${measured} B (${kb(measured)}), over its budget of ${max} B (${kb(max)}); ` +
          'make it smaller, or raise the budget in tooling/scripts/size/budget.json in the same change and say why',
      );
    }
  };
  limit('the whole package, minified + gzip', report.full.gzipBytes, budget.fullGzipBytes);
  limit('code + .wasm, gzip', report.totalGzipBytes, budget.totalGzipBytes);
  limit('a corr2d-only program, minified + gzip', report.corr2dOnly.gzipBytes, budget.corr2dOnlyGzipBytes);
  return problems;
}

/** Whether a program importing only corr2d keeps more of the package than the budget allows. */
export function treeShakingProblems(report: SizeReport, budget: Budget | undefined): string[] {
  if (!budget) return [`no budget for ${report.packageName} in tooling/scripts/size/budget.json`];
  if (report.corr2dShare <= budget.maxCorr2dShare) return [];
  const largest = report.corr2dModules
    .slice(0, 4)
    .map((m) => `${m.module} ${m.bytes} B`)
    .join(', ');
  return [
    `${report.packageName}: a program importing only corr2d keeps ${(report.corr2dShare * 100).toFixed(1)}% of the ` +
      `package's bytes (limit ${(budget.maxCorr2dShare * 100).toFixed(0)}%): tree-shaking regressed ` +
      '(look for module-level side effects, or code reachable from every Tensor through its methods); ' +
      `largest modules it keeps: ${largest}`,
  ];
}

/** Every way a report breaks its budget. */
export function overBudget(report: SizeReport, budget: Budget | undefined): string[] {
  if (!budget) return bytesOverBudget(report, budget);
  return [...bytesOverBudget(report, budget), ...treeShakingProblems(report, budget)];
}
