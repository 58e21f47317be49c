import { DataLoader, type Dataset, defaultCollate, randperm, TensorDataset } from '@fovea/data';
import { type GoldenTensor, loadGolden } from '@fovea/golden';
import { Generator, manualSeed, rand, type Tensor, tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';

interface LoaderCase {
  n: number;
  batchSize: number;
  shuffle: boolean;
  dropLast: boolean;
  seed: number;
  ownGenerator: boolean;
  length: number;
  epochs: number[][][];
  randAfter: GoldenTensor;
}
interface RandpermCase {
  randperm: number;
  seed: number;
  order: number[];
}

const golden = loadGolden<{ cases: (LoaderCase | RandpermCase)[] }>('dataloader_order.json').cases;
const loaderCases = golden.filter((c): c is LoaderCase => 'epochs' in c);
const randpermCases = golden.filter((c): c is RandpermCase => 'randperm' in c);

/** The dataset `list(range(n))` of the reference script. */
const range = (n: number): Dataset<number> => ({ length: n, get: (i) => i });

const name = (c: LoaderCase) =>
  `n ${c.n}, batch ${c.batchSize}, shuffle ${c.shuffle}, dropLast ${c.dropLast}, seed ${c.seed}, ${c.ownGenerator ? 'own generator' : 'default generator'}`;

/** The same dataset fetching each batch through `getItems`, PyTorch's `__getitems__`. */
const rangeByBatch = (n: number): Dataset<number> => ({
  ...range(n),
  getItems: (indices) => [...indices],
});

describe("DataLoader against PyTorch's", () => {
  it.each(
    loaderCases.flatMap((c) => [
      [`${name(c)}, get`, c, range] as const,
      [`${name(c)}, getItems`, c, rangeByBatch] as const,
    ]),
  )('%s: the same batches over two epochs', (_n, c, dataset) => {
    let generator: Generator | undefined;
    if (c.ownGenerator) generator = new Generator(c.seed);
    else manualSeed(c.seed);
    const loader = new DataLoader(dataset(c.n), {
      batchSize: c.batchSize,
      shuffle: c.shuffle,
      dropLast: c.dropLast,
      generator,
    });
    expect(loader.length).toBe(c.length);
    const epochs = [0, 1].map(() => [...loader].map((batch) => (batch as Tensor).toArray()));
    expect(epochs).toEqual(c.epochs);
    // the loader drew as many random numbers as PyTorch's did
    expect(Array.from(rand([3], { generator }).dataSync())).toEqual(c.randAfter.data);
  });

  it.each(randpermCases.map((c) => [c.randperm, c.seed, c] as const))(
    'randperm(%i) with seed %i is torch.randperm',
    (n, seed, c) => {
      expect(Array.from(randperm(n, new Generator(seed)))).toEqual(c.order);
    },
  );

  it('the same seed gives the same epochs; another seed another order', () => {
    const epochs = (seed: number) => {
      const loader = new DataLoader(range(50), {
        batchSize: 8,
        shuffle: true,
        generator: new Generator(seed),
      });
      return [0, 1, 2].map(() => [...loader].map((b) => (b as Tensor).toArray()));
    };
    expect(epochs(3)).toEqual(epochs(3));
    expect(epochs(3)).not.toEqual(epochs(4));
    const [first, second] = epochs(3);
    expect(first).not.toEqual(second); // a new order each epoch
    expect((first.flat() as number[]).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe('collation', () => {
  it('stacks tensors and turns labels into an int32 tensor, as default_collate', () => {
    const images = rand([5, 1, 2, 2]);
    const labels = tensor([3, 1, 4, 1, 5], { dtype: 'int32' });
    const loader = new DataLoader(new TensorDataset(images, labels), { batchSize: 2 });
    const batches = [...loader] as Tensor[][];
    expect(batches.map(([x, y]) => [x.shape, y.shape])).toEqual([
      [[2, 1, 2, 2], [2]],
      [[2, 1, 2, 2], [2]],
      [[1, 1, 2, 2], [1]],
    ]);
    expect(batches[2][0].toArray()).toEqual(images.slice('4:5').toArray());
    expect(batches.flatMap(([, y]) => y.toArray() as number[])).toEqual([3, 1, 4, 1, 5]);
  });

  it('numbers become int32 or float64, booleans bool, objects key by key', () => {
    const ints = defaultCollate([1, 2]) as Tensor;
    expect([ints.dtype, ints.toArray()]).toEqual(['int32', [1, 2]]);
    expect((defaultCollate([0.5, 2]) as Tensor).dtype).toBe('float64');
    expect((defaultCollate([true, false]) as Tensor).dtype).toBe('bool');
    const batch = defaultCollate([
      { x: tensor([1, 2]), y: 0 },
      { x: tensor([3, 4]), y: 1 },
    ]) as { x: Tensor; y: Tensor };
    expect([batch.x.toArray(), batch.y.toArray()]).toEqual([
      [
        [1, 2],
        [3, 4],
      ],
      [0, 1],
    ]);
  });

  it('a custom collateFn receives the list of samples', () => {
    const loader = new DataLoader(range(5), {
      batchSize: 2,
      collateFn: (samples: number[]) => samples.join('+'),
    });
    expect([...loader]).toEqual(['0+1', '2+3', '4']);
  });

  it('names what does not collate', () => {
    expect(() => defaultCollate([tensor([1, 2]), tensor([1, 2, 3])])).toThrow(
      'defaultCollate: every tensor in a batch must have the same shape, got [2] at 0 and [3] at 1',
    );
    expect(() => defaultCollate([1, 'a'])).toThrow(
      'defaultCollate: sample 0 is a number but sample 1 is string',
    );
    expect(() => defaultCollate(['a'])).toThrow(
      'defaultCollate: a batch must contain tensors, numbers, booleans',
    );
  });
});

describe('DataLoader and TensorDataset arguments', () => {
  it('counts batches with and without dropLast', () => {
    for (const [n, batchSize, dropLast, length] of [
      [10, 3, false, 4],
      [10, 3, true, 3],
      [9, 3, true, 3],
      [2, 5, true, 0],
      [0, 4, false, 0],
    ] as const) {
      const loader = new DataLoader(range(n), { batchSize, dropLast });
      expect(loader.length).toBe(length);
      expect([...loader]).toHaveLength(length);
    }
  });

  it('rejects bad options and datasets clearly', () => {
    expect(() => new DataLoader(range(3), { batchSize: 0 })).toThrow(
      'DataLoader: batchSize must be a positive integer, got 0',
    );
    expect(() => new DataLoader({} as Dataset)).toThrow(
      'DataLoader: expected a dataset with `length` and `get(index)`',
    );
    expect(() => new DataLoader(range(3), { generator: {} as Generator })).toThrow(
      'DataLoader: generator must be a Generator from @fovea/tensor',
    );
    expect(() => new TensorDataset(rand([3, 2]), rand([4]))).toThrow(
      'TensorDataset: size mismatch between tensors: first dimensions [3, 4] (shapes [3, 2], [4])',
    );
    expect(() => new TensorDataset(rand([3])).get(3)).toThrow(
      'TensorDataset.get: index 3 is out of range for a dataset of 3 samples',
    );
  });
});
