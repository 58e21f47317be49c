import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  conv2dBackwardBias,
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
} from '../../src/kernels/conv2d.js';
import { type Conv2dParams, conv2dOutputShape } from '../../src/kernels/conv2d-geometry.js';
import { unfold } from '../../src/kernels/im2col.js';
import { gemm } from '../../src/kernels/matmul.js';
import { dot, expectClose, numel, randomArray } from './helpers.js';

interface ConvSetup {
  xShape: number[];
  wShape: number[];
  params: Conv2dParams;
  seed: number;
  bias: boolean;
}

/** The definition, in seven loops and float64: y[n, o, i, j] = b[o] + Σ x[...] w[o, c, ki, kj]. */
function naiveConv2d(
  x: ArrayLike<number>,
  xShape: readonly number[],
  w: ArrayLike<number>,
  wShape: readonly number[],
  bias: ArrayLike<number> | null,
  params: Conv2dParams,
): Float64Array {
  const [N, C, H, W] = xShape;
  const [O, Cg, kh, kw] = wShape;
  const [sh, sw] = params.stride;
  const [pt, pb, pl, pr] = params.padding;
  const [dh, dw] = params.dilation;
  const Og = O / params.groups;
  const outH = Math.floor((H + pt + pb - dh * (kh - 1) - 1) / sh) + 1;
  const outW = Math.floor((W + pl + pr - dw * (kw - 1) - 1) / sw) + 1;
  const y = new Float64Array(N * O * outH * outW);
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      const group = Math.floor(o / Og);
      for (let i = 0; i < outH; i++) {
        for (let j = 0; j < outW; j++) {
          let s = bias ? bias[o] : 0;
          for (let c = 0; c < Cg; c++) {
            for (let ki = 0; ki < kh; ki++) {
              for (let kj = 0; kj < kw; kj++) {
                const ih = i * sh - pt + ki * dh;
                const iw = j * sw - pl + kj * dw;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                s += x[((n * C + group * Cg + c) * H + ih) * W + iw] * w[((o * Cg + c) * kh + ki) * kw + kj];
              }
            }
          }
          y[((n * O + o) * outH + i) * outW + j] = s;
        }
      }
    }
  }
  return y;
}

/** Random small convolutions: any stride, dilation, groups and asymmetric padding that fits. */
const convSetup: fc.Arbitrary<ConvSetup> = fc
  .record({
    batch: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 3 }),
    groupIn: fc.integer({ min: 1, max: 3 }),
    // Fewer than 4 output channels per group take the direct loops, more the GEMM path.
    groupOut: fc.integer({ min: 1, max: 6 }),
    kernel: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    padding: fc.tuple(
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 3 }),
    ),
    extra: fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 })),
    seed: fc.integer(),
    bias: fc.boolean(),
  })
  .map(({ batch, groups, groupIn, groupOut, kernel, stride, dilation, padding, extra, seed, bias }) => {
    const [pt, pb, pl, pr] = padding;
    const H = Math.max(1, dilation[0] * (kernel[0] - 1) + 1 - pt - pb + extra[0]);
    const W = Math.max(1, dilation[1] * (kernel[1] - 1) + 1 - pl - pr + extra[1]);
    return {
      xShape: [batch, groups * groupIn, H, W],
      wShape: [groups * groupOut, groupIn, kernel[0], kernel[1]],
      params: { stride, dilation, groups, padding },
      seed,
      bias,
    };
  });

function inputs(s: ConvSetup) {
  const x = randomArray(s.seed, numel(s.xShape));
  const w = randomArray(s.seed + 1, numel(s.wShape));
  const b = s.bias ? randomArray(s.seed + 2, s.wShape[0]) : null;
  return { x, w, b };
}

describe('conv2dForward', () => {
  it('matches the direct seven-loop definition in float64', () => {
    fc.assert(
      fc.property(convSetup, (s) => {
        const { x, w, b } = inputs(s);
        const { out, outShape } = conv2dForward(x, s.xShape, w, s.wShape, b, s.params);
        expect(out).toBeInstanceOf(Float64Array);
        expect(outShape).toEqual(conv2dOutputShape(s.xShape, s.wShape, s.params));
        expectClose(out, naiveConv2d(x, s.xShape, w, s.wShape, b, s.params), 'y', 1e-12, 1e-12);
      }),
      { numRuns: 300 },
    );
  });

  it('matches the definition in float32 to float32 rounding, returning a Float32Array', () => {
    fc.assert(
      fc.property(convSetup, (s) => {
        const { x, w, b } = inputs(s);
        const x32 = Float32Array.from(x);
        const w32 = Float32Array.from(w);
        const b32 = b && Float32Array.from(b);
        const { out } = conv2dForward(x32, s.xShape, w32, s.wShape, b32, s.params);
        expect(out).toBeInstanceOf(Float32Array);
        expectClose(out, naiveConv2d(x32, s.xShape, w32, s.wShape, b32, s.params), 'y', 1e-6, 1e-6);
      }),
      { numRuns: 100 },
    );
  });

  it('equals unfold followed by a matrix product with the flattened weight', () => {
    fc.assert(
      fc.property(convSetup, (s) => {
        // F.unfold pads symmetrically: keep the top and left pads, grow the input by the others.
        const [pt, pb, pl, pr] = s.params.padding;
        const params: Conv2dParams = { ...s.params, groups: 1, padding: [pt, pt, pl, pl] };
        const xShape = [s.xShape[0], s.xShape[1], s.xShape[2] + pb, s.xShape[3] + pr];
        const wShape = [s.wShape[0], xShape[1], s.wShape[2], s.wShape[3]];
        const x = randomArray(s.seed, numel(xShape));
        const w = randomArray(s.seed + 1, numel(wShape));
        const { out: y, outShape } = conv2dForward(x, xShape, w, wShape, null, params);
        const { out: cols, outShape: colsShape } = unfold(x, xShape, [wShape[2], wShape[3]], {
          stride: params.stride,
          dilation: params.dilation,
          padding: [pt, pl],
        });
        const [N, K, L] = colsShape;
        const O = wShape[0];
        expect(outShape).toEqual([N, O, outShape[2], outShape[3]]);
        expect(L).toBe(outShape[2] * outShape[3]);
        const viaGemm = new Float64Array(N * O * L);
        for (let n = 0; n < N; n++)
          gemm(false, false, O, L, K, 1, w, 0, K, cols, n * K * L, L, 0, viaGemm, n * O * L, L);
        expectClose(y, viaGemm, 'y', 1e-12, 1e-12);
      }),
      { numRuns: 150 },
    );
  });

  it('handles the pointwise (1x1, stride 1, no padding) fast path with groups', () => {
    for (const groups of [1, 2, 4]) {
      const xShape = [2, 4, 5, 3];
      const wShape = [8, 4 / groups, 1, 1];
      const params: Conv2dParams = { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups };
      const x = randomArray(groups, numel(xShape));
      const w = randomArray(groups + 10, numel(wShape));
      const b = randomArray(groups + 20, 8);
      const { out } = conv2dForward(x, xShape, w, wShape, b, params);
      expectClose(out, naiveConv2d(x, xShape, w, wShape, b, params), `groups=${groups}`, 1e-12, 1e-12);
      const gy = randomArray(groups + 30, out.length);
      const gx = conv2dBackwardInput(gy, [2, 8, 5, 3], w, wShape, xShape, params);
      const gw = conv2dBackwardWeight(x, xShape, gy, [2, 8, 5, 3], wShape, params);
      const yNoBias = naiveConv2d(x, xShape, w, wShape, null, params);
      expect(dot(x, gx)).toBeCloseTo(dot(yNoBias, gy), 10);
      expect(dot(w, gw)).toBeCloseTo(dot(yNoBias, gy), 10);
    }
  });

  it('builds the patch matrix in bands on larger images without changing the result', () => {
    // 8 channels x 5x5 kernel x 40 columns per output row: several bands of output rows.
    const xShape = [1, 8, 70, 40];
    const wShape = [3, 8, 5, 5];
    const params: Conv2dParams = { stride: [1, 1], padding: [2, 2, 2, 2], dilation: [1, 1], groups: 1 };
    const x = randomArray(7, numel(xShape));
    const w = randomArray(8, numel(wShape));
    const { out, outShape } = conv2dForward(x, xShape, w, wShape, null, params);
    expect(outShape).toEqual([1, 3, 70, 40]);
    expectClose(out, naiveConv2d(x, xShape, w, wShape, null, params), 'y', 1e-11, 1e-11);
    const gy = randomArray(9, out.length);
    const gx = conv2dBackwardInput(gy, outShape, w, wShape, xShape, params);
    const gw = conv2dBackwardWeight(x, xShape, gy, outShape, wShape, params);
    expect(dot(x, gx) / dot(out, gy)).toBeCloseTo(1, 12);
    expect(dot(w, gw) / dot(out, gy)).toBeCloseTo(1, 12);
  });

  it('overwrites a given out array', () => {
    const xShape = [1, 2, 4, 4];
    const wShape = [3, 2, 3, 3];
    const params: Conv2dParams = { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 };
    const x = randomArray(1, numel(xShape));
    const w = randomArray(2, numel(wShape));
    const fresh = conv2dForward(x, xShape, w, wShape, null, params).out;
    const out = new Float64Array(fresh.length).fill(Number.NaN);
    expect(conv2dForward(x, xShape, w, wShape, null, params, out).out).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(fresh));

    const gy = randomArray(3, fresh.length);
    const gx = conv2dBackwardInput(gy, [1, 3, 4, 4], w, wShape, xShape, params);
    const gxOut = new Float64Array(gx.length).fill(Number.NaN);
    conv2dBackwardInput(gy, [1, 3, 4, 4], w, wShape, xShape, params, gxOut);
    expect(Array.from(gxOut)).toEqual(Array.from(gx));
    const gw = conv2dBackwardWeight(x, xShape, gy, [1, 3, 4, 4], wShape, params);
    const gwOut = new Float64Array(gw.length).fill(Number.NaN);
    conv2dBackwardWeight(x, xShape, gy, [1, 3, 4, 4], wShape, params, gwOut);
    expect(Array.from(gwOut)).toEqual(Array.from(gw));
  });

  it('accepts an empty batch', () => {
    const params: Conv2dParams = { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 };
    const { out, outShape } = conv2dForward(
      new Float32Array(0),
      [0, 2, 3, 3],
      new Float32Array(8),
      [1, 2, 2, 2],
      null,
      params,
    );
    expect(outShape).toEqual([0, 1, 2, 2]);
    expect(out.length).toBe(0);
  });
});

describe('both algorithms', () => {
  it("'im2col' and 'direct' match the definition and the adjoint identities for any group width", () => {
    fc.assert(
      fc.property(convSetup, fc.constantFrom('im2col' as const, 'direct' as const), (s, algorithm) => {
        const { x, w, b } = inputs(s);
        const params = { ...s.params, algorithm };
        const { out: y, outShape } = conv2dForward(x, s.xShape, w, s.wShape, b, params);
        expectClose(y, naiveConv2d(x, s.xShape, w, s.wShape, b, s.params), 'y', 1e-12, 1e-12);
        const gy = randomArray(s.seed + 3, y.length);
        const gx = conv2dBackwardInput(gy, outShape, w, s.wShape, s.xShape, params);
        const gw = conv2dBackwardWeight(x, s.xShape, gy, outShape, s.wShape, params);
        const reference = dot(naiveConv2d(x, s.xShape, w, s.wShape, null, s.params), gy);
        const scale = 1e-11 * (1 + Math.abs(reference) + y.length);
        expect(Math.abs(dot(x, gx) - reference)).toBeLessThanOrEqual(scale);
        expect(Math.abs(dot(w, gw) - reference)).toBeLessThanOrEqual(scale);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects an unknown algorithm', () => {
    const params = {
      stride: [1, 1],
      padding: [0, 0, 0, 0],
      dilation: [1, 1],
      groups: 1,
      algorithm: 'fft',
    } as const;
    expect(() =>
      conv2dForward(
        new Float32Array(4),
        [1, 1, 2, 2],
        new Float32Array(1),
        [1, 1, 1, 1],
        null,
        params as never,
      ),
    ).toThrow("conv2d: unknown algorithm 'fft', expected 'auto', 'im2col', 'direct' or 'winograd'");
  });
});

describe('conv2d backward kernels', () => {
  it('are the adjoints of the forward: <conv(x), gy> = <x, gx> = <w, gw> (float64)', () => {
    fc.assert(
      fc.property(convSetup, (s) => {
        const { x, w } = inputs(s);
        const { out: y, outShape } = conv2dForward(x, s.xShape, w, s.wShape, null, s.params);
        const gy = randomArray(s.seed + 3, y.length);
        const gx = conv2dBackwardInput(gy, outShape, w, s.wShape, s.xShape, s.params);
        const gw = conv2dBackwardWeight(x, s.xShape, gy, outShape, s.wShape, s.params);
        const reference = dot(y, gy);
        const scale = 1e-11 * (1 + Math.abs(reference) + y.length);
        expect(gx.length).toBe(x.length);
        expect(gw.length).toBe(w.length);
        expect(Math.abs(dot(x, gx) - reference)).toBeLessThanOrEqual(scale);
        expect(Math.abs(dot(w, gw) - reference)).toBeLessThanOrEqual(scale);
      }),
      { numRuns: 300 },
    );
  });

  it('match float64 central differences of a scalar loss on a few cases', () => {
    // loss = <conv(x, w) + b, gy>; every partial derivative checked with step 1e-6.
    const xShape = [2, 4, 5, 6];
    const wShape = [4, 2, 2, 3];
    const params: Conv2dParams = { stride: [2, 1], padding: [1, 0, 2, 1], dilation: [2, 1], groups: 2 };
    const x = randomArray(11, numel(xShape));
    const w = randomArray(12, numel(wShape));
    const b = randomArray(13, 4);
    const { out, outShape } = conv2dForward(x, xShape, w, wShape, b, params);
    const gy = randomArray(14, out.length);
    const loss = () => dot(conv2dForward(x, xShape, w, wShape, b, params).out, gy);
    const numeric = (v: Float64Array, i: number) => {
      const keep = v[i];
      v[i] = keep + 1e-6;
      const up = loss();
      v[i] = keep - 1e-6;
      const down = loss();
      v[i] = keep;
      return (up - down) / 2e-6;
    };
    const gx = conv2dBackwardInput(gy, outShape, w, wShape, xShape, params);
    const gw = conv2dBackwardWeight(x, xShape, gy, outShape, wShape, params);
    const gb = conv2dBackwardBias(gy, outShape);
    for (let i = 0; i < x.length; i++) expect(gx[i]).toBeCloseTo(numeric(x, i), 7);
    for (let i = 0; i < w.length; i++) expect(gw[i]).toBeCloseTo(numeric(w, i), 7);
    for (let i = 0; i < b.length; i++) expect(gb[i]).toBeCloseTo(numeric(b, i), 7);
  });

  it('sums gy over batch and positions for the bias gradient', () => {
    const gy = Float32Array.from({ length: 2 * 3 * 2 * 2 }, (_, i) => i);
    const gb = conv2dBackwardBias(gy, [2, 3, 2, 2]);
    expect(gb).toBeInstanceOf(Float32Array);
    // channel o: Σ_n Σ_p (12n + 4o + p) = 2 * (4o * 4 + 6) + 12 * 4
    expect(Array.from(gb)).toEqual([60, 92, 124]);
  });
});

describe('conv2d errors', () => {
  const params: Conv2dParams = { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 };
  const run =
    (xShape: number[], wShape: number[], p: Partial<Conv2dParams> = {}) =>
    () =>
      conv2dForward(new Float32Array(numel(xShape)), xShape, new Float32Array(numel(wShape)), wShape, null, {
        ...params,
        ...p,
      });

  it('names the op and both shapes', () => {
    expect(run([1, 3, 8, 8], [2, 4, 3, 3])).toThrow(
      'conv2d: input has 3 channels but weight expects 4 (input [1, 3, 8, 8], weight [2, 4, 3, 3])',
    );
    expect(run([1, 4, 8, 8], [3, 1, 3, 3], { groups: 3 })).toThrow(
      'conv2d: groups=3 does not divide in channels 4 (input [1, 4, 8, 8], weight [3, 1, 3, 3])',
    );
    expect(run([1, 4, 8, 8], [3, 2, 3, 3], { groups: 2 })).toThrow(
      'conv2d: groups=2 does not divide out channels 3',
    );
    expect(run([1, 1, 3, 3], [1, 1, 5, 5])).toThrow(
      'conv2d: kernel size (after dilation) [5, 5] is larger than the padded input [3, 3] ' +
        '(input [1, 1, 3, 3], weight [1, 1, 5, 5])',
    );
    expect(run([1, 1, 5, 5], [1, 1, 3, 3], { dilation: [3, 1] })).toThrow(
      'kernel size (after dilation) [7, 3]',
    );
    expect(run([1, 3, 8], [2, 3, 3, 3])).toThrow('conv2d: expected input [N, C, H, W]');
  });

  it('rejects zero or negative stride, dilation, groups and negative padding', () => {
    expect(run([1, 1, 4, 4], [1, 1, 3, 3], { stride: [0, 1] })).toThrow('conv2d: stride must be positive');
    expect(run([1, 1, 4, 4], [1, 1, 3, 3], { dilation: [1, -1] })).toThrow(
      'conv2d: dilation must be positive',
    );
    expect(run([1, 1, 4, 4], [1, 1, 3, 3], { groups: 0 })).toThrow(
      'conv2d: groups must be a positive integer',
    );
    expect(run([1, 1, 4, 4], [1, 1, 3, 3], { padding: [0, -1, 0, 0] })).toThrow(
      'conv2d: padding must be non-negative integers, got [0, -1, 0, 0]',
    );
  });

  it('checks bias length, data length and the gradient shape', () => {
    const x = new Float32Array(16);
    const w = new Float32Array(9);
    expect(() => conv2dForward(x, [1, 1, 4, 4], w, [1, 1, 3, 3], new Float32Array(2), params)).toThrow(
      'conv2d: bias has 2 elements but weight has 1 output channels',
    );
    expect(() => conv2dForward(x, [1, 1, 4, 5], w, [1, 1, 3, 3], null, params)).toThrow(
      'conv2d: input has 16 elements but shape [1, 1, 4, 5] needs 20',
    );
    expect(() =>
      conv2dBackwardInput(new Float32Array(9), [1, 1, 3, 3], w, [1, 1, 3, 3], [1, 1, 4, 4], params),
    ).toThrow(
      'conv2d backward (input): expected grad_output [1, 1, 2, 2] for input [1, 1, 4, 4] and weight [1, 1, 3, 3], got [1, 1, 3, 3]',
    );
  });
});
