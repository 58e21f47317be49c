import { numel } from '../shape.js';
import { checkArray, checkSameDevice } from './checks.js';
import { checkReach, checkStrides, INDEX_HELPERS } from './elementwise.js';
import type { GpuArray, KernelSource } from './runtime.js';

/**
 * Kernels that pick rather than compute: `where` over three broadcast operands, and the
 * maximum or minimum of each block with its position (`max(dim)`, `argmax`), with the reference
 * kernels' arguments (ops/compare.ts, kernels/reduce.ts).
 */

const WHERE: KernelSource = {
  name: 'where',
  params: [
    ['ndim', 'i32'],
    ['cOffset', 'i32'],
    ['aOffset', 'i32'],
    ['bOffset', 'i32'],
  ],
  buffers: [
    { name: 'dims', type: 'i32', access: 'read' },
    { name: 'C', type: 'f32', access: 'read' },
    { name: 'A', type: 'f32', access: 'read' },
    { name: 'B', type: 'f32', access: 'read' },
    { name: 'out', type: 'f32', access: 'read_write' },
  ],
  helpers: INDEX_HELPERS,
  body: `
  let a = A[operandOffset(i, 1, P.aOffset)];
  let b = B[operandOffset(i, 2, P.bOffset)];
  out[i] = select(b, a, C[operandOffset(i, 0, P.cOffset)] != 0.0);`,
};

/** out = condition ? a : b over the broadcast `shape`; `whereStrided`'s arguments (kernels/where.ts). */
export function where(
  condition: GpuArray,
  cStrides: readonly number[],
  cOffset: number,
  a: GpuArray,
  aStrides: readonly number[],
  aOffset: number,
  b: GpuArray,
  bStrides: readonly number[],
  bOffset: number,
  shape: readonly number[],
): GpuArray {
  const op = 'where';
  const operands = [
    ['condition', condition, cStrides, cOffset],
    ['input', a, aStrides, aOffset],
    ['other', b, bStrides, bOffset],
  ] as const;
  checkSameDevice(op, [condition, a, b]);
  for (const [what, array, strides, offset] of operands) {
    checkStrides(op, what, strides, shape);
    checkReach(op, what, array, shape, strides, offset);
  }
  const gpu = a.gpu;
  const dims = gpu.upload(Int32Array.from([...shape, ...cStrides, ...aStrides, ...bStrides]));
  const out = gpu.zeros(numel(shape));
  gpu.run(WHERE, out.length, [dims, condition, a, b, out], [shape.length, cOffset, aOffset, bOffset]);
  dims.destroy();
  return out;
}

// A NaN wins and ends the search, and the first of equal extremes is kept, as the reference.
const EXTREMUM: KernelSource = {
  name: 'extremumBlocks',
  params: [
    ['inner', 'i32'],
    ['sign', 'f32'],
  ],
  buffers: [
    { name: 'src', type: 'f32', access: 'read' },
    { name: 'values', type: 'f32', access: 'read_write' },
    { name: 'indices', type: 'i32', access: 'read_write' },
  ],
  body: `
  let base = i * P.inner;
  var best = src[base];
  var at = 0;
  if (best == best) {
    for (var j = 1; j < P.inner; j++) {
      let v = src[base + j];
      if (v != v) { best = v; at = j; break; }
      if ((v - best) * P.sign > 0.0) { best = v; at = j; }
    }
  }
  values[i] = best;
  indices[i] = at;`,
};

/** The maximum (`sign` 1) or minimum (-1) of each of `outer` blocks of `inner` elements, and its position. */
export function extremumBlocks(
  src: GpuArray,
  outer: number,
  inner: number,
  sign: 1 | -1,
): { values: GpuArray; indices: GpuArray } {
  const op = sign === 1 ? 'max' : 'min';
  checkArray(op, 'input', src, [outer, inner]);
  if (inner === 0 && outer > 0) throw new Error(`${op}: cannot reduce over an empty dimension`);
  const values = src.gpu.zeros(outer);
  const indices = src.gpu.zeros(outer, 'int32');
  src.gpu.run(EXTREMUM, outer, [src, values, indices], [inner, sign]);
  return { values, indices };
}
