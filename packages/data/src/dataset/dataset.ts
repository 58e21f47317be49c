import { argumentError, checkArray, describe, MAX_ELEMENTS, type Tensor } from '@fovea/tensor';

/**
 * A map-style dataset, as `torch.utils.data.Dataset`: `length` samples, `get(i)` the i-th, and
 * optionally `getItems(indices)` a batch of them at once.
 * A sample is anything `DataLoader`'s collation understands: a tensor, a number, or an array
 * or object of those.
 */
export interface Dataset<T = unknown> {
  /** The number of samples. */
  readonly length: number;
  /**
   * The i-th sample.
   *
   * @param index - From 0 to `length - 1`.
   * @returns The sample.
   */
  get(index: number): T;
  /**
   * Optional, PyTorch's `__getitems__`: the samples at `indices`, in order, fetched at once.
   * `DataLoader` calls it, when present, for each batch instead of `get` for each index, and
   * hands the result to its `collateFn`; it must return what `indices.map((i) => get(i))` would.
   *
   * @param indices - Each from 0 to `length - 1`.
   * @returns One sample per index.
   */
  getItems?(indices: readonly number[]): T[];
}

/** A sample as the default collation batches it. */
export type Sample = Tensor | number | boolean | readonly Sample[] | { readonly [key: string]: Sample };

/** Throws unless `index` is an integer in [-length, length); returns it made non-negative. */
export function checkIndex(where: string, index: number, length: number): number {
  if (!Number.isInteger(index) || index < -length || index >= length) {
    throw new RangeError(
      `${where}: index ${typeof index === 'number' ? index : describe(index)} is out of range for a dataset of ${length} samples`,
    );
  }
  return index < 0 ? index + length : index;
}

/** Throws unless `indices` is an array of indices each in [-length, length); returns them made non-negative. */
export function checkIndices(where: string, indices: readonly number[], length: number): number[] {
  checkArray(where, 'indices', indices);
  const out: number[] = new Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = checkIndex(where, indices[k], length);
  return out;
}

/**
 * Throws unless `dataset` is one: an object whose `get` is a function, whose `getItems` is a
 * function or absent, and whose length passes {@link datasetLength}; returns that length.
 */
export function checkDataset(op: string, dataset: Dataset<unknown>): number {
  if (dataset === null || typeof dataset !== 'object' || typeof dataset.get !== 'function') {
    throw new TypeError(`${op}: expected a dataset with \`length\` and \`get(index)\``);
  }
  if (dataset.getItems !== undefined && typeof dataset.getItems !== 'function') {
    throw argumentError(op, 'dataset.getItems', 'a function or undefined', dataset.getItems);
  }
  return datasetLength(op, dataset);
}

/**
 * The dataset's length, checked each time it is read (a getter may change it): a non-negative
 * integer within `MAX_ELEMENTS`, the most samples a shuffle's permutation (int32) can index.
 */
export function datasetLength(op: string, dataset: Dataset<unknown>): number {
  const n = dataset.length;
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`${op}: the dataset's length must be a non-negative integer, got ${describe(n)}`);
  }
  if (n > MAX_ELEMENTS) {
    throw new Error(`${op}: the dataset's length ${n} is more than the limit of ${MAX_ELEMENTS} samples`);
  }
  return n + 0; // -0 is 0
}
