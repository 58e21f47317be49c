import { formatShape, numel } from '../shape.js';
import { checkArray } from './checks.js';
import type { GpuArray, KernelSource } from './runtime.js';

/**
 * Sums and means: over consecutive blocks, with the reference `sumBlocks`'s arguments
 * (kernels/reduce.ts), and over any dimensions of a contiguous array, one thread per output.
 */

const BLOCKS: KernelSource = {
  name: 'sumBlocks',
  params: [
    ['inner', 'i32'],
    ['scale', 'f32'],
  ],
  buffers: [
    { name: 'src', type: 'f32', access: 'read' },
    { name: 'out', type: 'f32', access: 'read_write' },
  ],
  body: `
  var acc = 0.0;
  for (var j = i * P.inner; j < (i + 1) * P.inner; j++) { acc += src[j]; }
  out[i] = acc * P.scale;`,
};

// sizes: the kept dimensions' sizes and input strides, then the reduced ones'.
const DIMS: KernelSource = {
  name: 'reduceDims',
  params: [
    ['kept', 'i32'],
    ['reduced', 'i32'],
    ['count', 'i32'],
    ['scale', 'f32'],
  ],
  buffers: [
    { name: 'sizes', type: 'i32', access: 'read' },
    { name: 'src', type: 'f32', access: 'read' },
    { name: 'out', type: 'f32', access: 'read_write' },
  ],
  body: `
  var base = 0;
  var rest = i;
  for (var d = P.kept - 1; d >= 0; d--) {
    base += (rest % sizes[d]) * sizes[P.kept + d];
    rest = rest / sizes[d];
  }
  let r0 = 2 * P.kept;
  var acc = 0.0;
  for (var k = 0; k < P.count; k++) {
    var at = base;
    var left = k;
    for (var d = P.reduced - 1; d >= 0; d--) {
      at += (left % sizes[r0 + d]) * sizes[r0 + P.reduced + d];
      left = left / sizes[r0 + d];
    }
    acc += src[at];
  }
  out[i] = acc * P.scale;`,
};

/**
 * out[o] = sum of the o-th block of `inner` elements (or their mean); `sumBlocks`'s arguments.
 *
 * @param src - `outer * inner` elements.
 * @param outer - The number of blocks.
 * @param inner - The elements per block.
 * @param mean - Divide each sum by `inner`; false by default.
 * @returns `[outer]`.
 */
export function sumBlocks(src: GpuArray, outer: number, inner: number, mean = false): GpuArray {
  const op = mean ? 'meanBlocks' : 'sumBlocks';
  checkArray(op, 'src', src, [outer, inner]);
  const out = src.gpu.zeros(outer);
  src.gpu.run(BLOCKS, outer, [src, out], [inner, mean && inner > 0 ? 1 / inner : 1]);
  return out;
}

/**
 * Sum (or mean) of a contiguous `x` of `shape` over `dims` (negative counts from the end);
 * returns the shape without those dimensions, or with them as 1 under `keepdim`.
 *
 * @param op - `'sum'` or `'mean'`.
 * @param x - The input.
 * @param shape - Its shape.
 * @param dims - The dimensions to reduce.
 * @param keepdim - Keep them with size 1; false by default.
 * @returns The output and its shape.
 */
export function reduceDims(
  op: 'sum' | 'mean',
  x: GpuArray,
  shape: readonly number[],
  dims: readonly number[],
  keepdim = false,
): { out: GpuArray; outShape: number[] } {
  checkArray(op, 'input', x, shape);
  const rank = shape.length;
  const reduced = new Set<number>();
  for (const dim of dims) {
    const d = dim < 0 ? dim + rank : dim;
    if (!Number.isInteger(d) || d < 0 || d >= Math.max(rank, 1)) {
      throw new Error(`${op}: dim ${dim} is out of range for shape ${formatShape(shape)}`);
    }
    if (reduced.has(d)) throw new Error(`${op}: dim ${d} appears twice in [${dims.join(', ')}]`);
    reduced.add(d);
  }
  const strides: number[] = new Array(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  const keptDims = shape.map((_, d) => d).filter((d) => !reduced.has(d));
  const reducedDims = [...reduced].sort((a, b) => a - b);
  const count = numel(reducedDims.map((d) => shape[d] ?? 1));
  const sizes = x.gpu.upload(
    Int32Array.from([
      ...keptDims.map((d) => shape[d]),
      ...keptDims.map((d) => strides[d]),
      ...reducedDims.map((d) => shape[d] ?? 1),
      ...reducedDims.map((d) => strides[d] ?? 0),
    ]),
  );
  const outShape = keepdim
    ? shape.map((size, d) => (reduced.has(d) ? 1 : size))
    : keptDims.map((d) => shape[d]);
  const out = x.gpu.zeros(numel(outShape));
  const scale = op === 'mean' && count > 0 ? 1 / count : 1;
  x.gpu.run(DIMS, out.length, [sizes, x, out], [keptDims.length, reducedDims.length, count, scale]);
  sizes.destroy();
  return { out, outShape };
}
