import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapStrided, zipStrided } from '../../src/kernels/registered/strided.js';
import { mapStrided as mapReference, zipStrided as zipReference } from '../../src/kernels/strided.js';
import { forceWasm, randomFloats, wasmCalls } from './setup.js';

/**
 * The WebAssembly elementwise kernels against the reference closures, bit for bit (float32
 * +, -, *, /, sqrt round as JavaScript's double-precision op then a float32 store does), on
 * broadcasts that reduce to rows, with NaN, infinities and signed zeros among the values.
 */

forceWasm();

const binaryFns: Record<string, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  maximum: Math.max,
  minimum: Math.min,
  gt: (x, y) => (x > y ? 1 : 0),
  lt: (x, y) => (x < y ? 1 : 0),
  ge: (x, y) => (x >= y ? 1 : 0),
  le: (x, y) => (x <= y ? 1 : 0),
  eq: (x, y) => (x === y ? 1 : 0),
  ne: (x, y) => (x !== y ? 1 : 0),
};

const unaryFns: Record<string, (x: number) => number> = {
  neg: (v) => -v,
  abs: Math.abs,
  relu: (v) => (v > 0 || Number.isNaN(v) ? v : 0),
  sqrt: Math.sqrt,
};

const SPECIAL = [Number.NaN, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1, -1];

function values(seed: number, n: number): Float32Array {
  const a = randomFloats(seed, n);
  for (let i = seed % 5; i < n; i += 7) a[i] = SPECIAL[(i + seed) % SPECIAL.length];
  for (let i = seed % 3; i < n; i += 5) a[i] = Math.round(a[i] * 2);
  return a;
}

function contiguous(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i]))
      expect.fail(`${label}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/** An operand of the broadcast: the full shape, a scalar, a row (trailing dims) or a column (leading dims). */
type Kind = 'full' | 'scalar' | 'row' | 'column' | 'other';

function operand(kind: Kind, shape: number[], split: number, seed: number) {
  const full = contiguous(shape);
  const size = shape.reduce((a, b) => a * b, 1);
  const offset = seed % 3;
  let strides: number[];
  let count: number;
  if (kind === 'full') {
    strides = full;
    count = size;
  } else if (kind === 'scalar') {
    strides = shape.map(() => 0);
    count = 1;
  } else if (kind === 'row') {
    const inner = contiguous(shape.slice(split));
    strides = shape.map((_, d) => (d < split ? 0 : inner[d - split]));
    count = shape.slice(split).reduce((a, b) => a * b, 1);
  } else if (kind === 'column') {
    const outer = contiguous(shape.slice(0, split));
    strides = shape.map((_, d) => (d < split ? outer[d] : 0));
    count = shape.slice(0, split).reduce((a, b) => a * b, 1);
  } else {
    // A transposed layout the kernels do not take: the reference must run.
    strides = [...full].reverse();
    count = size;
  }
  return { data: values(seed, offset + count + size), strides, offset };
}

describe('WebAssembly elementwise kernels against the reference', () => {
  it('binary ops over same-shape, scalar, row and column broadcasts', () => {
    const kinds: Kind[] = ['full', 'scalar', 'row', 'column', 'other'];
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.constantFrom(...Object.keys(binaryFns)),
        fc.constantFrom(...kinds),
        fc.constantFrom(...kinds),
        fc.nat(),
        (shape, splitSeed, op, ka, kb, seed) => {
          const split = splitSeed % (shape.length + 1);
          const a = operand(ka, shape, split, seed);
          const b = operand(kb, shape, split, seed + 1);
          const size = shape.reduce((x, y) => x * y, 1);
          const bytes = ['gt', 'lt', 'ge', 'le', 'eq', 'ne'].includes(op);
          const expected = bytes ? new Uint8Array(size) : new Float32Array(size);
          const actual = bytes ? new Uint8Array(size) : new Float32Array(size);
          const f = binaryFns[op];
          zipReference(f, a.data, a.strides, a.offset, b.data, b.strides, b.offset, shape, expected);
          const calls = wasmCalls();
          zipStrided(f, a.data, a.strides, a.offset, b.data, b.strides, b.offset, shape, actual, op);
          expectSame(actual, expected, `${op} ${ka} ${kb} ${JSON.stringify(shape)}`);
          if (ka !== 'other' && kb !== 'other') expect(wasmCalls()).toBe(calls + 1);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('unary ops on contiguous sources', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...Object.keys(unaryFns)),
        fc.nat(),
        (shape, op, seed) => {
          const size = shape.reduce((x, y) => x * y, 1);
          const src = values(seed, size + 2);
          const expected = new Float32Array(size);
          const actual = new Float32Array(size);
          mapReference(unaryFns[op], src, shape, contiguous(shape), 2, expected);
          const calls = wasmCalls();
          mapStrided(unaryFns[op], src, shape, contiguous(shape), 2, actual, op);
          expect(wasmCalls()).toBe(calls + 1);
          expectSame(actual, expected, `${op} ${JSON.stringify(shape)}`);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('leaves other dtypes and unnamed ops to the reference', () => {
    const a = Float64Array.from([1, 2, 3]);
    const out = new Float64Array(3);
    zipStrided((x, y) => x + y, a, [1], 0, a, [1], 0, [3], out, 'add');
    expect(Array.from(out)).toEqual([2, 4, 6]);
    const f = new Float32Array([1, -2, 3]);
    const g = new Float32Array(3);
    mapStrided((v) => v * 10, f, [3], [1], 0, g);
    expect(Array.from(g)).toEqual([10, -20, 30]);
  });
});
