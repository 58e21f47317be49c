import { enableGrad, FREED_GRAPH_MESSAGE, grad, noGrad } from '@fovea/autograd';
import { describe, expect, it } from 'vitest';
import { cat, corr2d, matmul, type Tensor, where, zeros } from '../../src/index.js';
import { check, constant, input, kinky, leaf } from './helpers.js';

describe('errors PyTorch also gives', () => {
  it('an in-place op on a leaf that requires grad', () => {
    const x = input([3]);
    expect(() => x.add_(1)).toThrow(
      'add_: a leaf Variable that requires grad is being used in an in-place operation.',
    );
    expect(() => x.mul_(input([3]))).toThrow(/a leaf Variable that requires grad/);
    expect(() => x.fill_(0)).toThrow(/a leaf Variable that requires grad/);
  });

  it('an in-place op on a view of such a leaf', () => {
    const x = input([2, 3]);
    expect(() => x.slice(':', '1:').fill_(0)).toThrow(
      'fill_: a view of a leaf Variable that requires grad is being used in an in-place operation.',
    );
    expect(() => x.t().set([0, 1], 5)).toThrow(/a view of a leaf Variable that requires grad/);
    expect(() => x.reshape([6]).copy_(zeros([6], { dtype: 'float64' }))).toThrow(/a view of a leaf/);
  });

  it('in-place writes on leaves are fine under noGrad, and are not recorded', () => {
    const w = input([3]);
    noGrad(() => {
      w.sub_(1);
      w.slice('1:').mul_(2);
    });
    expect(w.isLeaf).toBe(true);
    expect(w.requiresGrad).toBe(true);
  });

  it('modifying a saved tensor, then calling backward', () => {
    const x = input([3]);
    const y = x.mul(1);
    const z = y.mul(y);
    y.add_(1);
    expect(() => z.sum().backward()).toThrow(
      /one of the variables needed for gradient computation has been modified by an inplace operation: \[float64 \[3\]\], used by MulBackward0, is at version 1; expected version 0 instead/,
    );
    const e = x.exp();
    e.slice('1:').mul_(2);
    expect(() => e.sum().backward()).toThrow(/modified by an inplace operation/);
  });

  it('no error where PyTorch saved nothing that is overwritten later', () => {
    // mul by a scalar saves the scalar; max along a dim saves the indices; neither saves y.
    const x = leaf([1, 3, 2]);
    const y = x.mul(1);
    const doubled = y.mul(2);
    const largest = y.max(0).values;
    y.add_(1);
    doubled.sum().add(largest).backward();
    expect(x.grad?.toArray()).toEqual([2, 3, 2]);
    // A scalar power saves its base and exponent, not its result.
    const u = leaf([1, 3]);
    const p = u.mul(1).pow(2);
    p.add_(1);
    p.sum().backward();
    expect(u.grad?.toArray()).toEqual([2, 6]);
    // matmul with a constant saves only the constant.
    const v = leaf([[1, 2]]);
    const w = v.mul(1);
    const out = matmul(w, constant([[1], [1]]));
    w.mul_(5);
    out.sum().backward();
    expect(v.grad?.toArray()).toEqual([[1, 1]]);
  });

  it('backward twice through a freed graph, and retainGraph', () => {
    const x = input([3]);
    const y = x.exp().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(() => y.backward()).toThrow(FREED_GRAPH_MESSAGE);
  });
});

describe('createGraph: double backward', () => {
  it('d²/dx² of x^3 is 6x', () => {
    const x = leaf([0.5, -1, 2]);
    const [g] = grad(x.pow(3).sum(), x, { createGraph: true });
    expect(g?.toArray()).toEqual([0.75, 3, 12]);
    expect(g?.requiresGrad).toBe(true);
    const [gg] = grad(g!.sum(), x);
    expect(gg?.toArray()).toEqual([3, -6, 12]);
  });

  it('backward with createGraph leaves a differentiable grad', () => {
    const x = leaf([1.5]);
    x.mul(x).mul(x).backward(undefined, { createGraph: true });
    const first = x.grad!;
    expect(first.toArray()).toEqual([6.75]);
    const [second] = grad(first.sum(), x);
    expect(second?.toArray()).toEqual([9]);
  });

  /** gradcheck of x -> d(sum f(x))/dx: PyTorch's gradgradcheck with a ones upstream gradient. */
  function checkSecondOrder(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): void {
    check((...xs) => enableGrad(() => grad(f(...xs).sum(), xs, { createGraph: true }) as Tensor[]), inputs);
  }

  it('second derivatives of the elementwise ops', () => {
    checkSecondOrder((a) => a.exp(), [input([3])]);
    checkSecondOrder((a) => a.log(), [input([3], 0.5, 2)]);
    checkSecondOrder((a) => a.sqrt(), [input([3], 0.5, 2)]);
    checkSecondOrder((a) => a.sigmoid(), [input([3])]);
    checkSecondOrder((a) => a.tanh(), [input([3])]);
    checkSecondOrder((a, b) => a.div(b), [input([3]), input([3], 0.5, 2)]);
    checkSecondOrder((a, b) => a.pow(b), [input([3], 0.5, 2), input([3])]);
    checkSecondOrder((a, b) => a.mul(b).mul(a), [input([2, 3]), input([3])]);
    checkSecondOrder((a) => a.relu().mul(a).add(a.abs().pow(3)), [leaf(kinky)]);
    checkSecondOrder(
      (a, b) =>
        a
          .maximum(b)
          .pow(2)
          .mul(where(a.gt(0), b, a)),
      [input([2, 3]), input([3])],
    );
  });

  it('second derivatives of matmul, corr2d, reductions, views, joins and in-place writes', () => {
    checkSecondOrder((a, b) => matmul(a, b).pow(2), [input([2, 3]), input([3, 2])]);
    checkSecondOrder((X, K) => corr2d(X, K).pow(2), [input([3, 4]), input([2, 2])]);
    checkSecondOrder((a) => a.var(1).mul(a.mean()), [input([2, 3])]);
    checkSecondOrder((a) => a.clamp(0.25, 0.75).pow(2).add(a.max(1, true).values.pow(3)), [leaf(kinky)]);
    checkSecondOrder((a, b) => cat([a.t(), b]).slice('::-1', 1).pow(3), [input([3, 2]), input([2, 3])]);
    checkSecondOrder(
      (a) =>
        a
          .expand([2, 2, 3])
          .sum(0)
          .mul(a.flip([1]).unsqueeze(0))
          .exp(),
      [input([2, 3])],
    );
    checkSecondOrder(
      (a, v) => {
        const y = a.mul(a);
        y.slice(':', 1).copy_(v.mul(v));
        return y.mul(a);
      },
      [input([2, 3]), input([2])],
    );
  });
});
