import { type BackwardClosure, record } from '../autograd.js';
import { allocate, type DType, promoteTypes, type TypedArray } from '../dtype.js';
import { scatterStrided } from '../kernels/registered/strided.js';
import { contiguousStrides, formatShape, normalizeDim, numel } from '../shape.js';
import { isShapesOnly } from '../shapes-only.js';
import { hostArray } from '../storage.js';
import { Tensor } from '../tensor.js';
import { requireTensor } from './operands.js';

/**
 * Joins tensors along an existing dimension, like `torch.cat`; all other dimensions must agree,
 * and the dtypes promote as in {@link add}. The gradient is split back into the pieces.
 *
 * @param tensors - The tensors to join, at least one.
 * @param dim - The dimension to join along (negative counts from the end); 0 by default.
 * @returns A new tensor whose size along `dim` is the sum of theirs.
 *
 * @example
 * ```ts
 * import { cat, tensor } from '@fovea/tensor';
 *
 * cat([tensor([[1, 2]]), tensor([[3, 4], [5, 6]])]).toArray(); // [[1, 2], [3, 4], [5, 6]]
 * cat([tensor([[1], [2]]), tensor([[3], [4]])], 1).toArray(); // [[1, 3], [2, 4]]
 * ```
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0)
    throw new Error('cat: expected a non-empty list of tensors');
  for (const [i, t] of tensors.entries()) requireTensor('cat', t, `tensors[${i}]`);
  const first = tensors[0];
  if (first.ndim === 0) throw new Error('cat: zero-dimensional tensor cannot be concatenated');
  const d = normalizeDim('cat', dim, first.ndim);
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((n, j) => j !== d && n !== first.shape[j])) {
      throw new Error(
        `cat: sizes of tensors must match except in dimension ${d}: tensors[0] is ${formatShape(first.shape)}, tensors[${i}] is ${formatShape(t.shape)}`,
      );
    }
  });
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  const shape = [...first.shape];
  shape[d] = tensors.reduce((s, t) => s + t.shape[d], 0);
  const out = allocate(dtype, numel(shape));
  const strides = contiguousStrides(shape);
  let start = 0;
  const starts: number[] = [];
  // Where every dimension before d has size 1 (stack's batches), each piece is one slab of out.
  const slabs = shape.slice(0, d).every((n) => n === 1);
  const writes = !isShapesOnly();
  for (const t of tensors) {
    starts.push(start);
    const values = joinedValues(t, dtype);
    if (slabs && writes) out.set(values, start * strides[d]);
    else scatterStrided(values, out, t.shape, strides, start * strides[d]);
    start += t.shape[d];
  }
  const result = Tensor.fromArray(out, shape, dtype);
  const pieces = tensors.map((t) => ({ size: t.shape[d], dtype: t.dtype, needed: t.requiresGrad }));
  return record('CatBackward0', result, tensors, catBackward(d, starts, pieces));
}

/**
 * The backward of a join along `d`: each input's slice of g, in its own dtype (the join may have
 * promoted it). Made apart from the forward, from sizes and dtypes: the node keeps no tensor
 * (autograd.ts, `record`).
 */
function catBackward(
  d: number,
  starts: readonly number[],
  pieces: readonly { size: number; dtype: DType; needed: boolean }[],
): BackwardClosure {
  return (g) => pieces.map((p, i) => (p.needed ? g.narrow(d, starts[i], p.size).to(p.dtype) : null));
}

/** t's values in dtype, in order: a view of its storage when it is contiguous already (no copy). */
function joinedValues(t: Tensor, dtype: DType): TypedArray {
  if (t.dtype === dtype && t.storage.host !== null && t.isContiguous()) {
    return hostArray(t, 'cat').subarray(t.offset, t.offset + t.numel);
  }
  return t.to(dtype).dataSync();
}

/**
 * Joins tensors of one shape along a new dimension, like `torch.stack`: `stack(ts, d)` is `cat`
 * of each `t.unsqueeze(d)`.
 *
 * @param tensors - The tensors to stack, at least one, all of one shape.
 * @param dim - Where the new dimension goes, from 0 to their number of dimensions; 0 by default.
 * @returns A new tensor with one more dimension, of size `tensors.length`.
 *
 * @example
 * ```ts
 * import { stack, tensor } from '@fovea/tensor';
 *
 * stack([tensor([1, 2]), tensor([3, 4])]).toArray(); // [[1, 2], [3, 4]]
 * stack([tensor([1, 2]), tensor([3, 4])], 1).toArray(); // [[1, 3], [2, 4]]
 * ```
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0)
    throw new Error('stack: expected a non-empty list of tensors');
  for (const [i, t] of tensors.entries()) requireTensor('stack', t, `tensors[${i}]`);
  const shape = tensors[0].shape;
  tensors.forEach((t, i) => {
    if (t.ndim !== shape.length || t.shape.some((n, j) => n !== shape[j])) {
      throw new Error(
        `stack: expects each tensor to be equal size, but got ${formatShape(shape)} at entry 0 and ${formatShape(t.shape)} at entry ${i}`,
      );
    }
  });
  const d = normalizeDim('stack', dim, shape.length + 1);
  return cat(
    tensors.map((t) => t.unsqueeze(d)),
    d,
  );
}
