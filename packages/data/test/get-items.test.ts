import {
  DataLoader,
  type Dataset,
  defaultCollate,
  FashionMNIST,
  normalize,
  TensorDataset,
} from '@fovea/data';
import { arange, Generator, rand, type Tensor, tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { DEBIAN_DIR, fakeDataset, HAS_FULL_SET, SUBSET_DIR } from './helpers/idx.js';

/** The same samples through `get` alone: the DataLoader then collates one sample at a time. */
const itemByItem = <T>(dataset: Dataset<T>): Dataset<T> => ({
  length: dataset.length,
  get: (i) => dataset.get(i),
});

/** The bytes of a tensor's values, for a bit-for-bit comparison. */
const bits = (t: Tensor): Buffer => {
  const values = t.dataSync();
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
};

/** Every batch of an epoch of both loaders, compared bit for bit (dtypes and shapes too). */
function expectSameEpoch<T>(a: DataLoader<T>, b: DataLoader<T>): void {
  const left = [...a] as Tensor[][];
  const right = [...b] as Tensor[][];
  expect(left.length).toBe(right.length);
  left.forEach((batch, i) => {
    batch.forEach((t, j) => {
      const other = right[i][j];
      expect([t.dtype, ...t.shape]).toEqual([other.dtype, ...other.shape]);
      expect(bits(t).equals(bits(other)), `batch ${i}, tensor ${j}`).toBe(true);
    });
  });
}

const shuffled = <T>(dataset: Dataset<T>, batchSize: number) =>
  new DataLoader(dataset, { batchSize, shuffle: true, generator: new Generator(0) });

describe('getItems: a batch of samples at once, as the per-item samples', () => {
  it.skipIf(!HAS_FULL_SET)(
    "the full Fashion-MNIST's shuffled epoch: the same batches, bit for bit, as item by item",
    () => {
      const train = FashionMNIST.fromDirectory(DEBIAN_DIR, { split: 'train' });
      expectSameEpoch(shuffled(train, 256), shuffled(itemByItem(train), 256));
    },
  );

  it('the subset, in order and shuffled, with and without dropLast', () => {
    const train = FashionMNIST.fromDirectory(SUBSET_DIR, { split: 'test' });
    expectSameEpoch(shuffled(train, 100), shuffled(itemByItem(train), 100));
    const ordered = { batchSize: 37, dropLast: true };
    expectSameEpoch(new DataLoader(train, ordered), new DataLoader(itemByItem(train), ordered));
  });

  it('each sample is what get gives, through the transforms, and the batch through normalize is the same bits', () => {
    const { images, labels } = fakeDataset(40);
    const options = {
      transform: (x: Tensor) => normalize(x, 0.286, 0.353),
      targetTransform: (y: number) => 9 - y,
    };
    const data = FashionMNIST.fromBytes({ images, labels }, options);
    const indices = [5, 0, 39, -1, 5];
    const samples = data.getItems(indices);
    samples.forEach(([x, y], k) => {
      const [xs, ys] = data.get(indices[k]);
      expect(y).toBe(ys);
      expect(bits(x).equals(bits(xs))).toBe(true);
    });
    expectSameEpoch(shuffled(data, 16), shuffled(itemByItem(data), 16));
    // normalize once on the batch gives the bits of normalize on each image
    const raw = FashionMNIST.fromBytes({ images, labels });
    const [batch] = defaultCollate(raw.getItems(indices)) as Tensor[];
    const [perImage] = defaultCollate(samples) as Tensor[];
    expect(bits(normalize(batch, 0.286, 0.353)).equals(bits(perImage))).toBe(true);
  });

  it('TensorDataset: rows of each tensor, strided or not, as get gives them', () => {
    const x = arange(60).reshape([5, 12]).t().contiguous().t(); // [5, 12] with column-major strides
    const y = tensor([3, 1, 4, 1, 5], { dtype: 'int32' });
    const z = rand([5, 2, 3]);
    const data = new TensorDataset(x, y, z);
    const samples = data.getItems([4, 0, 2, 2]);
    samples.forEach((sample, k) => {
      const expected = data.get([4, 0, 2, 2][k]);
      sample.forEach((t, j) => expect(t.toArray()).toEqual(expected[j].toArray()));
    });
    expect(data.getItems([])).toEqual([]);
    expectSameEpoch(shuffled(data, 2), shuffled(itemByItem(data), 2));
  });
});

describe('defaultCollate of the rows getItems returns', () => {
  it('hands over the gathered batch once: a second collation is a copy, never shared memory', () => {
    const data = new TensorDataset(rand([6, 3]));
    const samples = data.getItems([1, 3, 5]);
    const [first] = defaultCollate(samples) as Tensor[];
    const [second] = defaultCollate(samples) as Tensor[];
    expect(second.toArray()).toEqual(first.toArray());
    first.zero_();
    expect(second.toArray()).toEqual(data.getItems([1, 3, 5]).map(([row]) => row.toArray()));
  });

  it("copies rows that are some dataset's own tensor, as PyTorch's default_collate does", () => {
    const own = rand([4, 2]);
    const rows: Dataset<Tensor> = { length: 4, get: (i) => own.select(0, i) };
    const [batch] = [...new DataLoader(rows, { batchSize: 4 })] as Tensor[];
    expect(batch.toArray()).toEqual(own.toArray());
    batch.zero_();
    expect(own.sum().item()).not.toBe(0);
  });

  it('stacks rows in another order, a part of them, or changed by a transform', () => {
    const data = new TensorDataset(arange(8).reshape([4, 2]));
    const samples = data.getItems([0, 1, 2, 3]).map(([row]) => row);
    const reversed = defaultCollate([...samples].reverse()) as Tensor;
    expect(reversed.toArray()).toEqual([
      [6, 7],
      [4, 5],
      [2, 3],
      [0, 1],
    ]);
    expect((defaultCollate(samples.slice(1)) as Tensor).shape).toEqual([3, 2]);
    const doubled = defaultCollate(samples.map((row) => row.mul(2))) as Tensor;
    expect(doubled.toArray()).toEqual([
      [0, 2],
      [4, 6],
      [8, 10],
      [12, 14],
    ]);
  });
});

describe('DataLoader with a dataset that has getItems', () => {
  it('calls it once per batch with the indices in order, and collates what it returns', () => {
    const calls: number[][] = [];
    const data: Dataset<number> = {
      length: 7,
      get: () => {
        throw new Error('get should not be called');
      },
      getItems: (indices) => {
        calls.push([...indices]);
        return indices.map((i) => 10 * i);
      },
    };
    const batches = [...new DataLoader(data, { batchSize: 3 })].map((b) => (b as Tensor).toArray());
    expect(calls).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(batches).toEqual([[0, 10, 20], [30, 40, 50], [60]]);
  });

  it('names a getItems that is not a function or returns the wrong number of samples', () => {
    const range = { length: 4, get: (i: number) => i };
    expect(() => new DataLoader({ ...range, getItems: 3 } as unknown as Dataset)).toThrow(
      "DataLoader: argument 'dataset.getItems' must be a function or undefined, got 3",
    );
    const short = new DataLoader(
      { ...range, getItems: (indices: readonly number[]) => indices.slice(1) },
      { batchSize: 2 },
    );
    expect(() => [...short]).toThrow(
      'DataLoader: dataset.getItems returned 1 samples for 2 indices; expected an array of one sample per index',
    );
    const notArray = new DataLoader({ ...range, getItems: () => null } as unknown as Dataset, {
      batchSize: 2,
    });
    expect(() => [...notArray]).toThrow('DataLoader: dataset.getItems returned null for 2 indices');
  });

  it('getItems checks its indices as get does', () => {
    const { images, labels } = fakeDataset(3);
    const data = FashionMNIST.fromBytes({ images, labels });
    expect(() => data.getItems([0, 3])).toThrow(
      'FashionMNIST.getItems: index 3 is out of range for a dataset of 3 samples',
    );
    expect(() => data.getItems(2 as unknown as number[])).toThrow(
      "FashionMNIST.getItems: argument 'indices' must be an array, got 2",
    );
    // a batch too large to allocate is refused before anything is allocated
    expect(() => data.getItems(new Array(3_000_000).fill(0))).toThrow(
      'FashionMNIST.getItems: a tensor of 2352000000 elements (shape [3000000, 1, 28, 28]) is too large (the limit is 2147483647)',
    );
    expect(() => new TensorDataset(rand([2])).getItems([0.5])).toThrow(
      'TensorDataset.getItems: index 0.5 is out of range for a dataset of 2 samples',
    );
  });
});
