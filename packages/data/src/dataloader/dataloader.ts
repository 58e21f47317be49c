import {
  argumentError,
  checkBoolean,
  checkOptions,
  defaultGenerator,
  describe,
  Generator,
} from '@fovea/tensor';
import { checkDataset, type Dataset, datasetLength } from '../dataset/dataset.js';
import { defaultCollate } from './collate.js';
import { randomInt64, randperm } from './randperm.js';

/** The optional arguments of {@link DataLoader}, as `torch.utils.data.DataLoader` takes them, camelCased. */
export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** A new random order each epoch (default false). */
  shuffle?: boolean;
  /** Drops the last batch when it would be smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /** The random source of the shuffle: the same seed gives the same batches, and PyTorch's order. */
  generator?: Generator;
  /** Turns a list of samples into a batch (default: `defaultCollate`). */
  collateFn?: (samples: T[]) => B;
}

/**
 * `torch.utils.data.DataLoader` in a single process: batches of `batchSize` samples, in order or
 * shuffled, collated into tensors. Each `for...of` is one epoch. With a seeded `generator` the
 * shuffled order equals PyTorch's for the same seed: like PyTorch, starting an epoch first draws
 * a 64-bit base seed from the generator, then a `randperm` of the dataset.
 *
 * @example
 * ```ts
 * import { DataLoader, TensorDataset } from '@fovea/data';
 * import { arange, Generator } from '@fovea/tensor';
 *
 * const dataset = new TensorDataset(arange(10).reshape([5, 2]), arange(5));
 * const loader = new DataLoader(dataset, { batchSize: 2 });
 * loader.length; // 3
 * const [x, y] = [...loader][2];
 * x.toArray(); // [[8, 9]]
 * y.toArray(); // [4]
 *
 * // Seeded shuffling gives torch.utils.data.DataLoader's order for the same seed.
 * const shuffled = new DataLoader(dataset, { batchSize: 5, shuffle: true, generator: new Generator().manualSeed(0) });
 * const [[, labels]] = [...shuffled];
 * labels.toArray(); // [3, 1, 0, 4, 2]
 * ```
 */
export class DataLoader<T = unknown, B = unknown> implements Iterable<B> {
  /** The dataset batches are drawn from. */
  readonly dataset: Dataset<T>;
  /** Samples per batch. */
  readonly batchSize: number;
  /** Whether each epoch has a new random order. */
  readonly shuffle: boolean;
  /** Whether a last, smaller batch is dropped. */
  readonly dropLast: boolean;
  /** The random source of the shuffle (the default generator when undefined). */
  readonly generator: Generator | undefined;
  private readonly collateFn: (samples: T[]) => B;

  constructor(dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    options = checkOptions('DataLoader', options);
    const { batchSize = 1, shuffle = false, dropLast = false, generator, collateFn } = options;
    checkDataset('DataLoader', dataset);
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(`DataLoader: batchSize must be a positive integer, got ${describe(batchSize)}`);
    }
    if (generator !== undefined && !(generator instanceof Generator)) {
      throw new TypeError('DataLoader: generator must be a Generator from @fovea/tensor');
    }
    checkBoolean('DataLoader', 'shuffle', shuffle);
    checkBoolean('DataLoader', 'dropLast', dropLast);
    if (collateFn !== undefined && typeof collateFn !== 'function') {
      throw argumentError('DataLoader', 'collateFn', 'a function', collateFn);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = generator;
    this.collateFn = collateFn ?? (defaultCollate as (samples: T[]) => B);
  }

  /** Batches per epoch: ceil(n / batchSize), or floor with `dropLast`. */
  get length(): number {
    return this.batchesOf(datasetLength('DataLoader', this.dataset));
  }

  private batchesOf(n: number): number {
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /**
   * One epoch: the batches in order (shuffled if asked), for `for...of`.
   *
   * @returns An iterator over the batches.
   */
  *[Symbol.iterator](): Iterator<B> {
    const n = datasetLength('DataLoader', this.dataset);
    randomInt64(this.generator ?? defaultGenerator); // PyTorch's per-iterator base seed, drawn even unshuffled
    // Unshuffled, the position is the index (null): nothing to build, however long the dataset.
    let order: Int32Array | null = null;
    // PyTorch's RandomSampler draws one more randperm, of which it serves nothing, when its
    // samples run out (`randperm(n)[:num_samples % n]`): drawn here at the same point, so a
    // generator shared with other code stays in step with PyTorch's.
    let drawSpare = () => {};
    if (this.shuffle && n > 0) {
      const shuffler = this.generator ?? new Generator(0).manualSeed(randomInt64(defaultGenerator));
      order = randperm(n, shuffler);
      drawSpare = () => {
        randperm(n, shuffler);
        drawSpare = () => {};
      };
    }
    const batches = this.batchesOf(n);
    for (let b = 0; b < batches; b++) {
      const start = b * this.batchSize;
      const end = Math.min(start + this.batchSize, n);
      const samples = this.fetch(order, start, end);
      // a short last batch: PyTorch's sampler ran out while filling it, before it was served
      if (end === n && end - start < this.batchSize) drawSpare();
      yield this.collateFn(samples);
    }
    drawSpare();
  }

  /**
   * The samples at positions [start, end) of the epoch's `order` (null: in order): one
   * `getItems` call when the dataset has it, else `get` each.
   */
  private fetch(order: Int32Array | null, start: number, end: number): T[] {
    const dataset = this.dataset;
    if (dataset.getItems === undefined) {
      const samples: T[] = [];
      for (let k = start; k < end; k++) samples.push(dataset.get(order === null ? k : order[k]));
      return samples;
    }
    const indices: number[] = new Array(end - start);
    for (let k = start; k < end; k++) indices[k - start] = order === null ? k : order[k];
    const samples = dataset.getItems(indices);
    if (!Array.isArray(samples) || samples.length !== indices.length) {
      throw new Error(
        `DataLoader: dataset.getItems returned ${Array.isArray(samples) ? `${samples.length} samples` : describe(samples)} for ${indices.length} indices; expected an array of one sample per index`,
      );
    }
    return samples;
  }
}
