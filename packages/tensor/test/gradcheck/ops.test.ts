import { Function as AutogradFunction, type FunctionContext, gradcheck } from '@fovea/autograd';
import { describe, expect, it } from 'vitest';
import { cat, matmul, pow, stack, type Tensor, tensor, where } from '../../src/index.js';
import { check, constant, input, kinky, leaf } from './helpers.js';

describe('gradcheck itself', () => {
  it('rejects a wrong derivative (the checks below have teeth)', () => {
    class Twice extends AutogradFunction {
      static override forward(_ctx: FunctionContext, x: Tensor): Tensor {
        return x.mul(2);
      }
      static override backward(_ctx: FunctionContext, g: Tensor): Tensor[] {
        return [g.mul(3)];
      }
    }
    expect(gradcheck((x) => Twice.apply(x), [input([3])], { raiseException: false })).toBe(false);
  });
});

describe('gradcheck: elementwise ops', () => {
  it('add sub mul div, tensor and scalar operands on either side', () => {
    check((a, b) => a.add(b), [input([2, 3]), input([2, 3])]);
    check((a, b) => a.sub(b), [input([2, 3]), input([2, 3])]);
    check((a, b) => a.mul(b), [input([2, 3]), input([2, 3])]);
    check((a, b) => a.div(b), [input([2, 3]), input([2, 3], 0.5, 2)]);
    check((a) => a.add(2).sub(0.5).mul(-3).div(4), [input([4])]);
    check((b) => pow(2, b), [input([3])]);
    check((a) => a.neg().add(1), [input([2, 2])]);
  });

  it('broadcasting [2, 1, 3] with [4, 1] and with a 0-d tensor', () => {
    const shapes: [number[], number[]][] = [
      [
        [2, 1, 3],
        [4, 1],
      ],
      [[3], [2, 1, 1]],
      [[], [2, 3]],
    ];
    for (const [sa, sb] of shapes) {
      check((a, b) => a.add(b), [input(sa), input(sb)]);
      check((a, b) => a.sub(b), [input(sa), input(sb)]);
      check((a, b) => a.mul(b), [input(sa), input(sb)]);
      check((a, b) => a.div(b), [input(sa), input(sb, 0.5, 2)]);
      check((a, b) => a.maximum(b), [input(sa), input(sb)]);
      check((a, b) => a.minimum(b), [input(sa), input(sb)]);
      check((a, b) => a.pow(b), [input(sa, 0.5, 2), input(sb)]);
    }
  });

  it('pow with a scalar exponent, a tensor exponent and a tensor base', () => {
    check((a) => a.pow(3), [input([2, 3])]);
    check((a) => a.pow(2.5), [input([2, 3], 0.5, 2)]);
    check((a) => a.pow(-1.5), [input([4], 0.5, 2)]);
    check((a, b) => a.pow(b), [input([2, 3], 0.5, 2), input([2, 3])]);
    check((b) => constant([0.5, 1.5, 3]).pow(b), [input([3])]);
  });

  it('exp log sqrt abs relu sigmoid tanh square', () => {
    check((a) => a.exp(), [input([2, 3])]);
    check((a) => a.log(), [input([2, 3], 0.5, 3)]);
    check((a) => a.sqrt(), [input([2, 3], 0.5, 3)]);
    check((a) => a.abs(), [leaf(kinky)]);
    check((a) => a.relu(), [leaf(kinky)]);
    check((a) => a.sigmoid(), [input([2, 3], -3, 3)]);
    check((a) => a.tanh(), [input([2, 3], -2, 2)]);
    check((a) => a.square(), [input([2, 3])]);
  });

  it('clamp with both bounds, only a minimum and only a maximum', () => {
    check((a) => a.clamp(0.25, 0.75), [leaf(kinky)]);
    check((a) => a.clamp(0.25), [leaf(kinky)]);
    check((a) => a.clamp(null, 0.25), [leaf(kinky)]);
  });

  it('maximum and minimum share a tie evenly, as PyTorch does', () => {
    const a = leaf([1, 2, 3]);
    const b = leaf([3, 2, 1]);
    a.maximum(b).sum().backward();
    expect(a.grad?.toArray()).toEqual([0, 0.5, 1]);
    expect(b.grad?.toArray()).toEqual([1, 0.5, 0]);
  });

  it('where, broadcasting condition and operands, with a scalar on either side', () => {
    const cond = tensor([[true], [false]]);
    check((a, b) => where(cond, a, b), [input([2, 3]), input([3])]);
    check((a) => where(cond, a, 0.5), [input([1, 3])]);
    check((b) => where(cond, 2, b), [input([2, 1])]);
    check((a, b) => a.where(cond, b), [input([3]), input([2, 3])]);
  });
});

describe('gradcheck: reductions', () => {
  it('sum and mean: everything, one dim, several dims, negative dims, keepdim', () => {
    const x = () => input([2, 3, 4]);
    for (const op of ['sum', 'mean'] as const) {
      check((a) => a[op](), [x()]);
      check((a) => a[op](1), [x()]);
      check((a) => a[op](-1, true), [x()]);
      check((a) => a[op]([0, 2]), [x()]);
      check((a) => a[op]([0, -1], true), [x()]);
    }
  });

  it('var, with Bessel’s correction and without, over everything and along a dim', () => {
    check((a) => a.var(), [input([3, 4])]);
    check((a) => a.var(1), [input([3, 4])]);
    check((a) => a.var(0, { correction: 0, keepdim: true }), [input([3, 4])]);
    check((a) => a.var([0, 1]), [input([3, 4])]);
  });

  it('max and min over everything and along a dim (values)', () => {
    check((a) => a.max(), [input([3, 4])]);
    check((a) => a.min(), [input([3, 4])]);
    check((a) => a.max(1).values, [input([3, 4])]);
    check((a) => a.min(0, true).values, [input([3, 4])]);
    check((a) => a.max(-1, true).values, [input([2, 3, 4])]);
  });

  it('max over everything shares a tie; max along a dim sends it to the returned index', () => {
    const a = leaf([1, 3, 3]);
    a.max().backward();
    expect(a.grad?.toArray()).toEqual([0, 0.5, 0.5]);
    const b = leaf([
      [1, 3, 3],
      [5, 5, 0],
    ]);
    const { values, indices } = b.max(1);
    expect(indices.toArray()).toEqual([1, 0]);
    values.sum().backward();
    expect(b.grad?.toArray()).toEqual([
      [0, 1, 0],
      [1, 0, 0],
    ]);
  });
});

describe('gradcheck: matmul', () => {
  it('1-D and 2-D operands in every combination', () => {
    check((a, b) => matmul(a, b), [input([4]), input([4])]);
    check((a, b) => matmul(a, b), [input([4]), input([4, 3])]);
    check((a, b) => matmul(a, b), [input([2, 4]), input([4])]);
    check((a, b) => a.matmul(b), [input([2, 4]), input([4, 3])]);
  });

  it('batched, with broadcast batch axes and 1-D operands', () => {
    check((a, b) => matmul(a, b), [input([2, 1, 3, 4]), input([5, 4, 2])]);
    check((a, b) => matmul(a, b), [input([3, 2, 4]), input([4, 2])]);
    check((a, b) => matmul(a, b), [input([4]), input([2, 4, 3])]);
    check((a, b) => matmul(a, b), [input([2, 3, 4]), input([4])]);
  });
});

describe('gradcheck: joins', () => {
  it('cat along each dim, negative dims included, and of views', () => {
    check((a, b) => cat([a, b]), [input([2, 3]), input([1, 3])]);
    check((a, b) => cat([a, b], 1), [input([2, 3]), input([2, 2])]);
    check((a, b, c) => cat([a, b, c], -1), [input([2, 1]), input([2, 2]), input([2, 3])]);
    check((a, b) => cat([a.t(), b], 0), [input([3, 2]), input([1, 3])]);
    check((a) => cat([a, a.mul(2)], 0), [input([2, 2])]);
  });

  it('stack along each dim', () => {
    for (const dim of [0, 1, 2, -1]) {
      check((a, b) => stack([a, b], dim), [input([2, 3]), input([2, 3])]);
    }
  });

  it('a constant in a cat gets no gradient, the others do', () => {
    check((a) => cat([a, constant([[9, 9]])]), [input([2, 2])]);
  });
});
