import { DataLoader, type Dataset, FashionMNIST, Subset, TensorDataset } from '@fovea/data';
import { arange, Generator, type Tensor } from '@fovea/tensor';
import { describe, expect, it, vi } from 'vitest';
import { SUBSET_DIR } from './helpers/idx.js';

/** The bytes of a tensor's values, for a bit-for-bit comparison. */
const bits = (t: Tensor): Buffer => {
  const values = t.dataSync();
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
};

describe('Subset (torch.utils.data.Subset)', () => {
  const all = new TensorDataset(arange(10), arange(10).mul(2));

  it('serves dataset.get(indices[i]) as its i-th sample, negative indices counted from the end', () => {
    const subset = new Subset(all, [7, 0, -1, 7]);
    expect(subset.length).toBe(4);
    expect(subset.indices).toEqual([7, 0, 9, 7]);
    expect([0, 1, 2, 3].map((i) => subset.get(i)[1].item())).toEqual([14, 0, 18, 14]);
    expect(subset.get(-1)[0].item()).toBe(7);
  });

  it("copies its indices: changing the caller's array later does not move it", () => {
    const indices = [1, 2];
    const subset = new Subset(all, indices);
    indices[0] = 5;
    expect(subset.get(0)[0].item()).toBe(1);
  });

  it("fetches a batch through the dataset's getItems, at the dataset's positions", () => {
    const spy = vi.spyOn(all, 'getItems');
    const loader = new DataLoader(new Subset(all, [9, 8, 7, 6, 5]), { batchSize: 2 });
    const firsts = ([...loader] as Tensor[][]).map(([x]) => [...x.dataSync()]);
    expect(firsts).toEqual([[9, 8], [7, 6], [5]]);
    expect(spy.mock.calls.map(([indices]) => [...indices])).toEqual([[9, 8], [7, 6], [5]]);
    spy.mockRestore();
  });

  it('falls back to get for each sample when the dataset has no getItems', () => {
    const plain: Dataset<number> = { length: 5, get: (i) => i * 10 };
    const subset = new Subset(plain, [4, 1]);
    expect(subset.getItems([1, 0])).toEqual([10, 40]);
  });

  it('gives the same batches, bit for bit, as loading the same samples one by one', () => {
    const train = FashionMNIST.fromDirectory(SUBSET_DIR, { split: 'train' });
    const indices = Array.from({ length: 700 }, (_, i) => (i * 37) % train.length);
    const subset = new Subset(train, indices);
    const oneByOne: Dataset<unknown> = { length: subset.length, get: (i) => subset.get(i) };
    const loader = (d: Dataset<unknown>) =>
      new DataLoader(d, { batchSize: 256, shuffle: true, generator: new Generator(3) });
    const left = [...loader(subset)] as Tensor[][];
    const right = [...loader(oneByOne)] as Tensor[][];
    expect(left.length).toBe(3);
    left.forEach((batch, b) =>
      batch.forEach((t, j) =>
        expect(bits(t).equals(bits(right[b][j])), `batch ${b}, tensor ${j}`).toBe(true),
      ),
    );
  });

  it('refuses what is not a dataset, indices out of range and a non-array, naming Subset', () => {
    expect(() => new Subset(null as never, [0])).toThrow(
      /^Subset: expected a dataset with `length` and `get\(index\)`/,
    );
    expect(() => new Subset(all, [10])).toThrow(
      /^Subset: index 10 is out of range for a dataset of 10 samples/,
    );
    expect(() => new Subset(all, 3 as never)).toThrow(/^Subset: /);
    expect(() => new Subset({ length: -1, get: () => 0 }, [])).toThrow(
      /^Subset: the dataset's length must be a non-negative integer, got -1/,
    );
    expect(() => new Subset(all, [1]).get(1)).toThrow(/^Subset.get: index 1 is out of range/);
    expect(() => new Subset(all, [1]).getItems([0, 2])).toThrow(/^Subset.getItems: index 2 is out of range/);
  });
});
