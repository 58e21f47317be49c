import type { Tensor } from '../tensor.js';

/** Sums a broadcast gradient back down to `shape`: the adjoint of broadcasting. */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (g.ndim === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  const reduced = dims.length > 0 ? g.sum(dims, true) : g;
  return reduced.reshape(shape);
}
