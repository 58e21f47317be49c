import { describe, expect, it } from 'vitest';
import { arange, ones, tensor, zeros } from '../src/index.js';

const i32 = (data: number[] | number[][]) => tensor(data, { dtype: 'int32' });

describe('views share storage', () => {
  const grid = () =>
    tensor([
      [0, 1, 2],
      [3, 4, 5],
    ]);

  it('slice(...).fill_() writes into the base: the chapter’s X[:, 2:6] = 0', () => {
    const img = ones([2, 8]);
    img.slice(':', '2:6').fill_(0);
    expect(img.toArray()).toEqual([
      [1, 1, 0, 0, 0, 0, 1, 1],
      [1, 1, 0, 0, 0, 0, 1, 1],
    ]);
  });

  it('t() permute flip squeeze unsqueeze reshape view read and write the same memory', () => {
    const x = grid();
    x.t().set([2, 1], 50);
    expect(x.get([1, 2])).toBe(50);
    x.permute([1, 0]).slice(0).fill_(-1);
    expect(x.slice(':', 0).toArray()).toEqual([-1, -1]);
    x.flip([0, 1]).set([0, 0], 99);
    expect(x.get([1, 2])).toBe(99);
    x.unsqueeze(0).squeeze(0).reshape([6]).view([3, 2]).set([0, 1], 7);
    expect(x.get([0, 1])).toBe(7);
    expect(x.toArray()).toEqual([
      [-1, 7, 2],
      [-1, 4, 99],
    ]);
  });

  it('expand reads the base, stride 0 along new axes', () => {
    const a = tensor([1, 2]);
    const e = a.expand([3, 2]);
    expect(e.strides).toEqual([0, 1]);
    a.fill_(5);
    expect(e.toArray()).toEqual([
      [5, 5],
      [5, 5],
      [5, 5],
    ]);
    expect(
      tensor([[1], [2]])
        .expand([-1, 3])
        .toArray(),
    ).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
  });

  it('reshape copies a non-contiguous tensor; view refuses it', () => {
    const x = grid();
    const r = x.t().reshape([6]);
    expect(r.toArray()).toEqual([0, 3, 1, 4, 2, 5]);
    r.fill_(0);
    expect(x.get([0, 1])).toBe(1);
    expect(() => x.t().view([6])).toThrow(
      "view: size is not compatible with the input's size and stride (shape [3, 2], strides [1, 3]); use reshape() instead",
    );
  });

  it('slice: ranges, steps, negative steps, integers, arrays, ellipsis, clamping like Python', () => {
    const x = arange(12).reshape([3, 4]);
    expect(x.slice(1).toArray()).toEqual([4, 5, 6, 7]);
    expect(x.slice(-1, -1).item()).toBe(11);
    expect(x.slice(':', '1:3').toArray()).toEqual([
      [1, 2],
      [5, 6],
      [9, 10],
    ]);
    expect(x.slice('::2', '::-1').toArray()).toEqual([
      [3, 2, 1, 0],
      [11, 10, 9, 8],
    ]);
    expect(x.slice('...', 0).toArray()).toEqual([0, 4, 8]);
    expect(x.slice([1, null], [3, 0, -2]).toArray()).toEqual([
      [7, 5],
      [11, 9],
    ]);
    expect(x.slice('5:').shape).toEqual([0, 4]);
    expect(x.slice(':', '-10:2').shape).toEqual([3, 2]);
    expect(x.select(1, -1).toArray()).toEqual([3, 7, 11]);
    expect(x.narrow(0, 1, 2).toArray()).toEqual([
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ]);
  });

  it('set([i, j], v) writes one element; set([i], row) a row, broadcasting', () => {
    const Y = zeros([2, 3]);
    Y.set([1, 2], 4);
    Y.set([0], tensor([1, 2, 3]));
    Y.set([1], tensor([9]).add(0).slice(0));
    expect(Y.toArray()).toEqual([
      [1, 2, 3],
      [9, 9, 9],
    ]);
    const N = i32([1, 2]);
    N.set([0], 7.9);
    expect(N.toArray()).toEqual([7, 2]);
    expect(() => Y.get([0])).toThrow('get: expected 2 indices for shape [2, 3], got 1');
  });

  it('a write bumps the version shared by every view of a storage', () => {
    const x = zeros([4]);
    const v = x.slice('1:3');
    const before = x.storage.version;
    v.fill_(1);
    expect(x.storage.version).toBe(before + 1);
    expect(v.storage).toBe(x.storage);
  });
});

describe('reading values', () => {
  it('item() of one element; booleans as booleans; an error otherwise', () => {
    expect(tensor(2.5).item()).toBe(2.5);
    expect(tensor([[3]]).item()).toBe(3);
    expect(arange(6).reshape([2, 3]).slice(1, 2).item()).toBe(5);
    expect(tensor([true]).item()).toBe(true);
    expect(() => tensor([1, 2]).item()).toThrow(
      'item: a Tensor with 2 elements cannot be converted to a scalar (shape [2])',
    );
  });

  it('toArray() nests; a 0-d tensor gives a number', () => {
    expect(arange(6).reshape([3, 2]).t().toArray()).toEqual([
      [0, 2, 4],
      [1, 3, 5],
    ]);
    expect(tensor(4).toArray()).toBe(4);
    expect(tensor([[true, false]]).toArray()).toEqual([[true, false]]);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
  });

  it('dataSync() is a contiguous copy in row-major order', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const d = x.t().dataSync();
    expect(d).toBeInstanceOf(Float32Array);
    expect(Array.from(d)).toEqual([1, 3, 2, 4]);
    d[0] = 100;
    expect(x.get([0, 0])).toBe(1);
    expect(i32([1]).dataSync()).toBeInstanceOf(Int32Array);
    expect(tensor([true]).dataSync()).toBeInstanceOf(Uint8Array);
  });

  it('dataAsync() and toArrayAsync() resolve to the same values as the synchronous reads', async () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]).t();
    const d = await x.dataAsync();
    expect(d).toBeInstanceOf(Float32Array);
    expect(Array.from(d)).toEqual(Array.from(x.dataSync()));
    expect(await x.toArrayAsync()).toEqual(x.toArray());
    expect(await tensor([true, false]).toArrayAsync()).toEqual([true, false]);
  });
});
