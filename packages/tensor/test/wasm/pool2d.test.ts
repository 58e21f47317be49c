import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ref from '../../src/kernels/pool2d.js';
import * as fast from '../../src/kernels/registered/index.js';
import { forceWasm, randomFloats, wasmCalls } from './setup.js';

/**
 * The WebAssembly pooling kernels against the TypeScript reference on random shapes: max
 * pooling must pick the same elements (values and indices bit for bit, NaN and ties included);
 * averages agree to float32 rounding.
 */

forceWasm();

const poolCase = fc.record({
  lead: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }),
  h: fc.integer({ min: 1, max: 14 }),
  w: fc.integer({ min: 1, max: 14 }),
  kh: fc.integer({ min: 1, max: 4 }),
  kw: fc.integer({ min: 1, max: 4 }),
  sh: fc.integer({ min: 1, max: 3 }),
  sw: fc.integer({ min: 1, max: 3 }),
  ph: fc.integer({ min: 0, max: 2 }),
  pw: fc.integer({ min: 0, max: 2 }),
  dh: fc.integer({ min: 1, max: 2 }),
  dw: fc.integer({ min: 1, max: 2 }),
  ceilMode: fc.boolean(),
  countIncludePad: fc.boolean(),
  divisor: fc.constantFrom(null, 3, -2),
  /** Rounded inputs make ties; a few NaN test their rule. */
  rounded: fc.boolean(),
  nans: fc.boolean(),
  seed: fc.nat(),
});

type PoolCase = typeof poolCase extends fc.Arbitrary<infer T> ? T : never;

function input(c: PoolCase): { x: Float32Array; xShape: number[] } {
  const xShape = [...c.lead, c.h, c.w];
  const x = randomFloats(
    c.seed,
    xShape.reduce((a, b) => a * b, 1),
  );
  if (c.rounded) for (let i = 0; i < x.length; i++) x[i] = Math.round(x[i] * 2);
  if (c.nans) for (let i = c.seed % 7; i < x.length; i += 11) x[i] = Number.NaN;
  return { x, xShape };
}

function valid(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch {
    return false;
  }
}

function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i]))
      expect.fail(`${label}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(actual[i])) continue;
    if (!(Math.abs(actual[i] - e) <= 1e-6 + 1e-6 * Math.abs(e))) {
      expect.fail(`${label}: element ${i} is ${actual[i]}, expected ${e}`);
    }
  }
}

describe('WebAssembly pooling against the TypeScript reference', () => {
  it('max pooling: same values and indices, forward and backward', () => {
    fc.assert(
      fc.property(poolCase, (c) => {
        const { x, xShape } = input(c);
        const params: ref.MaxPool2dParams = {
          kernel: [c.kh, c.kw],
          stride: [c.sh, c.sw],
          padding: [c.ph, c.pw],
          dilation: [c.dh, c.dw],
          ceilMode: c.ceilMode,
        };
        fc.pre(valid(() => ref.maxPool2dOutputShape(xShape, params)));
        const calls = wasmCalls();
        const expected = ref.maxPool2dForward(x, xShape, params);
        const actual = fast.maxPool2dForward(x, xShape, params);
        expect(actual.outShape).toEqual(expected.outShape);
        expectSame(actual.out, expected.out, 'y');
        expectSame(actual.indices, expected.indices, 'indices');
        const gy = randomFloats(c.seed + 1, expected.out.length);
        const gx = fast.maxPool2dBackward(gy, expected.outShape, expected.indices, xShape);
        expectSame(gx, ref.maxPool2dBackward(gy, expected.outShape, expected.indices, xShape), 'gx');
        expect(wasmCalls()).toBe(calls + 2);
      }),
      { numRuns: 300 },
    );
  });

  it('average pooling: forward and backward, with countIncludePad and divisorOverride', () => {
    fc.assert(
      fc.property(poolCase, (c) => {
        const { x, xShape } = input({ ...c, nans: false });
        const params: ref.AvgPool2dParams = {
          kernel: [c.kh, c.kw],
          stride: [c.sh, c.sw],
          padding: [c.ph, c.pw],
          ceilMode: c.ceilMode,
          countIncludePad: c.countIncludePad,
          divisorOverride: c.divisor,
        };
        fc.pre(valid(() => ref.avgPool2dOutputShape(xShape, params)));
        const calls = wasmCalls();
        const expected = ref.avgPool2dForward(x, xShape, params);
        const actual = fast.avgPool2dForward(x, xShape, params);
        expect(actual.outShape).toEqual(expected.outShape);
        expectClose(actual.out, expected.out, 'y');
        const gy = randomFloats(c.seed + 1, expected.out.length);
        const gx = fast.avgPool2dBackward(gy, expected.outShape, xShape, params);
        expectClose(gx, ref.avgPool2dBackward(gy, expected.outShape, xShape, params), 'gx');
        expect(wasmCalls()).toBe(calls + 2);
      }),
      { numRuns: 300 },
    );
  });

  it('2 x 2 average pooling with stride 2 (the vectorised path): the reference bit for bit', () => {
    const special = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, 1e-30, -3.5];
    fc.assert(
      fc.property(poolCase, fc.integer({ min: 2, max: 30 }), fc.integer({ min: 2, max: 30 }), (c, h, w) => {
        const { x, xShape } = input({ ...c, h, w, nans: false });
        for (let i = c.seed % 5; i < x.length; i += 7) x[i] = special[i % special.length];
        const params: ref.AvgPool2dParams = {
          kernel: [2, 2],
          stride: [2, 2],
          padding: [0, 0],
          ceilMode: c.ceilMode,
          countIncludePad: c.countIncludePad,
          divisorOverride: c.divisor,
        };
        const expected = ref.avgPool2dForward(x, xShape, params);
        const actual = fast.avgPool2dForward(x, xShape, params);
        expectSame(actual.out, expected.out, 'y');
        const gy = randomFloats(c.seed + 1, expected.out.length);
        for (let i = c.seed % 3; i < gy.length; i += 5) gy[i] = special[i % special.length];
        const gx = fast.avgPool2dBackward(gy, expected.outShape, xShape, params);
        expectSame(gx, ref.avgPool2dBackward(gy, expected.outShape, xShape, params), 'gx');
      }),
      { numRuns: 200 },
    );
  });

  it('average pooling over many planes, taken through WebAssembly memory in blocks: the reference bit for bit', () => {
    for (const [lead, h, w, k] of [
      [[7, 6], 28, 28, 2],
      [[5, 16], 10, 10, 2],
      [[3, 11], 17, 9, 3],
    ] as const) {
      const xShape = [...lead, h, w];
      const x = randomFloats(
        h * w,
        xShape.reduce((a, b) => a * b, 1),
      );
      const params: ref.AvgPool2dParams = {
        kernel: [k, k],
        stride: [k, k],
        padding: [0, 0],
        ceilMode: false,
        countIncludePad: true,
        divisorOverride: null,
      };
      const expected = ref.avgPool2dForward(x, xShape, params);
      const calls = wasmCalls();
      expectSame(fast.avgPool2dForward(x, xShape, params).out, expected.out, `y of ${xShape}`);
      expect(wasmCalls()).toBeGreaterThan(calls);
      const gy = randomFloats(w, expected.out.length);
      const gx = fast.avgPool2dBackward(gy, expected.outShape, xShape, params);
      expectSame(gx, ref.avgPool2dBackward(gy, expected.outShape, xShape, params), `gx of ${xShape}`);
    }
  });

  it('reports invalid arguments as the reference does', () => {
    const x = new Float32Array(2 * 8 * 8);
    const params = { kernel: 2, stride: 2, padding: 2, dilation: 1, ceilMode: false };
    expect(() => fast.maxPool2dForward(x, [2, 8, 8], params)).toThrow(/pad should be at most half/);
    expect(() =>
      fast.maxPool2dBackward(new Float32Array(5), [2, 4, 4], new Int32Array(5), [2, 8, 8]),
    ).toThrow();
  });
});
