import { describe, expect, it } from 'vitest';
import * as ref from '../../src/kernels/conv2d.js';
import { type Conv2dParams, conv2dGeometry } from '../../src/kernels/conv2d-geometry.js';
import * as fast from '../../src/kernels/registered/index.js';
import { winogradWeightGradientApplies } from '../../src/kernels/wasm/conv2d-winograd.js';
import { abs, expectNear, expectSameBits, forceWasm, randomFloats, wasmCalls, withThreads } from './setup.js';

/**
 * The WebAssembly weight gradient of 3 x 3 stride-1 convolutions by Winograd F(3 x 3, 4 x 4)
 * (assembly/winograd-weight-grad.ts) against the TypeScript reference (im2col, sums in float64).
 * Tolerance: RTOL times the sum of the absolute values of each element's terms.
 */
const RTOL = 3e-5;

interface Case {
  n: number;
  c: number;
  o: number;
  h: number;
  w: number;
  padding: readonly [number, number, number, number];
}

const CASES: readonly Case[] = [
  // Whole 4 x 4 tiles, channels in whole panels.
  { n: 2, c: 16, o: 16, h: 12, w: 12, padding: [1, 1, 1, 1] },
  // Channels past whole panels (C % 8, O % 4), tiles cut by the output's edge, no padding.
  { n: 3, c: 5, o: 7, h: 13, w: 11, padding: [0, 0, 0, 0] },
  // Uneven padding; blocks of tiles that span images.
  { n: 5, c: 9, o: 6, h: 7, w: 9, padding: [2, 0, 1, 2] },
  // One image, one channel each way.
  { n: 1, c: 1, o: 1, h: 6, w: 6, padding: [1, 1, 1, 1] },
  // Five blocks of 144 tiles: three work items, two of them summing two blocks each.
  { n: 6, c: 48, o: 48, h: 38, w: 38, padding: [1, 1, 1, 1] },
];

function operands(k: Case, seed: number) {
  const xShape = [k.n, k.c, k.h, k.w];
  const wShape = [k.o, k.c, 3, 3];
  const params: Conv2dParams = {
    stride: [1, 1],
    padding: k.padding,
    dilation: [1, 1],
    groups: 1,
    algorithm: 'winograd',
    winogradTile: 4,
  };
  const g = conv2dGeometry(xShape, wShape, params, 'test');
  const gyShape = [k.n, k.o, g.outH, g.outW];
  const x = randomFloats(
    seed,
    xShape.reduce((a, b) => a * b),
  );
  const gy = randomFloats(
    seed + 1,
    gyShape.reduce((a, b) => a * b),
  );
  return { xShape, wShape, gyShape, params, g, x, gy };
}

describe('WebAssembly Winograd weight gradient', () => {
  forceWasm(2);

  it('matches the reference on tails of channels and tiles, paddings and batches', () => {
    for (const [i, k] of CASES.entries()) {
      const { xShape, wShape, gyShape, params, g, x, gy } = operands(k, 10 * i + 1);
      expect(winogradWeightGradientApplies(g)).toBe(true);
      const calls = wasmCalls();
      const gw = fast.conv2dBackwardWeight(x, xShape, gy, gyShape, wShape, params);
      expect(wasmCalls()).toBeGreaterThan(calls);
      const f64 = (a: Float32Array) => Float64Array.from(a);
      const scale = ref.conv2dBackwardWeight(abs(f64(x)), xShape, abs(f64(gy)), gyShape, wShape, params);
      expectNear(
        gw,
        ref.conv2dBackwardWeight(x, xShape, gy, gyShape, wShape, params),
        scale,
        `case ${i} gw`,
        RTOL,
      );
    }
  });

  it('gives the same bits on 1, 2 and 3 threads', () => {
    const { xShape, wShape, gyShape, params, x, gy } = operands(
      { n: 4, c: 12, o: 20, h: 16, w: 20, padding: [1, 1, 1, 1] },
      7,
    );
    const run = (threads: number) =>
      withThreads(
        threads,
        () => fast.conv2dBackwardWeight(x, xShape, gy, gyShape, wShape, params) as Float32Array,
      );
    const one = run(1);
    expectSameBits(run(2), one, '2 threads');
    expectSameBits(run(3), one, '3 threads');
    expectSameBits(run(1), one, 'again');
  });

  it('leaves to im2col the gradients whose partial sums would take too much memory, grouped and empty ones', () => {
    const params: Conv2dParams = { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 };
    const g = (c: number) => conv2dGeometry([64, c, 56, 56], [c, c, 3, 3], params, 'test');
    expect(winogradWeightGradientApplies(g(256))).toBe(true);
    expect(winogradWeightGradientApplies(g(512))).toBe(false);
    const grouped = conv2dGeometry([8, 64, 28, 28], [64, 32, 3, 3], { ...params, groups: 2 }, 'test');
    expect(winogradWeightGradientApplies(grouped)).toBe(false);
    const empty = conv2dGeometry([0, 16, 8, 8], [16, 16, 3, 3], params, 'test');
    expect(winogradWeightGradientApplies(empty)).toBe(false);
  });
});
