import { corr2d, tensor, zeros } from '@fovea/tensor';
import { check, checkClose, closeness } from '../lib/check.js';
import { type Exercise, fromFunction, say } from './exercise.js';

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

/** The d-th forward difference: w_m = (-1)^(d - m) C(d, m), m = 0..d. */
export function finiteDifferenceKernel(order: number): number[] {
  return Array.from({ length: order + 1 }, (_, m) => (-1) ** (order - m) * binomial(order, m));
}

/** Determinant by Gaussian elimination with partial pivoting, in float64. */
function determinant(matrix: number[][]): number {
  const a = matrix.map((row) => [...row]);
  let det = 1;
  for (let c = 0; c < a.length; c++) {
    let p = c;
    for (let r = c + 1; r < a.length; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (a[p][c] === 0) return 0;
    if (p !== c) [a[p], a[c], det] = [a[c], a[p], -det];
    det *= a[c][c];
    for (let r = c + 1; r < a.length; r++) {
      const f = a[r][c] / a[c][c];
      for (let k = c; k < a.length; k++) a[r][k] -= f * a[c][k];
    }
  }
  return det;
}

/** Exercise 2d: the minimum kernel size for a derivative of order d is d + 1. */
export const derivativeOrder: Exercise = {
  name: 'derivative-order',
  title: 'The minimum kernel size for a derivative of order d',
  run() {
    say(
      'A kernel w_0..w_{k-1} estimates the d-th derivative if it sends j^p to 0 for p < d and j^d to d!:',
      'sum_m w_m m^p = 0 for p = 0..d-1. With k <= d taps these are at least k equations whose matrix',
      '(m^p), m, p < k, is a Vandermonde matrix with determinant prod (m_b - m_a) != 0: only w = 0 solves',
      'them. So k >= d + 1, and d + 1 is enough: the d-th forward difference (-1)^(d-m) C(d, m).',
    );
    for (let d = 1; d <= 5; d++) {
      const w = finiteDifferenceKernel(d);
      const K = tensor([w]);
      const width = 10;
      const polynomial = (p: number) => fromFunction(1, width, (_, j) => j ** p);
      const out = [width - d];
      checkClose(
        `d = ${d}: [${w.join(', ')}] (size ${d + 1}) sends j^${d} to ${d}! = ${factorial(d)}`,
        corr2d(polynomial(d), K),
        tensor(factorial(d)).expand([1, ...out]),
        0,
      );
      const lower = Array.from({ length: d }, (_, p) =>
        closeness(corr2d(polynomial(p), K), zeros([1, ...out]), 0, 0),
      );
      check(
        `   and j^0${d > 1 ? ` .. j^${d - 1}` : ''} to 0`,
        lower.every((excess) => excess <= 0),
      );
      const vandermonde = Array.from({ length: d }, (_, p) => Array.from({ length: d }, (_, m) => m ** p));
      const det = determinant(vandermonde);
      // prod over a < b of (m_b - m_a) with nodes 0..d-1 is 0! 1! ... (d-1)!
      const formula = Array.from({ length: d }, (_, m) => factorial(m)).reduce((a, b) => a * b, 1);
      check(
        `   no kernel of size ${d} works: its Vandermonde determinant is ${Math.round(det)} != 0`,
        Math.abs(det - formula) < 1e-9 * formula,
      );
    }
  },
};
