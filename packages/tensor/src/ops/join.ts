import { record } from '../autograd.js';
import { allocate, promoteTypes } from '../dtype.js';
import { scatterStrided } from '../kernels/registered/strided.js';
import { contiguousStrides, formatShape, normalizeDim, numel } from '../shape.js';
import { Tensor } from '../tensor.js';
import { requireTensor } from './operands.js';

/** Joins tensors along an existing dimension; all other dimensions must agree. */
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
  for (const t of tensors) {
    starts.push(start);
    const values = t.to(dtype).dataSync();
    scatterStrided(values, out, t.shape, strides, start * strides[d]);
    start += t.shape[d];
  }
  const result = Tensor.fromArray(out, shape, dtype);
  return record('CatBackward0', result, tensors, (g) =>
    // Each input gets its gradient back in its own dtype (the join may have promoted it).
    tensors.map((t, i) => (t.requiresGrad ? g.narrow(d, starts[i], t.shape[d]).to(t.dtype) : null)),
  );
}

/** Joins tensors of one shape along a new dimension. */
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
