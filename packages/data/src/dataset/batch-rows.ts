import type { Tensor } from '@fovea/tensor';

/**
 * Batches that a dataset's `getItems` gathered and split into its samples' rows, and that no
 * collation has taken yet. `defaultCollate` of exactly those rows, in order, hands the batch
 * over instead of stacking a copy of it: the samples are views that nothing else holds, so the
 * batch is gathered once, straight into its own buffer.
 */
const gathered = new WeakSet<Tensor>();

/**
 * The rows of `batch` along dimension 0, as views, for a `getItems` to return as its samples'
 * tensors. `batch` must be a tensor the caller has just made and shares with nobody.
 */
export function rowsOf(batch: Tensor): Tensor[] {
  gathered.add(batch);
  const rows: Tensor[] = new Array(batch.shape[0]);
  for (let k = 0; k < rows.length; k++) rows[k] = batch.select(0, k);
  return rows;
}

/**
 * The batch `tensors` are the rows of, when they are all of its rows in order, untouched views
 * made by {@link rowsOf} whose batch no collation has taken yet; null otherwise (the caller
 * then stacks them). A batch is taken once: collating the same samples again stacks a copy, so
 * two batches never share memory.
 */
export function takeBatch(tensors: readonly Tensor[]): Tensor | null {
  const batch = tensors[0].base;
  if (batch === null || !gathered.has(batch) || batch.requiresGrad) return null;
  const { shape, strides, offset } = batch;
  if (shape[0] !== tensors.length) return null;
  for (let k = 0; k < tensors.length; k++) {
    const row = tensors[k];
    if (row.base !== batch || row.requiresGrad || row.offset !== offset + k * strides[0]) return null;
    if (row.shape.length !== shape.length - 1) return null;
    for (let d = 0; d < row.shape.length; d++) {
      if (row.shape[d] !== shape[d + 1] || row.strides[d] !== strides[d + 1]) return null;
    }
  }
  gathered.delete(batch);
  return batch;
}
