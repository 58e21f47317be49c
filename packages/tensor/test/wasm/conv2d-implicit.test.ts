import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { wasmRuntime } from '../../src/kernels/backend.js';
import * as ref from '../../src/kernels/conv2d.js';
import type { Conv2dParams } from '../../src/kernels/conv2d-geometry.js';
import * as fast from '../../src/kernels/registered/index.js';
import { WEIGHT_GRADIENT_IMAGES } from '../../src/kernels/wasm/abi.generated.js';
import { implicitPaths } from '../../src/kernels/wasm/conv2d.js';
import { numel } from '../../src/shape.js';
import { abs, bits, expectNear, forceWasm, randomFloats } from './setup.js';

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
  const x = randomFloats(c.seed, numel(xShape));
  const w = randomFloats(c.seed + 1, numel(wShape));
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
  const y = ref.conv2dForward(x, xShape, randomFloats(1, numel(wShape)), wShape, null, params);
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

  it('equals im2col + GEMM bit for bit on 2, 6 and 10 output channels (panels ending in two rows), with and without bias, at 4, 3 and 8 columns over', () => {
    // L = 9 x 12 = 108 (8 k + 4), 7 x 5 = 35 (8 k + 3), 8 x 8 = 64 (whole tiles).
    for (const og of [2, 6, 10]) {
      for (const [h, outW] of [
        [9, 12],
        [7, 5],
        [8, 8],
      ]) {
        for (const bias of [true, false]) {
          forwardEqualsIm2col({
            ...lenetConv1(2),
            og,
            cg: 2,
            h,
            w: outW,
            outW,
            kh: 3,
            kw: 3,
            pads: [1, 1, 1, 1],
            bias,
          });
        }
      }
    }
  });

  it('equals im2col + GEMM bit for bit on random unit-stride shapes, dilations, paddings and groups', () => {
    // Unit strides, and not a pointwise kernel (which reads the input as its own patch matrix).
    const unitStrides = unitStrideCase
      .map((c) => ({ ...c, sh: 1 }))
      .filter((c) => c.kh * c.kw > 1 || c.pads.some((p) => p > 0));
    fc.assert(fc.property(unitStrides, forwardEqualsIm2col), { numRuns: 200 });
  });
});

/**
 * The implicit weight gradient's sums in float32, in the order assembly/implicit-weight.ts
 * promises: per work item of WEIGHT_GRADIENT_IMAGES images, each (o, k) in four lanes (lane =
 * output column mod 4) over images, output rows and columns in order, the lanes added
 * (l0 + l1) + (l2 + l3), then the items' partials added in item order.
 */
function emulatedWeightGradient(
  c: UnitStrideCase,
  x: Float32Array,
  gy: Float32Array,
  outH: number,
): Float32Array {
  const f = Math.fround;
  const C = c.groups * c.cg;
  const O = c.groups * c.og;
  const Kg = c.cg * c.kh * c.kw;
  const gw = new Float32Array(O * Kg);
  for (let n0 = 0; n0 < c.n; n0 += WEIGHT_GRADIENT_IMAGES) {
    for (let o = 0; o < O; o++) {
      const g = Math.floor(o / c.og);
      for (let k = 0; k < Kg; k++) {
        const ch = g * c.cg + Math.floor(k / (c.kh * c.kw));
        const ki = Math.floor(k / c.kw) % c.kh;
        const kj = k % c.kw;
        const lanes = [0, 0, 0, 0];
        for (let n = n0; n < Math.min(c.n, n0 + WEIGHT_GRADIENT_IMAGES); n++) {
          for (let oh = 0; oh < outH; oh++) {
            const ih = oh * c.sh + ki * c.dh - c.pads[0];
            for (let ow = 0; ow < c.outW; ow++) {
              const iw = ow + kj * c.dw - c.pads[2];
              const inside = ih >= 0 && ih < c.h && iw >= 0 && iw < c.w;
              const xv = inside ? x[((n * C + ch) * c.h + ih) * c.w + iw] : 0;
              const lane = ow % 4;
              lanes[lane] = f(lanes[lane] + f(gy[((n * O + o) * outH + oh) * c.outW + ow] * xv));
            }
          }
        }
        const partial = f(f(lanes[0] + lanes[1]) + f(lanes[2] + lanes[3]));
        gw[o * Kg + k] = n0 === 0 ? partial : f(gw[o * Kg + k] + partial);
      }
    }
  }
  return gw;
}

describe('the implicit weight gradient', () => {
  it('sums in the order it promises, bit for bit: unit strides (one run an image) and row strides of 2 (a run a row)', () => {
    const cases: UnitStrideCase[] = [
      lenetConv1(17),
      // Three channels a group, 2 x 3 kernel (Kg = 18: a block of four rows over half empty), odd
      // output channels, row stride 2 and dilation 2, 9 images (a second, one-image item).
      {
        ...lenetConv1(9),
        groups: 2,
        cg: 3,
        og: 3,
        h: 11,
        w: 8,
        outW: 8,
        kh: 2,
        kw: 3,
        sh: 2,
        dh: 2,
        dw: 1,
        pads: [1, 0, 1, 1],
      },
      { ...lenetConv1(3), cg: 2, og: 5, h: 6, w: 12, outW: 12, kh: 3, kw: 3, pads: [0, 2, 2, 0] },
    ];
    for (const c of cases) {
      const { xShape, wShape, params, x } = operands(c);
      const outH = Math.floor((c.h + c.pads[0] + c.pads[1] - (c.kh - 1) * c.dh - 1) / c.sh) + 1;
      const outShape = [c.n, c.groups * c.og, outH, c.outW];
      const gy = randomFloats(c.seed + 5, numel(outShape));
      let gw: Float32Array = new Float32Array(0);
      expect(
        kernelsOf(() => {
          gw = fast.conv2dBackwardWeight(x, xShape, gy, outShape, wShape, params) as Float32Array;
        }),
      ).toEqual(['implicitBackwardWeight']);
      expect(bits(gw)).toEqual(bits(emulatedWeightGradient(c, x, gy, outH)));
    }
  });

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
