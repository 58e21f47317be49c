import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grad } from '../src/index.js';
import { param, Value } from './value.js';

// Random expression trees over three variables. Every op keeps to its domain (log and pow(0.5)
// see a² + 1, division divides by b² + 1, exp sees tanh a), so trees evaluate anywhere.
const unaryOps = ['neg', 'square', 'cube', 'sqrt1p', 'expTanh', 'log1p', 'tanh', 'relu'] as const;
const binaryOps = ['add', 'sub', 'mul', 'div'] as const;

type Expr =
  | { kind: 'var'; index: number }
  | { kind: 'const'; value: number }
  | { kind: 'unary'; op: (typeof unaryOps)[number]; a: Expr }
  | { kind: 'binary'; op: (typeof binaryOps)[number]; a: Expr; b: Expr };

const VARIABLES = 3;

const leaf: fc.Arbitrary<Expr> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('var'), index: fc.nat({ max: VARIABLES - 1 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('const'), value: fc.double({ min: -2, max: 2, noNaN: true }) }),
  },
);

/** Trees at most `depth` ops deep; ops outweigh leaves, so most trees reach well down. */
function treeOfDepth(depth: number): fc.Arbitrary<Expr> {
  if (depth === 0) return leaf;
  const sub = treeOfDepth(depth - 1);
  return fc.oneof(
    { weight: 1, arbitrary: leaf },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('unary'), op: fc.constantFrom(...unaryOps), a: sub }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('binary'),
        op: fc.constantFrom(...binaryOps),
        a: sub,
        b: sub,
      }),
    },
  );
}

const expr = treeOfDepth(5);

const point = fc.array(fc.double({ min: -2, max: 2, noNaN: true }), {
  minLength: VARIABLES,
  maxLength: VARIABLES,
});

/**
 * One evaluator for numbers and for Values, so finite differences run on plain floats, apart from
 * the code under test.
 */
interface Ops<T> {
  constant(c: number): T;
  unary(op: (typeof unaryOps)[number], a: T): T;
  binary(op: (typeof binaryOps)[number], a: T, b: T): T;
  scalar(a: T): number;
}

const numberOps: Ops<number> = {
  constant: (c) => c,
  unary: (op, a) =>
    ({
      neg: -a,
      square: a ** 2,
      cube: a ** 3,
      sqrt1p: (a * a + 1) ** 0.5,
      expTanh: Math.exp(Math.tanh(a)),
      log1p: Math.log(a * a + 1),
      tanh: Math.tanh(a),
      relu: Math.max(0, a),
    })[op],
  binary: (op, a, b) => ({ add: a + b, sub: a - b, mul: a * b, div: a / (b * b + 1) })[op],
  scalar: (a) => a,
};

const valueOps: Ops<Value> = {
  constant: (c) => new Value(c),
  unary: (op, a) => {
    switch (op) {
      case 'neg':
        return a.neg();
      case 'square':
        return a.pow(2);
      case 'cube':
        return a.pow(3);
      case 'sqrt1p':
        return a.mul(a).add(1).pow(0.5);
      case 'expTanh':
        return a.tanh().exp();
      case 'log1p':
        return a.mul(a).add(1).log();
      case 'tanh':
        return a.tanh();
      case 'relu':
        return a.relu();
    }
  },
  binary: (op, a, b) => {
    switch (op) {
      case 'add':
        return a.add(b);
      case 'sub':
        return a.sub(b);
      case 'mul':
        return a.mul(b);
      case 'div':
        return a.div(b.mul(b).add(1));
    }
  },
  scalar: (a) => a.data,
};

/** What evaluation saw: every node's value, and the arguments of relu (whose derivative jumps at 0). */
interface Trace {
  values: number[];
  reluArguments: number[];
}

function evaluate<T>(e: Expr, xs: T[], ops: Ops<T>, trace: Trace = { values: [], reluArguments: [] }): T {
  const result = evaluateNode(e, xs, ops, trace);
  trace.values.push(ops.scalar(result));
  return result;
}

function evaluateNode<T>(e: Expr, xs: T[], ops: Ops<T>, trace: Trace): T {
  switch (e.kind) {
    case 'var':
      return xs[e.index];
    case 'const':
      return ops.constant(e.value);
    case 'unary': {
      const a = evaluate(e.a, xs, ops, trace);
      if (e.op === 'relu') trace.reluArguments.push(ops.scalar(a));
      return ops.unary(e.op, a);
    }
    case 'binary':
      return ops.binary(e.op, evaluate(e.a, xs, ops, trace), evaluate(e.b, xs, ops, trace));
  }
}

function usesVariable(e: Expr): boolean {
  if (e.kind === 'var') return true;
  if (e.kind === 'const') return false;
  return usesVariable(e.a) || (e.kind === 'binary' && usesVariable(e.b));
}

const H = 1e-4;
const STEPS = [-2, -1, 1, 2];

function shifted(xs: number[], i: number, steps: number): number[] {
  const p = xs.slice();
  p[i] += steps * H;
  return p;
}

/**
 * ∂f/∂x_i by central differences D(h) at h = H and 2H, Richardson-extrapolated: (4 D(H) - D(2H)) / 3
 * has error O(H⁴), and |D(H) - D(2H)| ≈ 3/4 of D(2H)'s own O(H²) error bounds it generously.
 */
function derivative(f: (xs: number[]) => number, xs: number[], i: number): { value: number; error: number } {
  const central = (k: number) => (f(shifted(xs, i, k)) - f(shifted(xs, i, -k))) / (2 * k * H);
  const d1 = central(1);
  const d2 = central(2);
  return { value: (4 * d1 - d2) / 3, error: Math.abs(d1 - d2) };
}

function trace(e: Expr, xs: number[]): Trace {
  const t: Trace = { values: [], reluArguments: [] };
  evaluate(e, xs, numberOps, t);
  return t;
}

/**
 * Trees that finite differences can judge at this point: they use a variable, every value along
 * the way stays finite and moderate (|v| < 1e3, which keeps the rounding of differences small),
 * and no relu argument changes sign over the points the differences visit (one that stays exactly
 * 0 there is locally constant, so it may).
 */
function wellBehaved(e: Expr, xs: number[]): boolean {
  if (!usesVariable(e)) return false;
  const { values, reluArguments } = trace(e, xs);
  if (!values.every((v) => Math.abs(v) < 1e3)) return false;
  const signs = reluArguments.map(Math.sign);
  return xs.every((_, i) =>
    STEPS.every((k) => trace(e, shifted(xs, i, k)).reluArguments.every((a, j) => Math.sign(a) === signs[j])),
  );
}

/**
 * |analytical - numerical| <= 1e-6 + 1e-5 · max(|numerical|, scale) + the difference estimate's own
 * error; rounding is near 1e3 (|f|) · 1e-16 / 1e-4 (H) = 1e-9 per difference.
 */
function expectClose(actual: number, numerical: { value: number; error: number }, scale: number): void {
  const tolerance = 1e-6 + 1e-5 * Math.max(Math.abs(numerical.value), scale) + numerical.error;
  expect(Math.abs(actual - numerical.value)).toBeLessThanOrEqual(tolerance);
}

describe('random expression trees', () => {
  it('backward agrees with central finite differences', () => {
    fc.assert(
      fc.property(expr, point, (e, xs) => {
        fc.pre(wellBehaved(e, xs));
        const leaves = xs.map(param);
        const y = evaluate(e, leaves, valueOps);
        expect(y.data).toBe(evaluate(e, xs, numberOps));
        y.backward();
        leaves.forEach((x, i) => {
          const numerical = derivative((p) => evaluate(e, p, numberOps), xs, i);
          expectClose(x.grad?.data ?? 0, numerical, 0);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('grad gives what backward accumulates', () => {
    fc.assert(
      fc.property(expr, point, (e, xs) => {
        fc.pre(wellBehaved(e, xs));
        const leaves = xs.map(param);
        const y = evaluate(e, leaves, valueOps);
        const grads = grad(y, leaves, { retainGraph: true, allowUnused: true });
        y.backward();
        grads.forEach((g, i) => {
          expect(g?.data ?? 0).toBe(leaves[i].grad?.data ?? 0);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('second derivatives by createGraph agree with differences of the gradient', () => {
    // ∂²f/∂x_i² by differentiating twice, against central differences of the exact ∂f/∂x_i.
    const gradientAt = (e: Expr, p: number[], i: number): number => {
      const leaves = p.map(param);
      const [g] = grad(evaluate(e, leaves, valueOps), leaves[i], { allowUnused: true });
      return g?.data ?? 0;
    };
    fc.assert(
      fc.property(expr, point, fc.integer({ min: 0, max: VARIABLES - 1 }), (e, xs, i) => {
        fc.pre(wellBehaved(e, xs));
        const leaves = xs.map(param);
        const y = evaluate(e, leaves, valueOps);
        const [g] = grad(y, leaves[i], { createGraph: true, allowUnused: true });
        const second = g?.requiresGrad ? (grad(g, leaves[i], { allowUnused: true })[0]?.data ?? 0) : 0;
        const numerical = derivative((p) => gradientAt(e, p, i), xs, i);
        expectClose(second, numerical, Math.abs(g?.data ?? 0));
      }),
      { numRuns: 200 },
    );
  });
});
