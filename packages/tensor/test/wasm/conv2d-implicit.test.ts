import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { wasmRuntime } from '../../src/kernels/backend.js';
import * as ref from '../../src/kernels/conv2d.js';
import type { Conv2dParams } from '../../src/kernels/conv2d-geometry.js';
import * as fast from '../../src/kernels/registered/index.js';
import { implicitPaths } from '../../src/kernels/wasm/conv2d.js';
import { abs, expectNear, forceWasm, randomFloats } from './setup.js';

/**
 * The im2col paths that never write the patch matrix (assembly/implicit.ts and
 * implicit-weight.ts). The forward implicit GEMM must equal im2col + GEMM bit for bit (same sums,
 * same order); the weight gradient sums in its own order, so it is held to the reference with
 * conv2d.test.ts's tolerance (3e-5 times the sum of the absolute values of the terms).
 */

forceWasm();

afterEach(() => {
  implicitPaths.forward = true;
  implicitPaths.weightGradient = true;
});

/** The item kernels `f` runs. */
function kernelsOf(f: () => void): string[] {
  const rt = wasmRuntime()!;
  const names: string[] = [];
  const original = rt.runItems;
  rt.runItems = function (this: typeof rt, kernel, ...rest) {
    names.push(kernel);
    return original.call(this, kernel, ...rest);
  };
  try {
    f();
  } finally {
    rt.runItems = original;
  }
  return names;
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** Unit column stride (the implicit weight gradient's condition), output rows 1 to 13 wide. */
const unitStrideCase = fc
  .record({
    n: fc.integer({ min: 1, max: 3 }),
    groups: fc.integer({ min: 1, max: 2 }),
    cg: fc.integer({ min: 1, max: 4 }),
    og: fc.integer({ min: 1, max: 9 }),
    outW: fc.integer({ min: 1, max: 13 }),
    h: fc.integer({ min: 3, max: 11 }),
    kh: fc.integer({ min: 1, max: 5 }),
    kw: fc.integer({ min: 1, max: 5 }),
    sh: fc.integer({ min: 1, max: 2 }),
    dh: fc.integer({ min: 1, max: 2 }),
    dw: fc.integer({ min: 1, max: 2 }),
    pads: fc.tuple(
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 0, max: 2 }),
    ),
    bias: fc.boolean(),
    seed: fc.nat(),
  })
  .map((c) => ({ ...c, w: c.outW + (c.kw - 1) * c.dw - c.pads[2] - c.pads[3] }))
  .filter((c) => c.w >= 1 && (c.kh - 1) * c.dh + 1 <= c.h + c.pads[0] + c.pads[1]);

type UnitStrideCase = typeof unitStrideCase extends fc.Arbitrary<infer T> ? T : never;

function operands(c: UnitStrideCase) {
  const xShape = [c.n, c.groups * c.cg, c.h, c.w];
  const wShape = [c.groups * c.og, c.cg, c.kh, c.kw];
  const params: Conv2dParams = {
    stride: [c.sh, 1],
    padding: c.pads,
    dilation: [c.dh, c.dw],
    groups: c.groups,
    algorithm: 'im2col',
  };
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const x = randomFloats(c.seed, size(xShape));
  const w = randomFloats(c.seed + 1, size(wShape));
  const bias = c.bias ? randomFloats(c.seed + 2, wShape[0]) : null;
  return { xShape, wShape, params, x, w, bias };
}

/** LeNet's first convolution (1 -> 6 channels, 5 x 5, padding 2, 28 x 28) on `n` images. */
function lenetConv1(n: number): UnitStrideCase {
  return {
    n,
    groups: 1,
    cg: 1,
    og: 6,
    outW: 28,
    h: 28,
    w: 28,
    kh: 5,
    kw: 5,
    sh: 1,
    dh: 1,
    dw: 1,
    pads: [2, 2, 2, 2],
    bias: true,
    seed: 7,
  };
}

function forwardEqualsIm2col(c: UnitStrideCase): void {
  const { xShape, wShape, params, x, w, bias } = operands(c);
  implicitPaths.forward = false;
  const im2col = fast.conv2dForward(x, xShape, w, wShape, bias, params).out as Float32Array;
  implicitPaths.forward = true;
  let implicit: Float32Array = new Float32Array(0);
  const kernels = kernelsOf(() => {
    implicit = fast.conv2dForward(x, xShape, w, wShape, bias, params).out as Float32Array;
  });
  expect(kernels).toEqual(['implicitForward']);
  expect(bits(implicit)).toEqual(bits(im2col));
}

function weightGradientMatches(c: UnitStrideCase): void {
  const { xShape, wShape, params, x } = operands(c);
  const y = ref.conv2dForward(
    x,
    xShape,
    randomFloats(
      1,
      wShape.reduce((a, b) => a * b, 1),
    ),
    wShape,
    null,
    params,
  );
  const gy = randomFloats(c.seed + 3, y.out.length);
  let gw: Float32Array = new Float32Array(0);
  const kernels = kernelsOf(() => {
    gw = fast.conv2dBackwardWeight(x, xShape, gy, y.outShape, wShape, params) as Float32Array;
  });
  expect(kernels).toEqual(['implicitBackwardWeight']);
  const f64 = (a: Float32Array) => Float64Array.from(a);
  const scale = ref.conv2dBackwardWeight(abs(f64(x)), xShape, abs(f64(gy)), y.outShape, wShape, params);
  expectNear(gw, ref.conv2dBackwardWeight(x, xShape, gy, y.outShape, wShape, params), scale, 'gw');
}

describe('the implicit GEMM forward', () => {
  it("equals im2col + GEMM bit for bit on LeNet's first convolution", () => {
    forwardEqualsIm2col(lenetConv1(3));
  });

  it('equals im2col + GEMM bit for bit on random unit-stride shapes, dilations, paddings and groups', () => {
    // Unit strides, and not a pointwise kernel (which reads the input as its own patch matrix).
    const unitStrides = unitStrideCase
      .map((c) => ({ ...c, sh: 1 }))
      .filter((c) => c.kh * c.kw > 1 || c.pads.some((p) => p > 0));
    fc.assert(fc.property(unitStrides, forwardEqualsIm2col), { numRuns: 200 });
  });
});

describe('the implicit weight gradient', () => {
  it("matches the reference on LeNet's first convolution, 17 images (three work items, the last short)", () => {
    weightGradientMatches(lenetConv1(17));
  });

  it('matches the reference on random small gradients', () => {
    // Output rows of whole vectors (4, 8 or 12 columns) and at most 256 weights.
    const small = unitStrideCase.filter(
      (c) => c.outW % 4 === 0 && c.groups * c.og * c.cg * c.kh * c.kw <= 256,
    );
    fc.assert(fc.property(small, weightGradientMatches), { numRuns: 150 });
  });

  it('gives the reference its infinities and NaNs: every product is one of its terms', () => {
    const c = lenetConv1(9);
    const { xShape, wShape, params, x } = operands(c);
    x[3 * 784 + 27] = Number.POSITIVE_INFINITY;
    x[5 * 784 + 28 * 10 + 27] = Number.NaN;
    const outShape = [9, 6, 28, 28];
    const gy = randomFloats(4, 9 * 6 * 784);
    const expected = ref.conv2dBackwardWeight(x, xShape, gy, outShape, wShape, params);
    let gw: Float32Array = new Float32Array(0);
    expect(
      kernelsOf(() => {
        gw = fast.conv2dBackwardWeight(x, xShape, gy, outShape, wShape, params) as Float32Array;
      }),
    ).toEqual(['implicitBackwardWeight']);
    const finite = Array.from(expected, Number.isFinite);
    expect(finite.some((f) => !f)).toBe(true);
    expect(Array.from(gw, Number.isFinite)).toEqual(finite);
  });
});
