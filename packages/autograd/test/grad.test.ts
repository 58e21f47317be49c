import { describe, expect, it, vi } from 'vitest';
import { FREED_GRAPH_MESSAGE, grad } from '../src/index.js';
import { param, Value } from './value.js';

describe('grad(outputs, inputs)', () => {
  it('returns the gradients without touching any .grad', () => {
    const x = param(2);
    const w = param(-1.5);
    const y = x.mul(w).add(x.pow(2));
    const [gx, gw] = grad(y, [x, w]);
    expect(gx!.data).toBe(-1.5 + 4);
    expect(gw!.data).toBe(2);
    expect(x.grad).toBeNull();
    expect(w.grad).toBeNull();
  });

  it('leaves alone the leaves it was not asked about', () => {
    const x = param(2);
    const w = param(3);
    const [gx] = grad(x.mul(w), x);
    expect(gx!.data).toBe(3);
    expect(w.grad).toBeNull();
  });

  it('takes non-leaf inputs, and stops there', () => {
    const x = param(0.5);
    const h = x.exp();
    const apply = vi.spyOn(h.gradFn!, 'apply');
    const y = h.mul(h).add(h);
    const [gh] = grad(y, h);
    expect(gh!.data).toBeCloseTo(2 * Math.exp(0.5) + 1, 12);
    expect(apply).not.toHaveBeenCalled();
    expect(x.grad).toBeNull();
  });

  it('takes an input that lies beyond another input', () => {
    const x = param(0.5);
    const h = x.mul(3);
    const y = h.tanh();
    const [gh, gx] = grad(y, [h, x]);
    const dh = 1 - Math.tanh(1.5) ** 2;
    expect(gh!.data).toBeCloseTo(dh, 12);
    expect(gx!.data).toBeCloseTo(3 * dh, 12);
  });

  it('reaches a non-leaf input even after its own node was freed by an earlier backward', () => {
    // PyTorch: z = x.exp(); (z * 3).backward(); torch.autograd.grad(z * 2, z) == (2,).
    const x = param(0.5);
    const z = x.exp();
    z.mul(3).backward();
    const [gz] = grad(z.mul(2), z);
    expect(gz!.data).toBe(2);
  });

  it('sums into an input that is also an output', () => {
    const x = param(0.5);
    const h = x.exp();
    const y = h.mul(h);
    const [gh] = grad([y, h], h);
    expect(gh!.data).toBeCloseTo(2 * Math.exp(0.5) + 1, 12);
  });

  it('is the vector-Jacobian product with gradOutputs', () => {
    const x = param(2);
    const y1 = x.pow(3);
    const y2 = x.log();
    const [g] = grad([y1, y2], x, { gradOutputs: [new Value(0.5), new Value(-2)] });
    expect(g!.data).toBeCloseTo(0.5 * 12 - 2 / 2, 12);
  });

  it('returns null for an unused input with allowUnused, and says so without it', () => {
    const x = param(2);
    const unused = param(7);
    const y = x.exp();
    expect(() => grad(y, [x, unused], { retainGraph: true })).toThrow(
      'grad: input 1 was not used in the graph of the outputs; pass allowUnused: true if that is intended',
    );
    const [gx, gu] = grad(y, [x, unused], { allowUnused: true });
    expect(gx!.data).toBeCloseTo(Math.exp(2), 12);
    expect(gu).toBeNull();
  });

  it('refuses an input that does not require grad', () => {
    const x = param(2);
    const c = new Value(3);
    expect(() => grad(x.mul(c), [x, c])).toThrow('grad: input 1 does not require grad');
  });

  it('frees the graph unless retainGraph', () => {
    const x = param(2);
    const y = x.pow(3);
    expect(grad(y, x, { retainGraph: true })[0]!.data).toBe(12);
    expect(grad(y, x)[0]!.data).toBe(12);
    expect(() => grad(y, x)).toThrow(FREED_GRAPH_MESSAGE);
  });

  it('gives plain gradients, with no history, without createGraph', () => {
    const x = param(2);
    const [g] = grad(x.pow(3), x);
    expect(g!.gradFn).toBeNull();
    expect(g!.requiresGrad).toBe(false);
  });
});

describe('higher-order derivatives with createGraph', () => {
  it('d²/dx² x³ = 6x, d³/dx³ x³ = 6', () => {
    const x = param(1.5);
    const [g1] = grad(x.pow(3), x, { createGraph: true });
    expect(g1!.data).toBeCloseTo(3 * 1.5 ** 2, 12);
    expect(g1!.requiresGrad).toBe(true);
    const [g2] = grad(g1!, x, { createGraph: true });
    expect(g2!.data).toBeCloseTo(6 * 1.5, 12);
    const [g3] = grad(g2!, x);
    expect(g3!.data).toBeCloseTo(6, 12);
  });

  it.each([
    ['exp', (x: Value) => x.exp(), (a: number) => Math.exp(a)],
    ['log', (x: Value) => x.log(), (a: number) => -1 / (a * a)],
    ['tanh', (x: Value) => x.tanh(), (a: number) => -2 * Math.tanh(a) * (1 - Math.tanh(a) ** 2)],
    ['1/x', (x: Value) => new Value(1).div(x), (a: number) => 2 / a ** 3],
    ['x·e^x', (x: Value) => x.mul(x.exp()), (a: number) => (a + 2) * Math.exp(a)],
    ['relu(x)²', (x: Value) => x.relu().pow(2), (a: number) => (a > 0 ? 2 : 0)],
  ])('second derivative of %s', (_name, f, second) => {
    for (const a of [0.3, 1.7]) {
      const x = param(a);
      const [g1] = grad(f(x), x, { createGraph: true });
      const [g2] = grad(g1!, x);
      expect(g2!.data).toBeCloseTo(second(a), 10);
    }
  });

  it('mixed partials: ∂²(x²y³)/∂x∂y = 6xy²', () => {
    const x = param(1.2);
    const y = param(-0.7);
    const f = x.pow(2).mul(y.pow(3));
    const [gx] = grad(f, x, { createGraph: true });
    const [gxy] = grad(gx!, y);
    expect(gxy!.data).toBeCloseTo(6 * 1.2 * 0.49, 12);
  });

  it('retainGraph defaults to createGraph', () => {
    const x = param(2);
    const y = x.pow(3).exp();
    grad(y, x, { createGraph: true });
    // Retained: the same graph can be walked again.
    expect(grad(y, x)[0]!.data).toBeCloseTo(12 * Math.exp(8), 6);
    expect(() => grad(y, x)).toThrow(FREED_GRAPH_MESSAGE);
    const z = x.pow(3).exp();
    grad(z, x, { createGraph: true, retainGraph: false });
    expect(() => grad(z, x)).toThrow(FREED_GRAPH_MESSAGE);
  });

  it('backward with createGraph leaves a differentiable .grad', () => {
    const x = param(2);
    x.pow(3).backward(undefined, { createGraph: true });
    const g = x.grad!;
    expect(g.data).toBe(12);
    expect(g.gradFn).not.toBeNull();
    x.grad = null;
    g.backward();
    expect(x.grad!.data).toBe(12);
  });
});
