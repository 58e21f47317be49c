import { seededUniform } from '@fovea/golden';
import { expect } from 'vitest';

export { type GoldenTensor, loadGolden } from '@fovea/golden';

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

/** Deterministic uniform numbers in [-1, 1), exact in float64. */
export const randomArray = (seed: number, size: number): Float64Array =>
  seededUniform(seed, size, new Float64Array(size));

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export { numel } from '../../src/shape.js';
