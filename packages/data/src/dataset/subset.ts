import { checkArray, MAX_ELEMENTS } from '@fovea/tensor';
import { checkDataset, checkIndex, checkIndices, type Dataset } from './dataset.js';

/**
 * `torch.utils.data.Subset`: the samples of `dataset` at `indices`, in that order. Sample i is
 * `dataset.get(indices[i])`; a batch is fetched through the dataset's own `getItems` when it has
 * one (as PyTorch 2's `Subset.__getitems__` does), so a subset of Fashion-MNIST loads as fast as
 * the whole set.
 *
 * @example
 * ```ts
 * import { Subset, TensorDataset } from '@fovea/data';
 * import { arange } from '@fovea/tensor';
 *
 * const all = new TensorDataset(arange(10));
 * const firstThree = new Subset(all, [0, 1, 2]);
 * firstThree.length; // 3
 * firstThree.get(2)[0].item(); // 2
 * ```
 */
export class Subset<T> implements Dataset<T> {
  /** The dataset the samples come from. */
  readonly dataset: Dataset<T>;
  /** The positions in `dataset` of this subset's samples, in order. */
  readonly indices: readonly number[];

  /**
   * The samples of `dataset` at `indices`, like `Subset(dataset, indices)`.
   *
   * @param dataset - Any dataset (`length` and `get`, optionally `getItems`).
   * @param indices - Positions in `dataset`, each from `-length` to `length - 1`; they may repeat.
   */
  constructor(dataset: Dataset<T>, indices: readonly number[]) {
    const length = checkDataset('Subset', dataset);
    checkArray('Subset', 'indices', indices);
    if (indices.length > MAX_ELEMENTS) {
      throw new Error(`Subset: ${indices.length} indices are more than the limit of ${MAX_ELEMENTS}`);
    }
    this.dataset = dataset;
    // A copy, so that later changes to the caller's array do not move the subset.
    this.indices = Object.freeze(checkIndices('Subset', indices, length));
  }

  /** The number of samples: the number of indices. */
  get length(): number {
    return this.indices.length;
  }

  /**
   * The i-th sample of the subset: `dataset.get(indices[i])`.
   *
   * @param index - From 0 to `length - 1`.
   * @returns The sample.
   */
  get(index: number): T {
    return this.dataset.get(this.indices[checkIndex('Subset.get', index, this.length)]);
  }

  /**
   * The samples at `indices` of the subset, through the dataset's `getItems` when it has one
   * (one fetch per batch), else its `get` for each.
   *
   * @param indices - Each from 0 to `length - 1`.
   * @returns One sample per index.
   */
  getItems(indices: readonly number[]): T[] {
    const positions = checkIndices('Subset.getItems', indices, this.length).map((i) => this.indices[i]);
    if (typeof this.dataset.getItems === 'function') return this.dataset.getItems(positions);
    return positions.map((i) => this.dataset.get(i));
  }
}
