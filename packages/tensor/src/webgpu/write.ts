import { numel } from '../shape.js';
import { checkArray, checkSameDevice } from './checks.js';
import { checkReach, checkStrides, INDEX_HELPERS } from './elementwise.js';
import type { GpuArray, KernelSource } from './runtime.js';

/**
 * Writes into an existing GPU array, what in-place ops (`copy_`, `add_`, an optimizer's
 * update) come down to, with the reference kernels' arguments (kernels/strided.ts
 * `scatterStrided`, kernels/add-scaled.ts).
 */

function scatterKernel(accumulate: boolean): KernelSource {
  return {
    name: accumulate ? 'scatterStridedAdd' : 'scatterStrided',
    params: [
      ['ndim', 'i32'],
      ['offset', 'i32'],
    ],
    buffers: [
      { name: 'dims', type: 'i32', access: 'read' },
      { name: 'values', type: 'f32', access: 'read' },
      { name: 'dst', type: 'f32', access: 'read_write' },
    ],
    helpers: INDEX_HELPERS,
    body: `
  let at = operandOffset(i, 0, P.offset);
  dst[at] = ${accumulate ? 'dst[at] + ' : ''}values[i];`,
  };
}

const SCATTER = scatterKernel(false);
const SCATTER_ADD = scatterKernel(true);

/**
 * dst[offset + Σ index_d strides_d] = values[k] (or += with `accumulate`) for the k-th index of
 * `shape` in row-major order. The region must not overlap itself (writeInPlace checks).
 */
export function scatterStrided(
  values: GpuArray,
  dst: GpuArray,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  accumulate = false,
): void {
  const op = 'scatterStrided';
  checkArray(op, 'values', values, [numel(shape)]);
  checkSameDevice(op, [values, dst]);
  checkStrides(op, 'dst', strides, shape);
  checkReach(op, 'dst', dst, shape, strides, offset);
  const gpu = dst.gpu;
  const dims = gpu.upload(Int32Array.from([...shape, ...strides]));
  gpu.run(accumulate ? SCATTER_ADD : SCATTER, values.length, [dims, values, dst], [shape.length, offset]);
  dims.destroy();
}

// The product is rounded before the sum, as the reference rounds `alpha other` to float32.
const ADD_SCALED: KernelSource = {
  name: 'addScaledInPlace',
  params: [['alpha', 'f32']],
  buffers: [
    { name: 'dst', type: 'f32', access: 'read_write' },
    { name: 'other', type: 'f32', access: 'read' },
  ],
  body: `
  let scaled = P.alpha * other[i];
  dst[i] = dst[i] + scaled;`,
};

/** target[i] += alpha other[i] over two whole arrays of one length. */
export function addScaledInPlace(target: GpuArray, other: GpuArray, alpha: number): void {
  const op = 'add_';
  checkArray(op, 'other', other, [target.length]);
  checkSameDevice(op, [target, other]);
  target.gpu.run(ADD_SCALED, target.length, [target, other], [alpha]);
}
