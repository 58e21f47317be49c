import fc from 'fast-check';
import { describe, it } from 'vitest';
import { Generator, matmul, type SliceSpec } from '../../src/index.js';
import { check, type Fn, input } from './helpers.js';

describe('gradcheck properties over random shapes (fast-check)', () => {
  /** A shape of up to three axes of sizes 1 to 3. */
  const shapeArb = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 });
  /** Two shapes that broadcast: b drops some leading axes of a and sets some others to 1. */
  const broadcastPair = fc
    .tuple(shapeArb, fc.nat(3), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), fc.boolean())
    .map(([a, drop, ones, swap]) => {
      const b = a.slice(Math.min(drop, a.length)).map((d, i) => (ones[i] ? 1 : d));
      return swap ? [b, a] : [a, b];
    });
  const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

  it('binary ops broadcast and send gradients back summed to each shape', () => {
    const ops: Fn[] = [
      (a, b) => a.add(b),
      (a, b) => a.sub(b),
      (a, b) => a.mul(b),
      (a, b) => a.div(b),
      (a, b) => a.maximum(b),
      (a, b) => a.pow(b),
    ];
    fc.assert(
      fc.property(broadcastPair, fc.integer({ min: 0, max: ops.length - 1 }), seed, ([sa, sb], k, s) => {
        const g = new Generator(s);
        check(ops[k], [input(sa, 0.5, 2, g), input(sb, 0.5, 2, g)]);
      }),
      { numRuns: 100 },
    );
  });

  it('random slices of random views', () => {
    const sliceSpec = fc.oneof(
      fc.constant<SliceSpec>(':'),
      fc.integer({ min: -1, max: 0 }),
      fc.tuple(
        fc.integer({ min: -3, max: 3 }),
        fc.integer({ min: -3, max: 3 }),
        fc.constantFrom(1, 2, -1, -2),
      ),
    );
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
        fc.array(sliceSpec, { maxLength: 3 }),
        fc.boolean(),
        seed,
        (shape, specs, transposed, s) => {
          const x = input(shape, -1, 1, new Generator(s));
          const usable = specs.slice(0, shape.length);
          check((a) => (transposed ? a.transpose(0, -1) : a).slice(...usable).mul(a.sum()), [x]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('random reductions over random dims, keepdim or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('sum', 'mean', 'var'),
        fc.boolean(),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        seed,
        (shape, op, keepdim, pick, s) => {
          const dims = shape.map((_, i) => i).filter((i) => pick[i]);
          const x = input(shape, -1, 1, new Generator(s));
          const d = dims.length === 0 ? undefined : dims;
          check((a) => (op === 'var' ? a.var(d, { keepdim, correction: 0 }) : a[op](d, keepdim)), [x]);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('batched matmul with broadcast batch shapes', () => {
    fc.assert(
      fc.property(
        broadcastPair,
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        seed,
        ([ba, bb], n, k, m, s) => {
          const g = new Generator(s);
          check(
            (a, b) => matmul(a, b),
            [input([...ba.slice(-2), n, k], -1, 1, g), input([...bb.slice(-2), k, m], -1, 1, g)],
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});
