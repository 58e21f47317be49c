import { describe, expect, it, vi } from 'vitest';
import { backward, FREED_GRAPH_MESSAGE, FunctionNode, isGradEnabled } from '../src/index.js';
import { param, Value } from './value.js';

describe('backward: accumulation', () => {
  it('sums the gradients of two backward calls into a leaf, like PyTorch', () => {
    const x = param(3);
    x.mul(x).backward();
    expect(x.grad!.data).toBe(6);
    x.mul(x).backward();
    expect(x.grad!.data).toBe(12);
  });

  it('accumulates into every leaf of a shared graph, and only into leaves', () => {
    const x = param(2);
    const w = param(-3);
    const h = x.mul(w);
    h.tanh().add(h).backward();
    const dh = 1 - Math.tanh(-6) ** 2 + 1;
    expect(x.grad!.data).toBeCloseTo(dh * -3, 12);
    expect(w.grad!.data).toBeCloseTo(dh * 2, 12);
    expect(h.grad).toBeNull();
  });

  it('sums the gradients reaching a node used twice (diamond) before running it, once', () => {
    const x = param(0.5);
    const shared = x.mul(3);
    const apply = vi.spyOn(shared.gradFn!, 'apply');
    // y = (3x)² + e^(3x): two paths from y to the shared node.
    const y = shared.mul(shared).add(shared.exp());
    y.backward();
    expect(apply).toHaveBeenCalledTimes(1);
    expect(apply.mock.calls[0][0].data).toBeCloseTo(2 * 1.5 + Math.exp(1.5), 12);
    expect(x.grad!.data).toBeCloseTo(18 * 0.5 + 3 * Math.exp(1.5), 12);
  });

  it('waits for a long branch before running the node where it meets a short one', () => {
    const x = param(0.3);
    const shared = x.exp();
    const apply = vi.spyOn(shared.gradFn!, 'apply');
    let long = shared;
    for (let i = 0; i < 1000; i++) long = long.add(0.001);
    long.add(shared).backward();
    expect(apply).toHaveBeenCalledTimes(1);
    expect(apply.mock.calls[0][0].data).toBe(2);
    expect(x.grad!.data).toBeCloseTo(2 * Math.exp(0.3), 12);
  });

  it('walks a chain of 100k nodes without overflowing the stack', () => {
    const n = 100_000;
    const x = param(1);
    let y = x;
    for (let i = 0; i < n; i++) y = y.mul(1.00001);
    y.backward();
    // d/dx x·c^n = c^n ≈ e; the product of n roundings drifts by a few ulps per step.
    expect(x.grad!.data).toBeCloseTo(1.00001 ** n, 9);
  });

  it('walks a deep chain whose every node also feeds the output directly', () => {
    // y = Σ_k x^k for k = 1..n, built as h_k = h_{k-1}·x: a ladder of diamonds.
    const n = 2000;
    const x = param(0.999);
    let h = x;
    let y = x;
    for (let k = 2; k <= n; k++) {
      h = h.mul(x);
      y = y.add(h);
    }
    y.backward();
    let expected = 0;
    for (let k = 1; k <= n; k++) expected += k * 0.999 ** (k - 1);
    expect(x.grad!.data).toBeCloseTo(expected, 6);
  });
});

describe('backward: arguments', () => {
  it('starts from one for a scalar output, or from the gradient given', () => {
    const x = param(2);
    x.pow(3).backward(new Value(0.5));
    expect(x.grad!.data).toBe(6);
  });

  it('takes several outputs and their gradients at once', () => {
    const x = param(2);
    const y1 = x.mul(x);
    const y2 = x.exp();
    backward([y1, y2], [new Value(2), null]);
    expect(x.grad!.data).toBeCloseTo(2 * 4 + Math.exp(2), 12);
  });

  it('starts at the accumulator when the output is a leaf itself', () => {
    const x = param(2);
    x.backward();
    expect(x.grad!.data).toBe(1);
  });

  it('refuses an output that does not require grad, naming it', () => {
    expect(() => new Value(1).backward()).toThrow(
      'backward: element 0 of tensors does not require grad and does not have a grad_fn',
    );
  });

  it('refuses a gradient count that does not match the outputs', () => {
    const x = param(2);
    expect(() => backward([x.exp(), x.log()], [new Value(1)])).toThrow(/got 2 outputs but 1 gradients/);
  });

  it('runs the backward closures with grad mode off (without createGraph), then restores it', () => {
    const x = param(2);
    let seen: boolean | undefined;
    const y = x.mul(x);
    vi.spyOn(y.gradFn!, 'apply').mockImplementation((g) => {
      seen = isGradEnabled();
      return [g, g];
    });
    y.backward();
    expect(seen).toBe(false);
    expect(isGradEnabled()).toBe(true);
    expect(x.grad!.data).toBe(2);
    expect(x.grad!.gradFn).toBeNull();
  });
});

describe('backward: retainGraph', () => {
  it('throws the freed-graph message on a second pass through nodes that saved values', () => {
    const x = param(2);
    const y = x.mul(x).exp();
    y.backward();
    expect(() => y.backward()).toThrow(FREED_GRAPH_MESSAGE);
    expect(isGradEnabled()).toBe(true);
  });

  it('walks again and accumulates with retainGraph: true', () => {
    const x = param(2);
    const y = x.mul(x).exp();
    y.backward(undefined, { retainGraph: true });
    const once = 4 * Math.exp(4);
    expect(x.grad!.data).toBeCloseTo(once, 9);
    y.backward(undefined, { retainGraph: true });
    expect(x.grad!.data).toBeCloseTo(2 * once, 9);
    y.backward();
    expect(x.grad!.data).toBeCloseTo(3 * once, 9);
    expect(() => y.backward()).toThrow(FREED_GRAPH_MESSAGE);
  });

  it('walks again through nodes that saved nothing (savesValues: false), like PyTorch', () => {
    const x = param(2);
    const w = param(5);
    const y = x.add(w).neg().sub(x);
    y.backward();
    y.backward();
    expect(x.grad!.data).toBe(-4);
    expect(w.grad!.data).toBe(-2);
  });

  it('drops the check before a run with the closure, so a released node holds no saved value', () => {
    const saved = { values: new Float64Array(4) };
    const beforeApply = vi.fn(() => saved.values.length);
    const node = new FunctionNode<Value>('SavesBackward0', [], () => [], { beforeApply });
    node.release();
    expect(() => node.apply(new Value(1))).toThrow(FREED_GRAPH_MESSAGE);
    expect(beforeApply).not.toHaveBeenCalled();
    expect(Object.values(node)).not.toContain(beforeApply);
  });

  it('keeps a freed node freed for later graphs built on its output, while fresh graphs work', () => {
    const x = param(0.5);
    const h = x.exp();
    h.add(1).backward();
    // h's own node saved its output and was released; x itself is untouched.
    expect(() => h.mul(2).backward()).toThrow(FREED_GRAPH_MESSAGE);
    x.grad = null;
    x.tanh().backward();
    expect(x.grad!.data).toBeCloseTo(1 - Math.tanh(0.5) ** 2, 12);
  });
});
