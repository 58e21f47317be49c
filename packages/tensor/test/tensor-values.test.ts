import { describe, expect, it } from 'vitest';
import { cat, corr2d, matmul, stack, type Tensor, tensor, where, zeros } from '../src/index.js';

const f64 = (data: number[] | number[][], requiresGrad = false) =>
  tensor(data, { dtype: 'float64', requiresGrad });
const i32 = (data: number[] | number[][]) => tensor(data, { dtype: 'int32' });

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

  it('reads views in place: offsets, transposes and slabs give the values of their copies', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    const pieces = [x.narrow(0, 1, 2), x.t(), x.narrow(1, 1, 2).t(), x.narrow(0, 2, 1)];
    const copies = pieces.map((t) => tensor(t.toArray() as number[][]));
    for (const dim of [0, 1]) {
      const views = pieces.filter((t) => t.shape[1 - dim] === 3);
      const copied = copies.filter((t) => t.shape[1 - dim] === 3);
      expect(cat(views, dim).toArray()).toEqual(cat(copied, dim).toArray());
    }
    expect(stack([x.narrow(0, 1, 1), x.narrow(0, 2, 1)]).toArray()).toEqual([[[4, 5, 6]], [[7, 8, 9]]]);
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
