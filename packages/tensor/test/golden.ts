import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file holding pnpm-workspace.yaml. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`golden: no pnpm-workspace.yaml above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

/** A file of PyTorch reference data; they live beside the repository, in ../shared/golden/. */
export function loadGolden<T>(name: string): T {
  return JSON.parse(readFileSync(resolve(repoRoot(), '..', 'shared', 'golden', name), 'utf8')) as T;
}

export interface ReprCase {
  shape: number[];
  dtype: 'float32' | 'float64' | 'int64' | 'bool';
  data: (number | boolean | string)[];
  repr: string;
}

/** JSON has no nan or inf: the dumps spell them as strings. */
export function goldenValue(value: number | boolean | string): number | boolean {
  if (typeof value !== 'string') return value;
  if (value === 'nan') return Number.NaN;
  if (value === 'inf') return Number.POSITIVE_INFINITY;
  if (value === '-inf') return Number.NEGATIVE_INFINITY;
  throw new Error(`golden: expected a number, true/false, 'nan', 'inf' or '-inf', got '${value}'`);
}
