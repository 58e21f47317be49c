import { describe, expect, it } from 'vitest';
import { asValue, param, Value } from './value.js';

// micrograd's test_engine.py replays these expressions in PyTorch; its numbers are the reference
// here, compared to 1e-6 as there.
describe('micrograd test_engine', () => {
  it('sanity check: y = -20, dy/dx = 46', () => {
    const x = param(-4);
    const z = asValue(2).mul(x).add(2).add(x);
    const q = z.relu().add(z.mul(x));
    const h = z.mul(z).relu();
    const y = h.add(q).add(q.mul(x));
    y.backward();
    expect(y.data).toBeCloseTo(-20, 6);
    expect(x.grad!.data).toBeCloseTo(46, 6);
  });

  it('more ops: g = 24.70408163265306, dg/da = 138.83..., dg/db = 645.57...', () => {
    const a = param(-4);
    const b = param(2);
    let c = a.add(b);
    let d = a.mul(b).add(b.pow(3));
    c = c.add(c.add(1));
    c = c.add(asValue(1).add(c).add(a.neg()));
    d = d.add(d.mul(2).add(b.add(a).relu()));
    d = d.add(asValue(3).mul(d).add(b.sub(a).relu()));
    const e = c.sub(d);
    const f = e.pow(2);
    let g = f.div(2);
    g = g.add(asValue(10).div(f));
    g.backward();
    expect(Math.abs(g.data - 24.70408163265306)).toBeLessThan(1e-6);
    expect(Math.abs(a.grad!.data - 138.83381924198252)).toBeLessThan(1e-6);
    expect(Math.abs(b.grad!.data - 645.5772594752186)).toBeLessThan(1e-6);
  });
});

/** Gradients of `f` at the given points, by backward. */
function gradients(f: (...xs: Value[]) => Value, ...points: number[]): { value: number; grads: number[] } {
  const xs = points.map(param);
  const y = f(...xs);
  y.backward();
  return { value: y.data, grads: xs.map((x) => x.grad?.data ?? 0) };
}

// Each op against its derivative in closed form, at points away from kinks; 1e-12 relative.
describe('each op against its closed-form derivative', () => {
  const a = 1.7;
  const b = -0.6;
  const cases: [string, (...xs: Value[]) => Value, number[], number, number[]][] = [
    ['add', (x, y) => x.add(y), [a, b], a + b, [1, 1]],
    ['mul', (x, y) => x.mul(y), [a, b], a * b, [b, a]],
    ['neg', (x) => x.neg(), [a], -a, [-1]],
    ['sub', (x, y) => x.sub(y), [a, b], a - b, [1, -1]],
    ['div', (x, y) => x.div(y), [a, b], a / b, [1 / b, -a / (b * b)]],
    ['pow(3)', (x) => x.pow(3), [b], b ** 3, [3 * b * b]],
    ['pow(-0.5)', (x) => x.pow(-0.5), [a], a ** -0.5, [-0.5 * a ** -1.5]],
    ['exp', (x) => x.exp(), [b], Math.exp(b), [Math.exp(b)]],
    ['log', (x) => x.log(), [a], Math.log(a), [1 / a]],
    ['tanh', (x) => x.tanh(), [b], Math.tanh(b), [1 - Math.tanh(b) ** 2]],
    ['relu (positive)', (x) => x.relu(), [a], a, [1]],
    ['relu (negative)', (x) => x.relu(), [b], 0, [0]],
    ['relu (at 0, as PyTorch)', (x) => x.relu(), [0], 0, [0]],
    ['x * x (one node, two edges to one leaf)', (x) => x.mul(x), [b], b * b, [2 * b]],
    ['x / x', (x) => x.div(x), [a], 1, [0]],
    [
      'sigmoid through exp',
      (x) => asValue(1).div(x.neg().exp().add(1)),
      [b],
      1 / (1 + Math.exp(-b)),
      [Math.exp(-b) / (1 + Math.exp(-b)) ** 2],
    ],
    ['log(exp(x) * y)', (x, y) => x.exp().mul(y).log(), [b, a], b + Math.log(a), [1, 1 / a]],
  ];

  it.each(cases)('%s', (_name, f, points, value, expected) => {
    const got = gradients(f, ...points);
    expect(got.value).toBeCloseTo(value, 12);
    got.grads.forEach((g, i) => {
      expect(Math.abs(g - expected[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[i])));
    });
  });

  it('constants get no gradient and no node', () => {
    const c = new Value(3);
    const x = param(2);
    const y = x.mul(c);
    expect(c.requiresGrad).toBe(false);
    expect(y.requiresGrad).toBe(true);
    expect(y.isLeaf).toBe(false);
    expect(y.gradFn?.name).toBe('MulBackward');
    y.backward();
    expect(c.grad).toBeNull();
    expect(x.grad!.data).toBe(3);
    expect(new Value(2).mul(c).gradFn).toBeNull();
  });

  it('requiresGrad is settable on leaves only', () => {
    const x = new Value(2);
    expect(x.requiresGrad).toBe(false);
    x.requiresGrad = true;
    const y = x.exp();
    expect(() => {
      y.requiresGrad = false;
    }).toThrow(/only be changed on leaves/);
  });
});
