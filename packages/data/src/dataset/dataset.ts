import type { Tensor } from '@fovea/tensor';

/**
 * A map-style dataset, as `torch.utils.data.Dataset`: `length` samples, `get(i)` the i-th.
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
}

/** A sample as the default collation batches it. */
export type Sample = Tensor | number | boolean | readonly Sample[] | { readonly [key: string]: Sample };

/** Throws unless `index` is an integer in [-length, length); returns it made non-negative. */
export function checkIndex(where: string, index: number, length: number): number {
  if (!Number.isInteger(index) || index < -length || index >= length) {
    throw new RangeError(
      `${where}: index ${String(index)} is out of range for a dataset of ${length} samples`,
    );
  }
  return index < 0 ? index + length : index;
}
