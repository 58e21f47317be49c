import { describe, expect, it } from 'vitest';
import {
  arange,
  defaultGenerator,
  eye,
  full,
  fullLike,
  Generator,
  linspace,
  manualSeed,
  ones,
  onesLike,
  rand,
  randint,
  randLike,
  randn,
  randnLike,
  tensor,
  where,
  zeros,
  zerosLike,
} from '../src/index.js';

const f64 = (data: number[] | number[][], requiresGrad = false) =>
  tensor(data, { dtype: 'float64', requiresGrad });
const i32 = (data: number[] | number[][]) => tensor(data, { dtype: 'int32' });

describe('dtypes and type promotion', () => {
  it('numbers make float32, booleans bool, typed arrays keep their type', () => {
    expect(tensor([1, 2]).dtype).toBe('float32');
    expect(tensor([[0.5]]).dtype).toBe('float32');
    expect(tensor([true, false]).dtype).toBe('bool');
    expect(tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(tensor(new Float64Array([1, 2])).dtype).toBe('float64');
    expect(tensor(3).shape).toEqual([]);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([1.7, -1.7], { dtype: 'int32' }).toArray()).toEqual([1, -1]);
  });

  it('int32 with float32 is float32; int32 times 0.5 is float32; int32 times 2 stays int32', () => {
    const n = i32([1, 2, 3]);
    expect(n.add(tensor([0.5, 0.5, 0.5])).dtype).toBe('float32');
    expect(n.mul(0.5).dtype).toBe('float32');
    expect(n.mul(0.5).toArray()).toEqual([0.5, 1, 1.5]);
    expect(n.mul(2).dtype).toBe('int32');
    expect(n.add(f64([1, 1, 1])).dtype).toBe('float64');
    expect(tensor([1, 2]).add(f64([1, 1])).dtype).toBe('float64');
  });

  it('a 0-d tensor only widens a dimensioned one of a lower category, as in PyTorch', () => {
    expect(tensor([1, 2]).add(tensor(2, { dtype: 'float64' })).dtype).toBe('float32');
    expect(i32([1, 2]).add(tensor(2, { dtype: 'float64' })).dtype).toBe('float64');
    expect(i32([1, 2]).add(tensor(2, { dtype: 'int32' })).dtype).toBe('int32');
  });

  it('where promotes its operands by the same rules', () => {
    const cond = tensor([true, false]);
    expect(where(cond, ones([2]), tensor(1, { dtype: 'float64' })).dtype).toBe('float32');
    expect(where(cond, i32([1, 2]), 0.5).dtype).toBe('float32');
    expect(where(cond, i32([1, 2]), f64([3, 4])).toArray()).toEqual([1, 4]);
  });

  it('bool promotes to int32 with integers and to float32 with fractions', () => {
    const b = tensor([true, false]);
    expect(b.add(b).dtype).toBe('bool');
    expect(b.add(1).dtype).toBe('int32');
    expect(b.add(1).toArray()).toEqual([2, 1]);
    expect(b.mul(2.5).dtype).toBe('float32');
    expect(b.sum().dtype).toBe('int32');
    expect(b.sum().item()).toBe(1);
  });

  it('comparisons give bool, comparing in the promoted type', () => {
    const n = i32([1, 2, 3]);
    expect(n.gt(1.5).dtype).toBe('bool');
    expect(String(n.gt(1.5))).toBe('tensor([False,  True,  True])');
    expect(n.eq(tensor([1, 0, 3])).toArray()).toEqual([true, false, true]);
    expect(n.lt(2).toArray()).toEqual([true, false, false]);
    expect(n.le(2).toArray()).toEqual([true, true, false]);
    expect(n.ge(2).toArray()).toEqual([false, true, true]);
    expect(n.ne(2).toArray()).toEqual([true, false, true]);
    expect(n.gt(1).logicalAnd(n.lt(3)).toArray()).toEqual([false, true, false]);
    expect(n.gt(2).logicalOr(n.lt(2)).logicalNot().toArray()).toEqual([false, true, false]);
  });

  it('division of integers is true division, giving float32', () => {
    const q = i32([1, 2, 3]).div(2);
    expect(q.dtype).toBe('float32');
    expect(q.toArray()).toEqual([0.5, 1, 1.5]);
    expect(
      i32([3])
        .div(i32([2]))
        .toArray(),
    ).toEqual([1.5]);
    expect(i32([1]).div(f64([4])).dtype).toBe('float64');
  });

  it('casts: to, float, double, int (toward zero), bool (nonzero)', () => {
    const x = tensor([-1.7, 0, 2.5]);
    expect(x.to('float64').dtype).toBe('float64');
    expect(x.double().dtype).toBe('float64');
    expect(x.int().toArray()).toEqual([-1, 0, 2]);
    expect(x.bool().toArray()).toEqual([true, false, true]);
    expect(tensor([true, false]).float().toArray()).toEqual([1, 0]);
    expect(x.to('float32')).toBe(x);
    expect(() => x.to('int64' as never)).toThrow(
      'to: unknown dtype int64; expected float32, float64, int32 or bool',
    );
  });

  it('prints a dtype suffix except for the defaults (int32 plays int64)', () => {
    expect(String(f64([1, 2]))).toBe('tensor([1., 2.], dtype=float64)');
    expect(String(i32([1, 2]))).toBe('tensor([1, 2])');
    expect(String(tensor([1, 2]))).toBe('tensor([1., 2.])');
  });
});

describe('creation', () => {
  it('zeros ones full, with a shape array or a number, and a dtype', () => {
    expect(String(zeros([2, 3]))).toBe('tensor([[0., 0., 0.],\n        [0., 0., 0.]])');
    expect(ones(3).toArray()).toEqual([1, 1, 1]);
    expect(ones([2], { dtype: 'int32' }).dtype).toBe('int32');
    expect(full([2, 2], 7).toArray()).toEqual([
      [7, 7],
      [7, 7],
    ]);
    expect(full([2], true).dtype).toBe('bool');
    expect(full([2], 2.5, { dtype: 'int32' }).toArray()).toEqual([2, 2]);
    expect(zeros([]).shape).toEqual([]);
    expect(zeros([0, 3]).numel).toBe(0);
    expect(() => zeros([2, -1])).toThrow(
      "zeros: argument 'size' must be a shape (an integer or an array of non-negative integers), got [2, -1]",
    );
    expect(() => zeros([2], { dtype: 'int8' as never })).toThrow(/zeros: unknown dtype int8/);
  });

  it('arange is int32 for integer arguments, float32 otherwise', () => {
    expect(arange(5).dtype).toBe('int32');
    expect(String(arange(5))).toBe('tensor([0, 1, 2, 3, 4])');
    expect(arange(1, 4).toArray()).toEqual([1, 2, 3]);
    expect(arange(3, 0, -1).toArray()).toEqual([3, 2, 1]);
    expect(arange(0, 10, 3).toArray()).toEqual([0, 3, 6, 9]);
    const f = arange(0, 1, 0.25);
    expect(f.dtype).toBe('float32');
    expect(f.toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(arange(0, 1, 0.1).shape).toEqual([10]);
    expect(arange(0, 3, 1, { dtype: 'float64' }).dtype).toBe('float64');
    expect(() => arange(0, 5, 0)).toThrow('arange: step must be nonzero');
    expect(() => arange(5, 0)).toThrow(/arange: upper bound and lower bound inconsistent with step sign/);
  });

  it('linspace includes both ends', () => {
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(String(linspace(-1, 1, 7))).toBe(
      'tensor([-1.0000, -0.6667, -0.3333,  0.0000,  0.3333,  0.6667,  1.0000])',
    );
    expect(linspace(3, 9, 1).toArray()).toEqual([3]);
    expect(linspace(3, 9, 0).shape).toEqual([0]);
    expect(linspace(0, 1, 3, { dtype: 'float64' }).dtype).toBe('float64');
  });

  it('eye, square and rectangular', () => {
    expect(String(eye(3))).toBe('tensor([[1., 0., 0.],\n        [0., 1., 0.],\n        [0., 0., 1.]])');
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(eye(2, 2, { dtype: 'bool' }).toArray()).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it('rand and randn after manualSeed(0) draw PyTorch’s numbers', () => {
    manualSeed(0);
    expect(String(rand([2]))).toBe('tensor([0.4963, 0.7682])');
    manualSeed(0);
    expect(String(randn([3]))).toBe('tensor([ 1.5410, -0.2934, -2.1788])');
    manualSeed(0);
    expect(String(rand([2, 3]))).toBe(
      'tensor([[0.4963, 0.7682, 0.0885],\n        [0.1320, 0.3074, 0.6341]])',
    );
    manualSeed(0);
    expect(String(randn([2, 3]))).toBe(
      'tensor([[ 1.5410, -0.2934, -2.1788],\n        [ 0.5684, -1.0845, -1.3986]])',
    );
    // From 16 elements on, PyTorch turns uniforms into normals sixteen at a time.
    manualSeed(0);
    expect(String(randn([4, 4]))).toBe(
      'tensor([[-1.1258, -1.1524, -0.2506, -0.4339],\n' +
        '        [ 0.8487,  0.6920, -0.3160, -2.1152],\n' +
        '        [ 0.3223, -1.2633,  0.3500,  0.3081],\n' +
        '        [ 0.1198,  1.2377,  1.1168, -0.2473]])',
    );
    manualSeed(0);
    expect(String(randint(0, 10, [5]))).toBe('tensor([4, 9, 3, 0, 3])');
  });

  it('random values lie in range and have the requested dtype', () => {
    const u = rand([1000], { dtype: 'float64' });
    expect(u.dtype).toBe('float64');
    expect(u.min().item()).toBeGreaterThanOrEqual(0);
    expect(u.max().item()).toBeLessThan(1);
    const n = randn([2000]);
    expect(Math.abs(n.mean().item() as number)).toBeLessThan(0.1);
    expect(Math.abs((n.var().item() as number) - 1)).toBeLessThan(0.1);
    const k = randint(-3, 4, [500]);
    expect(k.dtype).toBe('int32');
    expect(k.min().item()).toBe(-3);
    expect(k.max().item()).toBe(3);
    expect(() => rand([2], { dtype: 'int32' })).toThrow('rand: expected a floating point dtype, got int32');
    expect(() => randint(3, 3, [2])).toThrow(/randint: expects integers low < high/);
  });

  it('Generator objects are seeded streams of their own, apart from the default one', () => {
    const g = new Generator(0);
    expect(g.initialSeed()).toBe(0);
    manualSeed(123);
    const fromDefault = rand([3]);
    expect(String(rand([2], { generator: g }))).toBe('tensor([0.4963, 0.7682])');
    // Drawing from g did not move the default generator, and vice versa.
    manualSeed(123);
    expect(rand([3]).toArray()).toEqual(fromDefault.toArray());
    const a = new Generator(7);
    const b = new Generator(7);
    expect(randn([20], { generator: a }).toArray()).toEqual(randn([20], { generator: b }).toArray());
    expect(rand([2], { generator: a }).toArray()).not.toEqual(
      rand([2], { generator: new Generator(8) }).toArray(),
    );
    expect(g.manualSeed(0)).toBe(g);
    expect(manualSeed(5)).toBe(defaultGenerator);
    expect(defaultGenerator.initialSeed()).toBe(5);
  });

  it('in-place random fills take a generator too', () => {
    const x = zeros([2]).uniform_(0, 1, { generator: new Generator(0) });
    expect(String(x)).toBe('tensor([0.4963, 0.7682])');
    const y = zeros([3]).normal_(0, 1, { generator: new Generator(0) });
    expect(String(y)).toBe('tensor([ 1.5410, -0.2934, -2.1788])');
  });

  it('*Like keep shape and dtype unless told otherwise', () => {
    const x = f64([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(zerosLike(x).shape).toEqual([2, 3]);
    expect(zerosLike(x).dtype).toBe('float64');
    expect(onesLike(x, { dtype: 'int32' }).dtype).toBe('int32');
    expect(fullLike(x, 4).toArray()).toEqual([
      [4, 4, 4],
      [4, 4, 4],
    ]);
    expect(randLike(x).dtype).toBe('float64');
    expect(randnLike(x).shape).toEqual([2, 3]);
    expect(onesLike(x, { requiresGrad: true }).requiresGrad).toBe(true);
    expect(() => randLike(i32([1]))).toThrow('rand: expected a floating point dtype, got int32');
  });

  it('tensor() rejects ragged arrays and non-numbers, naming where', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(
      'tensor: expected a sequence of length 2 at [1] (shape [2, 2]), got length 1',
    );
    expect(() => tensor([1, 'a' as never])).toThrow(
      'tensor: expected a number or boolean at [1], got string',
    );
  });
});

describe('geometry', () => {
  it('shape, size, dim, numel, contiguity', () => {
    const x = zeros([2, 3, 4]);
    expect(x.shape).toEqual([2, 3, 4]);
    expect(x.size()).toEqual([2, 3, 4]);
    expect(x.size(-1)).toBe(4);
    expect(x.dim()).toBe(3);
    expect(x.ndim).toBe(3);
    expect(x.numel).toBe(24);
    expect(x.isContiguous()).toBe(true);
    expect(x.transpose(0, 2).isContiguous()).toBe(false);
    expect(() => x.size(3)).toThrow('size: dimension 3 is out of range for [2, 3, 4]');
    expect(() => (x.shape as number[]).push(1)).toThrow();
  });
});
