import { enableGrad, FREED_GRAPH_MESSAGE, isGradEnabled, noGrad } from '@fovea/autograd';
import { describe, expect, it } from 'vitest';
import { corr2d, matmul, type Tensor, tensor, zeros } from '../src/index.js';

const f64 = (data: number[] | number[][], requiresGrad = false) =>
  tensor(data, { dtype: 'float64', requiresGrad });
const i32 = (data: number[] | number[][]) => tensor(data, { dtype: 'int32' });
/** The values of a tensor's gradient (a function, so TypeScript does not narrow `grad` after an assignment). */
const gradValues = (t: Tensor) => t.grad?.toArray();

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
