import { formatShape } from '../shape.js';
import { checkArray, checkSameDevice } from './checks.js';
import type { GpuArray, KernelSource } from './runtime.js';

/**
 * GEMM with the reference's BLAS-style arguments (kernels/matmul.ts), C = alpha op(A) op(B) +
 * beta C in place, one thread per element of C; and linear (x W^T + b) built on the same loop.
 */

const GEMM: KernelSource = {
  name: 'gemm',
  params: [
    ['transA', 'i32'],
    ['transB', 'i32'],
    ['N', 'i32'],
    ['K', 'i32'],
    ['aOffset', 'i32'],
    ['lda', 'i32'],
    ['bOffset', 'i32'],
    ['ldb', 'i32'],
    ['cOffset', 'i32'],
    ['ldc', 'i32'],
    ['alpha', 'f32'],
    ['beta', 'f32'],
  ],
  buffers: [
    { name: 'A', type: 'f32', access: 'read' },
    { name: 'B', type: 'f32', access: 'read' },
    { name: 'C', type: 'f32', access: 'read_write' },
  ],
  body: `
  let row = i / P.N;
  let col = i % P.N;
  // Element (row, k) of op(A) and (k, col) of op(B), with their steps along k.
  var a = P.aOffset + row * P.lda;
  var aStep = 1;
  if (P.transA != 0) { a = P.aOffset + row; aStep = P.lda; }
  var b = P.bOffset + col;
  var bStep = P.ldb;
  if (P.transB != 0) { b = P.bOffset + col * P.ldb; bStep = 1; }
  var acc = 0.0;
  for (var k = 0; k < P.K; k++) {
    acc += A[a + k * aStep] * B[b + k * bStep];
  }
  let c = P.cOffset + row * P.ldc + col;
  // With beta 0, C is not read, so a NaN in it does not leak (as in BLAS).
  if (P.beta == 0.0) { C[c] = P.alpha * acc; } else { C[c] = P.alpha * acc + P.beta * C[c]; }`,
};

function checkExtent(op: string, what: string, array: GpuArray, last: number): void {
  if (last >= array.length) {
    throw new Error(`${op}: ${what} needs ${last + 1} elements, has ${array.length}`);
  }
}

/**
 * C = alpha op(A) op(B) + beta C over row-major GPU arrays, BLAS's GEMM with the reference
 * `gemm`'s arguments; op transposes when asked.
 *
 * @param transA - Read A transposed.
 * @param transB - Read B transposed.
 * @param M - Rows of op(A) and C.
 * @param N - Columns of op(B) and C.
 * @param K - Columns of op(A), rows of op(B).
 * @param alpha - The product's factor.
 * @param A - The left matrix.
 * @param aOffset - Where A starts.
 * @param lda - A's leading dimension (its row length as stored).
 * @param B - The right matrix.
 * @param bOffset - Where B starts.
 * @param ldb - B's leading dimension.
 * @param beta - C's factor (0 overwrites C).
 * @param C - The output, written in place.
 * @param cOffset - Where C starts.
 * @param ldc - C's leading dimension.
 */
export function gemm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: GpuArray,
  aOffset: number,
  lda: number,
  B: GpuArray,
  bOffset: number,
  ldb: number,
  beta: number,
  C: GpuArray,
  cOffset: number,
  ldc: number,
): void {
  const op = 'gemm';
  checkSameDevice(op, [A, B, C]);
  if (M <= 0 || N <= 0) return;
  if (K > 0) {
    checkExtent(op, 'A', A, aOffset + (transA ? (K - 1) * lda + M - 1 : (M - 1) * lda + K - 1));
    checkExtent(op, 'B', B, bOffset + (transB ? (N - 1) * ldb + K - 1 : (K - 1) * ldb + N - 1));
  }
  checkExtent(op, 'C', C, cOffset + (M - 1) * ldc + N - 1);
  const params = [
    transA ? 1 : 0,
    transB ? 1 : 0,
    N,
    K,
    aOffset,
    lda,
    bOffset,
    ldb,
    cOffset,
    ldc,
    alpha,
    beta,
  ];
  C.gpu.run(GEMM, M * N, [A, B, C], params);
}

/**
 * y = x W^T + bias with x [..., in], W [out, in] and bias [out] or null, as torch's linear:
 * returns y [..., out].
 *
 * @param x - The input.
 * @param xShape - Its shape, `[..., in]`.
 * @param w - The weight.
 * @param wShape - Its shape, `[out, in]`.
 * @param bias - `[out]`, or null.
 * @returns The output and its shape.
 */
export function linear(
  x: GpuArray,
  xShape: readonly number[],
  w: GpuArray,
  wShape: readonly number[],
  bias: GpuArray | null,
): { out: GpuArray; outShape: number[] } {
  const op = 'linear';
  const inFeatures = xShape[xShape.length - 1];
  if (xShape.length < 1 || wShape.length !== 2 || wShape[1] !== inFeatures) {
    throw new Error(
      `${op}: expected input [..., in] and weight [out, in], got input ${formatShape(xShape)} and weight ${formatShape(wShape)}`,
    );
  }
  checkArray(op, 'input', x, xShape);
  checkArray(op, 'weight', w, wShape);
  const outFeatures = wShape[0];
  if (bias !== null) checkArray(op, 'bias', bias, [outFeatures]);
  checkSameDevice(op, [x, w, bias]);
  const rows = x.length / Math.max(1, inFeatures);
  const outShape = [...xShape.slice(0, -1), outFeatures];
  const y = x.gpu.zeros(rows * outFeatures);
  if (bias !== null) {
    x.gpu.run(BROADCAST_ROWS, y.length, [bias, y], [outFeatures]);
    gemm(
      false,
      true,
      rows,
      outFeatures,
      inFeatures,
      1,
      x,
      0,
      inFeatures,
      w,
      0,
      inFeatures,
      1,
      y,
      0,
      outFeatures,
    );
  } else {
    gemm(
      false,
      true,
      rows,
      outFeatures,
      inFeatures,
      1,
      x,
      0,
      inFeatures,
      w,
      0,
      inFeatures,
      0,
      y,
      0,
      outFeatures,
    );
  }
  return { out: y, outShape };
}

/** Fills every row of y with the vector v. */
const BROADCAST_ROWS: KernelSource = {
  name: 'broadcastRows',
  params: [['width', 'i32']],
  buffers: [
    { name: 'v', type: 'f32', access: 'read' },
    { name: 'y', type: 'f32', access: 'read_write' },
  ],
  body: `
  y[i] = v[i % P.width];`,
};
