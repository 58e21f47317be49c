import type { FloatArray } from './shape.js';

/**
 * Sigmoid and its backward over contiguous arrays. Float64 follows the formula in double
 * precision; float32 runs the algorithm of the WebAssembly kernel (assembly/activation.ts), one
 * float32 rounding (`Math.fround`) per operation in the same order, so both backends give the
 * same bits whatever ran before: exp(t) = 2^k p(r) with k = round(t / ln 2), r = t - k ln 2 in
 * two parts (Cody and Waite), p Cephes' degree-6 expf polynomial; 2^k applied as two factors so
 * that overflow gives infinity and underflow subnormals or zero, as a correctly rounded exp does.
 */

const f = Math.fround;
/** 1.5 * 2^23: adding and subtracting it rounds a float32 to the nearest integer (ties to even). */
export const ROUNDER = 12582912;
export const LOG2E = f(Math.LOG2E);
export const LN2_HI = f(0.693359375);
export const LN2_LO = f(-2.1219444e-4);
/** Beyond these, exp(t) is infinite or zero in float32 whatever the polynomial says. */
export const EXP_MAX = f(100);
export const EXP_MIN = f(-110);
export const P0 = f(1.98756915e-4);
export const P1 = f(1.3981999507e-3);
export const P2 = f(8.3334519073e-3);
export const P3 = f(4.1665795894e-2);
export const P4 = f(1.6666665459e-1);
export const P5 = f(5.0000001201e-1);

/** exp(t) in float32, as assembly/activation.ts computes it. */
function expFloat32(x: number): number {
  // Equal to WebAssembly's pmax then pmin for these bounds: a NaN x stays NaN, no zeros to tie.
  const t = Math.min(Math.max(x, EXP_MIN), EXP_MAX);
  const k = f(f(f(t * LOG2E) + ROUNDER) - ROUNDER);
  const r = f(f(t - f(k * LN2_HI)) - f(k * LN2_LO));
  const z = f(r * r);
  let p = f(f(P0 * r) + P1);
  p = f(f(p * r) + P2);
  p = f(f(p * r) + P3);
  p = f(f(p * r) + P4);
  p = f(f(p * r) + P5);
  p = f(f(f(f(p * z) + r)) + 1);
  // 2^k as 2^floor(k/2) 2^(k - floor(k/2)); a NaN stays NaN through p.
  const k1 = Math.floor(k / 2);
  return f(f(p * 2 ** k1) * 2 ** (k - k1));
}

/** out[i] = 1 / (1 + exp(-x[i])). */
export function sigmoidForward(x: FloatArray, out: FloatArray): void {
  const n = out.length;
  if (x instanceof Float32Array) {
    for (let i = 0; i < n; i++) out[i] = f(1 / f(1 + expFloat32(-x[i])));
  } else {
    for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-x[i]));
  }
}

/** PyTorch's sigmoid_backward: grad[i] = g[i] (1 - y[i]) y[i], y the forward's result. */
export function sigmoidBackward(g: FloatArray, y: FloatArray, out: FloatArray): void {
  const n = out.length;
  if (out instanceof Float32Array) {
    for (let i = 0; i < n; i++) out[i] = f(g[i] * f(1 - y[i])) * y[i];
  } else {
    for (let i = 0; i < n; i++) out[i] = g[i] * (1 - y[i]) * y[i];
  }
}
