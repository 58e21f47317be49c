import { enableGrad, FREED_GRAPH_MESSAGE, isGradEnabled, noGrad } from '@fovea/autograd';
import { describe, expect, it } from 'vitest';
import {
  arange,
  cat,
  corr2d,
  defaultGenerator,
  eye,
  full,
  fullLike,
  Generator,
  linspace,
  manualSeed,
  matmul,
  ones,
  onesLike,
  rand,
  randint,
  randLike,
  randn,
  randnLike,
  stack,
  type Tensor,
  tensor,
  where,
  zeros,
  zerosLike,
} from '../src/index.js';

const f64 = (data: number[] | number[][], requiresGrad = false) =>
  tensor(data, { dtype: 'float64', requiresGrad });
const i32 = (data: number[] | number[][]) => tensor(data, { dtype: 'int32' });
/** The values of a tensor's gradient (a function, so TypeScript does not narrow `grad` after an assignment). */
const gradValues = (t: Tensor) => t.grad?.toArray();

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
    expect(() => randLike(i32([1]))).toThrow('randLike: expected a floating point dtype, got int32');
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

describe('autograd on tensors', () => {
  it('requiresGrad, gradFn, isLeaf and how they print', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(String(x)).toBe('tensor([1., 2.], requires_grad=True)');
    expect(x.isLeaf).toBe(true);
    const y = x.mul(2);
    expect(y.isLeaf).toBe(false);
    expect(y.requiresGrad).toBe(true);
    expect(String(y)).toBe('tensor([2., 4.], grad_fn=<MulBackward0>)');
    expect(String(y.sum())).toBe('tensor(6., grad_fn=<SumBackward0>)');
    expect(String(y.t())).toBe('tensor([2., 4.], grad_fn=<MulBackward0>)');
    expect(x.add(1).gradFn?.name).toBe('AddBackward0');
    expect(tensor([1]).mul(2).requiresGrad).toBe(false);
  });

  it('backward() accumulates into grad until it is reset', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).sum().backward();
    expect(x.grad?.toArray()).toEqual([2, 4, 6]);
    x.mul(3).sum().backward();
    expect(x.grad?.toArray()).toEqual([5, 7, 9]);
    x.grad = null;
    x.sum().backward();
    expect(gradValues(x)).toEqual([1, 1, 1]);
    expect(() => {
      x.grad = zeros([2]);
    }).toThrow('grad: assigned grad has shape [2] but the tensor has shape [3]');
  });

  it('backward(gradient) for a non-scalar output; an error without one', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x);
    expect(() => y.backward()).toThrow(
      'backward: grad can be implicitly created only for scalar outputs, got shape [2]',
    );
    y.backward(tensor([1, 10]));
    expect(x.grad?.toArray()).toEqual([2, 40]);
    expect(() => tensor([1]).sum().backward()).toThrow(
      'backward: element 0 of tensors does not require grad and does not have a grad_fn',
    );
  });

  it('retainGraph keeps the graph for a second backward; without it, PyTorch’s message', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward(undefined, { retainGraph: true });
    expect(x.grad?.toArray()).toEqual(
      [2 * Math.fround(Math.E), 2 * Math.fround(Math.exp(2))].map(Math.fround),
    );
    y.backward();
    expect(() => y.backward()).toThrow(FREED_GRAPH_MESSAGE);
  });

  it('requiresGrad_ only on floating point tensors, and only changeable on leaves', () => {
    expect(() => tensor([1], { dtype: 'int32', requiresGrad: true })).toThrow(
      'requiresGrad_: only tensors of floating point dtype can require gradients, got int32',
    );
    expect(() => tensor([true]).requiresGrad_()).toThrow(/only tensors of floating point dtype.*got bool/);
    const x = tensor([1]);
    x.requiresGrad = true;
    expect(x.requiresGrad).toBe(true);
    x.requiresGrad_(false);
    expect(x.requiresGrad).toBe(false);
    const y = x.requiresGrad_().mul(2);
    expect(() => y.requiresGrad_(false)).toThrow(/you can only change requires_grad flags of leaf variables/);
    expect(i32([1]).requiresGrad_(false).requiresGrad).toBe(false);
  });

  it('integer and boolean results never require grad', () => {
    const x = tensor([1.5, -2], { requiresGrad: true });
    expect(x.gt(0).requiresGrad).toBe(false);
    expect(x.argmax().requiresGrad).toBe(false);
    expect(x.max(0).indices.requiresGrad).toBe(false);
    expect(x.int().requiresGrad).toBe(false);
  });

  it('noGrad records nothing and restores the mode; enableGrad inside it records', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      const inner = enableGrad(() => x.mul(2));
      expect(inner.requiresGrad).toBe(true);
      return x.mul(2);
    });
    expect(isGradEnabled()).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(String(y)).toBe('tensor([2., 4.])');
  });

  it('detach() shares storage and history is cut; its writes are seen by autograd’s version check', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const d = x.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.storage).toBe(x.storage);
    d.fill_(3);
    expect(x.toArray()).toEqual([3, 3]);
    const y = x.mul(x);
    x.detach().add_(1);
    expect(() => y.sum().backward()).toThrow(/modified by an inplace operation/);
  });

  it('.data shares values, has no history, and its in-place writes do not touch autograd', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const y = w.mul(w);
    w.data.add_(1); // the version seen by autograd does not move: no error below, as in PyTorch
    y.sum().backward();
    expect(w.grad?.toArray()).toEqual([4, 6]);
    expect(w.isLeaf).toBe(true);
    expect(w.requiresGrad).toBe(true);
    expect(w.data.requiresGrad).toBe(false);
    // The chapter's update: w.data[:] -= lr * w.grad
    w.data.sub_(w.grad!.mul(0.5));
    expect(w.toArray()).toEqual([0, 0]);
    expect(w.gradFn).toBeNull();
  });

  it('an input gets its gradient in its own dtype, whatever the op computed in', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const X = tensor([[1, 2]], { requiresGrad: true });
    matmul(x, f64([3, 4])).backward();
    corr2d(X, f64([[1]]))
      .sum()
      .backward();
    x.mul(f64([1, 1]))
      .sum()
      .backward();
    expect(x.grad?.dtype).toBe('float32');
    expect(X.grad?.dtype).toBe('float32');
    expect(x.grad?.toArray()).toEqual([4, 5]);
  });

  it('copying a leaf that requires grad into a plain tensor records a copy', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const z = zeros([2]);
    z.copy_(x);
    expect(String(z)).toBe('tensor([1., 2.], grad_fn=<CopyBackwards>)');
    z.mul(3).sum().backward();
    expect(x.grad?.toArray()).toEqual([3, 3]);
  });

  it('views of tensors that require grad print their view node', () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    expect(x.t().gradFn?.name).toBe('TransposeBackward0');
    expect(x.slice(0).gradFn?.name).toBe('SliceBackward0');
    expect(x.reshape([4]).gradFn?.name).toBe('ViewBackward0');
    expect(x.expand([2, 2, 2]).gradFn?.name).toBe('ExpandBackward0');
  });
});

describe('reductions', () => {
  const x = tensor([
    [1, 5, 2],
    [4, 0, 6],
  ]);

  it('sum and mean over everything, a dim, several dims, keepdim', () => {
    expect(x.sum().item()).toBe(18);
    expect(x.sum().shape).toEqual([]);
    expect(x.sum(0).toArray()).toEqual([5, 5, 8]);
    expect(x.sum(-1, true).toArray()).toEqual([[8], [10]]);
    expect(x.sum([0, 1], true).shape).toEqual([1, 1]);
    expect(x.mean().item()).toBe(3);
    expect(x.mean(1).toArray()).toEqual([Math.fround(8 / 3), Math.fround(10 / 3)]);
    expect(i32([1, 2]).sum().dtype).toBe('int32');
    expect(() => i32([1, 2]).mean()).toThrow('mean: input dtype must be a floating point dtype, got int32');
    expect(() => x.sum(2)).toThrow('sum: dimension 2 is out of range for a tensor with 2 dimensions');
    expect(() => x.sum([0, 0])).toThrow('sum: dimension appears more than once in [0, 0]');
  });

  it('var with Bessel’s correction by default, like torch.var', () => {
    const v = tensor([1, 2, 3, 4]);
    expect(String(v.var())).toBe('tensor(1.6667)');
    expect(v.var(undefined, { correction: 0 }).item()).toBe(1.25);
    expect(x.var(1, { keepdim: true }).shape).toEqual([2, 1]);
  });

  it('max and min: a 0-d value, or {values, indices} along a dim', () => {
    expect(x.max().item()).toBe(6);
    expect(x.min().item()).toBe(0);
    const { values, indices } = x.max(1);
    expect(values.toArray()).toEqual([5, 6]);
    expect(indices.toArray()).toEqual([1, 2]);
    expect(indices.dtype).toBe('int32');
    const m = x.min(0, true);
    expect(m.values.toArray()).toEqual([[1, 0, 2]]);
    expect(m.indices.toArray()).toEqual([[0, 1, 0]]);
    expect(() => zeros([0]).max()).toThrow('max: expected a non-empty tensor, got shape [0]');
  });

  it('argmax and argmin: the first of ties, over everything or along a dim', () => {
    expect(x.argmax().item()).toBe(5);
    expect(x.argmin().item()).toBe(4);
    expect(x.argmax(0).toArray()).toEqual([1, 0, 1]);
    expect(x.argmin(1, true).toArray()).toEqual([[0], [1]]);
    expect(tensor([3, 1, 3, 1]).argmax().item()).toBe(0);
    expect(tensor([3, 1, 3, 1]).argmin().item()).toBe(1);
    expect(tensor([1, Number.NaN, 2]).argmax().item()).toBe(1);
  });
});

describe('elementwise values', () => {
  it('match JavaScript Math in float64', () => {
    const x = f64([-2, -0.5, 0, 0.5, 2]);
    const values = (t: Tensor) => t.toArray() as number[];
    expect(values(x.exp())).toEqual([-2, -0.5, 0, 0.5, 2].map(Math.exp));
    expect(values(x.abs())).toEqual([2, 0.5, 0, 0.5, 2]);
    expect(values(x.relu())).toEqual([0, 0, 0, 0.5, 2]);
    expect(values(x.tanh())).toEqual([-2, -0.5, 0, 0.5, 2].map(Math.tanh));
    expect(values(x.sigmoid())).toEqual([-2, -0.5, 0, 0.5, 2].map((v) => 1 / (1 + Math.exp(-v))));
    expect(values(x.clamp(-1, 1))).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(values(x.sign())).toEqual([-1, -1, 0, 1, 1]);
    expect(values(x.pow(2))).toEqual([4, 0.25, 0, 0.25, 4]);
    expect(values(x.maximum(0))).toEqual([0, 0, 0, 0.5, 2]);
    expect(values(where(x.gt(0), x, -1))).toEqual([-1, -1, -1, 0.5, 2]);
    expect(values(f64([4, 9]).sqrt())).toEqual([2, 3]);
    expect(values(f64([1]).log())).toEqual([0]);
    expect(i32([2, 3]).pow(2).toArray()).toEqual([4, 9]);
  });
});

describe('joins', () => {
  const a = tensor([
    [1, 2],
    [3, 4],
  ]);
  const b = tensor([[5, 6]]);

  it('cat along a dim, promoting dtypes', () => {
    expect(cat([a, b]).toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(cat([a, b.t()], -1).shape).toEqual([2, 3]);
    expect(cat([i32([1]), f64([2])]).dtype).toBe('float64');
    expect(() => cat([a, tensor([1, 2, 3]).reshape([1, 3])])).toThrow(
      'cat: sizes of tensors must match except in dimension 0: tensors[0] is [2, 2], tensors[1] is [1, 3]',
    );
    expect(() => cat([])).toThrow('cat: expected a non-empty list of tensors');
  });

  it('the gradient of a promoted input comes back in its own dtype', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    cat([x, f64([3])])
      .sum()
      .backward();
    expect(x.grad?.dtype).toBe('float32');
  });

  it('stack along a new dim', () => {
    expect(stack([a, a.mul(10)]).shape).toEqual([2, 2, 2]);
    expect(stack([b.squeeze(), b.squeeze()], 1).toArray()).toEqual([
      [5, 5],
      [6, 6],
    ]);
    expect(() => stack([a, b])).toThrow(
      'stack: expects each tensor to be equal size, but got [2, 2] at entry 0 and [1, 2] at entry 1',
    );
  });
});

describe('matmul values', () => {
  it('matrix, vector and batched products', () => {
    const A = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(matmul(A, A.t()).toArray()).toEqual([
      [14, 32],
      [32, 77],
    ]);
    expect(matmul(tensor([1, 2, 3]), tensor([4, 5, 6])).shape).toEqual([]);
    expect(matmul(tensor([1, 2, 3]), tensor([4, 5, 6])).item()).toBe(32);
    expect(A.matmul(tensor([1, 1, 1])).toArray()).toEqual([6, 15]);
    expect(matmul(zeros([5, 1, 2, 3]), zeros([4, 3, 7])).shape).toEqual([5, 4, 2, 7]);
    expect(matmul(i32([[2]]), i32([[3]])).dtype).toBe('int32');
  });
});

describe('errors name the op and the shapes', () => {
  it('broadcasting', () => {
    expect(() => zeros([2, 3]).add(zeros([4]))).toThrow('add: cannot broadcast [2, 3] with [4]');
    expect(() => zeros([2, 3]).mul(zeros([3, 2]))).toThrow('mul: cannot broadcast [2, 3] with [3, 2]');
    expect(() => where(tensor([true, false]), zeros([3]), 0)).toThrow(
      'where: cannot broadcast [2] with [3] with []',
    );
    expect(() => where(zeros([2]), zeros([2]), 0)).toThrow(
      'where: expected condition to be a bool tensor, got float32',
    );
  });

  it('reshape to a wrong size', () => {
    expect(() => zeros([2, 3]).reshape([4, 4])).toThrow(
      'reshape: shape [4, 4] is invalid for input of size 6 (shape [2, 3])',
    );
    expect(() => zeros([2, 3]).reshape([-1, 4])).toThrow(
      'reshape: shape [-1, 4] is invalid for input of size 6 (shape [2, 3])',
    );
    expect(() => zeros([2, 3]).view([-1, -1])).toThrow(
      'view: only one dimension can be inferred (-1) in [-1, -1]',
    );
  });

  it('slice index out of range, too many indices, zero step', () => {
    expect(() => zeros([3, 2]).slice(3)).toThrow(
      'slice: index 3 is out of bounds for dimension 0 with size 3 (shape [3, 2])',
    );
    expect(() => zeros([3, 2]).slice(':', -3)).toThrow(
      'slice: index -3 is out of bounds for dimension 1 with size 2 (shape [3, 2])',
    );
    expect(() => zeros([3]).slice(0, 0)).toThrow(
      'slice: too many indices for a tensor of dimension 1 (got 2)',
    );
    expect(() => zeros([3]).slice('::0')).toThrow('slice: slice step cannot be zero');
    expect(() => zeros([3]).slice('1:2:3:4')).toThrow(
      "slice: cannot read '1:2:3:4' as a 'start:end:step' range",
    );
    expect(() => zeros([3]).narrow(0, 2, 2)).toThrow(
      'narrow: start 2 + length 2 exceeds dimension 0 of size 3 (shape [3])',
    );
  });

  it('t() on a 3-D tensor, permute with the wrong dims', () => {
    expect(() => zeros([2, 3, 4]).t()).toThrow(
      't: expects a tensor with <= 2 dimensions, but the input is 3-D (shape [2, 3, 4])',
    );
    expect(() => zeros([2, 3]).permute([0])).toThrow(
      "permute: number of dims 1 does not match the tensor's 2 (shape [2, 3])",
    );
    expect(() => zeros([2, 3]).permute([0, 0])).toThrow('permute: repeated dim in [0, 0]');
    expect(() => zeros([2, 3]).expand([4, 3])).toThrow(
      'expand: the expanded size 4 must match the existing size 2 at dimension 0 (input [2, 3], requested [4, 3])',
    );
  });

  it('matmul with mismatched inner sizes', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(
      'matmul: shapes [2, 3] and [4, 5] cannot be multiplied (2x3 and 4x5)',
    );
    expect(() => matmul(zeros([3]), zeros([4]))).toThrow(
      'matmul: shapes [3] and [4] cannot be multiplied (1x3 and 4x1)',
    );
    expect(() => matmul(zeros([2, 2, 3]), zeros([3, 3, 1]))).toThrow('matmul: cannot broadcast [2] with [3]');
    expect(() => matmul(tensor(1), zeros([1]))).toThrow(/matmul: both arguments need at least 1 dimension/);
  });

  it('corr2d with the wrong ranks or a kernel larger than the input', () => {
    expect(() => corr2d(zeros([3]), zeros([1, 1]))).toThrow(
      'corr2d: expected 2-D X and K, got X [3] and K [1, 1]',
    );
    expect(() => corr2d(zeros([2, 2]), zeros([3, 1]))).toThrow(
      'corr2d: kernel [3, 1] does not fit in input [2, 2]',
    );
  });

  it('dtype misuse', () => {
    expect(() => tensor([1, 2], { dtype: 'int32', requiresGrad: true })).toThrow(
      'requiresGrad_: only tensors of floating point dtype can require gradients, got int32',
    );
    expect(() => i32([1, 2]).add_(0.5)).toThrow(
      "add_: result type float32 can't be cast to the desired output type int32",
    );
    expect(() => i32([1, 2]).div_(2)).toThrow(/div_: result type float32 can't be cast/);
    expect(() => tensor([true]).neg()).toThrow(
      'neg: negation of a bool tensor is not supported; use logicalNot()',
    );
    expect(() => tensor([true]).sub(tensor([false]))).toThrow(/sub: not supported for bool tensors/);
    expect(() => zeros([2]).add('1' as never)).toThrow('add: expected a Tensor or a number, got string');
    expect(() => zeros([2]).copy_(zeros([3]))).toThrow('copy_: cannot broadcast [2] with [3]');
    expect(() => i32([2]).pow(-1)).toThrow(
      'pow: integers to negative integer powers are not allowed (exponent -1)',
    );
  });

  it('an in-place write into an expanded view, whose elements share memory', () => {
    expect(() => zeros([2]).expand([3, 2]).add_(1)).toThrow(
      'add_: unsupported operation: more than one element of the written-to tensor refers to a single memory location (shape [3, 2], strides [0, 1]). Please clone() the tensor before performing the operation.',
    );
    expect(() => zeros([1]).expand([4]).fill_(1)).toThrow(/fill_: unsupported operation/);
    expect(zeros([1]).expand([1, 1]).fill_(2).toArray()).toEqual([[2]]);
  });
});

describe('leaf gradients own their memory', () => {
  it('does not share the gradient passed to backward between leaves or with the caller', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    const g = tensor([1, 1]);
    a.add(b).backward(g);
    a.grad!.zero_();
    expect(b.grad!.toArray()).toEqual([1, 1]);
    expect(g.toArray()).toEqual([1, 1]);
  });

  it('stores a contiguous gradient for a leaf reached through a broadcast', () => {
    const a = tensor([[1], [2]], { requiresGrad: true });
    a.expand([2, 3]).sum().backward();
    expect(a.grad!.isContiguous()).toBe(true);
    expect(a.grad!.toArray()).toEqual([[3], [3]]);
  });
});
