import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ref from '../../src/kernels/conv2d.js';
import type { Conv2dParams } from '../../src/kernels/conv2d-geometry.js';
import * as fast from '../../src/kernels/registered/index.js';
import { abs, expectNear, forceWasm, randomFloats, wasmCalls } from './setup.js';

/**
 * The WebAssembly conv2d kernels (im2col + GEMM and direct, forward and both gradients) against
 * the TypeScript reference on random shapes and parameters. Tolerance: float32 accumulation,
 * 3e-5 times the sum of the absolute values of the terms of each element.
 */

forceWasm();

const convCase = fc.record({
  n: fc.integer({ min: 1, max: 3 }),
  groups: fc.integer({ min: 1, max: 3 }),
  cg: fc.integer({ min: 1, max: 5 }),
  og: fc.integer({ min: 1, max: 9 }),
  h: fc.integer({ min: 1, max: 13 }),
  w: fc.integer({ min: 1, max: 13 }),
  kh: fc.integer({ min: 1, max: 4 }),
  kw: fc.integer({ min: 1, max: 4 }),
  sh: fc.integer({ min: 1, max: 3 }),
  sw: fc.integer({ min: 1, max: 3 }),
  dh: fc.integer({ min: 1, max: 2 }),
  dw: fc.integer({ min: 1, max: 2 }),
  pads: fc.tuple(
    fc.integer({ min: 0, max: 2 }),
    fc.integer({ min: 0, max: 2 }),
    fc.integer({ min: 0, max: 2 }),
    fc.integer({ min: 0, max: 2 }),
  ),
  bias: fc.boolean(),
  algorithm: fc.constantFrom('auto' as const, 'im2col' as const, 'direct' as const),
  seed: fc.nat(),
});

type ConvCase = typeof convCase extends fc.Arbitrary<infer T> ? T : never;

function setup(c: ConvCase) {
  const xShape = [c.n, c.groups * c.cg, c.h, c.w];
  const wShape = [c.groups * c.og, c.cg, c.kh, c.kw];
  const params: Conv2dParams = {
    stride: [c.sh, c.sw],
    padding: c.pads,
    dilation: [c.dh, c.dw],
    groups: c.groups,
    algorithm: c.algorithm,
  };
  const effH = c.dh * (c.kh - 1) + 1;
  const effW = c.dw * (c.kw - 1) + 1;
  const fits = effH <= c.h + c.pads[0] + c.pads[1] && effW <= c.w + c.pads[2] + c.pads[3];
  return { xShape, wShape, params, fits };
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function check(c: ConvCase): void {
  const { xShape, wShape, params, fits } = setup(c);
  fc.pre(fits);
  const x = randomFloats(c.seed, size(xShape));
  const w = randomFloats(c.seed + 1, size(wShape));
  const bias = c.bias ? randomFloats(c.seed + 2, wShape[0]) : null;
  const expected = ref.conv2dForward(x, xShape, w, wShape, bias, params);
  const gy = randomFloats(c.seed + 3, expected.out.length);
  const f64 = (a: Float32Array) => Float64Array.from(a);
  const absX = abs(f64(x));
  const absW = abs(f64(w));
  const absGy = abs(f64(gy));
  const calls = wasmCalls();

  const y = fast.conv2dForward(x, xShape, w, wShape, bias, params);
  expect(y.outShape).toEqual(expected.outShape);
  const yScale = ref.conv2dForward(absX, xShape, absW, wShape, bias && abs(f64(bias)), params).out;
  expectNear(y.out, expected.out, yScale, 'y');

  const gx = fast.conv2dBackwardInput(gy, expected.outShape, w, wShape, xShape, params);
  const gxScale = ref.conv2dBackwardInput(absGy, expected.outShape, absW, wShape, xShape, params);
  expectNear(gx, ref.conv2dBackwardInput(gy, expected.outShape, w, wShape, xShape, params), gxScale, 'gx');

  const gw = fast.conv2dBackwardWeight(x, xShape, gy, expected.outShape, wShape, params);
  const gwScale = ref.conv2dBackwardWeight(absX, xShape, absGy, expected.outShape, wShape, params);
  expectNear(gw, ref.conv2dBackwardWeight(x, xShape, gy, expected.outShape, wShape, params), gwScale, 'gw');

  expect(wasmCalls()).toBe(calls + 3);
}

/**
 * A fixed case of two images: a k x k kernel, unit stride and dilation, padding 1 on every side,
 * a bias, one group unless given.
 */
function unitStride(c: {
  groups?: number;
  cg: number;
  og: number;
  h: number;
  w: number;
  k: number;
  algorithm: ConvCase['algorithm'];
  seed: number;
}): ConvCase {
  return {
    n: 2,
    groups: c.groups ?? 1,
    cg: c.cg,
    og: c.og,
    h: c.h,
    w: c.w,
    kh: c.k,
    kw: c.k,
    sh: 1,
    sw: 1,
    dh: 1,
    dw: 1,
    pads: [1, 1, 1, 1],
    bias: true,
    algorithm: c.algorithm,
    seed: c.seed,
  };
}

describe('WebAssembly conv2d against the TypeScript reference', () => {
  it('matches on random shapes, strides, dilations, paddings and groups', () => {
    fc.assert(fc.property(convCase, check), { numRuns: 300 });
  });

  it('matches on pointwise (1 x 1) convolutions, where the input is its own patch matrix', () => {
    const pointwise = convCase.map((c) => ({
      ...c,
      kh: 1,
      kw: 1,
      sh: 1,
      sw: 1,
      pads: [0, 0, 0, 0] as [number, number, number, number],
    }));
    fc.assert(fc.property(pointwise, check), { numRuns: 60 });
  });

  it('matches on depthwise convolutions (one channel per group), both algorithms', () => {
    const depthwise = convCase.map((c) => ({ ...c, cg: 1, og: 1, groups: c.groups + 3 }));
    fc.assert(fc.property(depthwise, check), { numRuns: 80 });
  });

  it('matches on the 3 x 3 unit-stride direct loops: every width (groups of 8 and 4, scalar tail), bias, one or two channels per group', () => {
    for (let w = 1; w <= 13; w++) {
      for (const cg of [1, 2]) {
        check(unitStride({ groups: 3, cg, og: 1, h: 5, w, k: 3, algorithm: 'direct', seed: w * 10 + cg }));
      }
    }
  });

  it('matches on bands: images tall enough that the patch matrix is built in several bands', () => {
    for (const [C, O, k] of [
      [16, 8, 3],
      [3, 20, 5],
    ]) {
      check(unitStride({ cg: C, og: O, h: 70, w: 66, k, algorithm: 'im2col', seed: C * 100 + O }));
    }
  });

  it('matches whether the GEMM reads the patch matrix in place or packs it', () => {
    // 32 x 32 outputs: bands of 448 and 128 columns, rows 1792 and 512 bytes apart, which would
    // fall into few L1 sets, so the GEMM packs them; 20 x 66 with 288 patch rows (two blocks
    // of at most 256): bands of 198 columns, read in place.
    for (const [C, O, h, w] of [
      [16, 8, 32, 32],
      [32, 12, 20, 66],
    ]) {
      check(unitStride({ cg: C, og: O, h, w, k: 3, algorithm: 'im2col', seed: C * 100 + O }));
    }
  });

  it('leaves float64 to the reference', () => {
    const calls = wasmCalls();
    const x = Float64Array.from(randomFloats(1, 2 * 3 * 9 * 9));
    const w = Float64Array.from(randomFloats(2, 4 * 3 * 3 * 3));
    const params: Conv2dParams = { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 };
    const y = fast.conv2dForward(x, [2, 3, 9, 9], w, [4, 3, 3, 3], null, params);
    expect(y.out).toBeInstanceOf(Float64Array);
    expect(y.out).toEqual(ref.conv2dForward(x, [2, 3, 9, 9], w, [4, 3, 3, 3], null, params).out);
    expect(wasmCalls()).toBe(calls);
  });

  it('reports invalid arguments exactly as the reference does', () => {
    const x = new Float32Array(2 * 3 * 8 * 8);
    const w = new Float32Array(4 * 4 * 3 * 3);
    const params: Conv2dParams = { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 };
    const message = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    };
    const call = (k: typeof ref) => () => k.conv2dForward(x, [2, 3, 8, 8], w, [4, 4, 3, 3], null, params);
    expect(message(call(fast as unknown as typeof ref))).toBe(message(call(ref)));
    expect(message(call(ref))).toContain('input has 3 channels but weight expects 4');
    const short = () => fast.conv2dForward(x.subarray(1), [2, 3, 8, 8], w, [4, 3, 3, 3], null, params);
    expect(short).toThrow(/input has 383 elements/);
  });
});
