import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** A tensor in the golden files: flat row-major data. */
export interface GoldenTensor {
  shape: number[];
  data: number[];
}

const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..', '..');

/** Reads `../shared/golden/<file>` next to the repository root, as it is. */
export function loadGolden<T>(file: string): T {
  return JSON.parse(readFileSync(path.join(repoRoot, '..', 'shared', 'golden', file), 'utf8')) as T;
}

/**
 * Expects |actual - expected| <= atol + rtol * |expected| elementwise, reporting the first
 * offending index.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  label: string,
  atol = 1e-4,
  rtol = 1e-4,
): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - (atol + rtol * Math.abs(expected[i]));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess)) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(
      `${label}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} ` +
        `(atol ${atol}, rtol ${rtol})`,
    );
  }
}

/** Deterministic uniform numbers in [-1, 1) (mulberry32). */
export function randomArray(seed: number, size: number): Float64Array {
  let s = seed >>> 0;
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export { numel } from '../../src/shape.js';
