import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { setNumThreads } from '../../src/kernels/backend.js';
import * as ref from '../../src/kernels/conv2d.js';
import type { WinogradTile } from '../../src/kernels/conv2d-geometry.js';
import * as geometry from '../../src/kernels/conv2d-geometry.js';
import { convAlgorithm, winogradTile as tileOf } from '../../src/kernels/conv2d-tuning.js';
import * as fast from '../../src/kernels/registered/index.js';
import { numel } from '../../src/shape.js';
import {
  bits,
  exactAndScale,
  expectNear,
  forceWasm,
  randomFloats,
  wasmCalls,
  withThreads,
} from '../wasm/setup.js';
import { rtol, tileScale } from './winograd-tolerance.js';

/**
 * Winograd F(2 x 2, 3 x 3), F(4 x 4, 3 x 3) and F(6 x 6, 3 x 3) (kernels/conv2d-winograd.ts,
 * conv2d-winograd4.ts, conv2d-winograd6.ts; assembly/winograd.ts, winograd4.ts, winograd6.ts), forward and input gradient: the WebAssembly kernel gives
 * the reference's bits on any shape and thread count, both are within float32 rounding of the
 * float64 definition (`rtol`), and 'auto' and explicit choices of the algorithm and tile behave
 * as conv2d-tuning.ts says. The numbers against PyTorch: conv2d.golden.test.ts (conv2d_winograd.json).
 */

forceWasm(2);
afterAll(() => setNumThreads(1));

interface Case {
  n: number;
  groups: number;
  cg: number;
  og: number;
  h: number;
  w: number;
  pads: [number, number, number, number];
  bias: boolean;
  seed: number;
  tile: WinogradTile;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  groups: fc.integer({ min: 1, max: 2 }),
  cg: fc.integer({ min: 1, max: 6 }),
  og: fc.integer({ min: 1, max: 9 }),
  h: fc.integer({ min: 1, max: 11 }),
  w: fc.integer({ min: 1, max: 11 }),
  pads: fc.tuple(
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 3 }),
  ),
  bias: fc.boolean(),
  seed: fc.nat(),
  tile: fc.constantFrom(2 as const, 4 as const, 6 as const),
});

function setup(c: Case) {
  const xShape = [c.n, c.groups * c.cg, c.h, c.w];
  const wShape = [c.groups * c.og, c.cg, 3, 3];
  const params: geometry.Conv2dParams = {
    stride: [1, 1],
    padding: c.pads,
    dilation: [1, 1],
    groups: c.groups,
    algorithm: 'winograd',
    winogradTile: c.tile,
  };
  const fits = c.h + c.pads[0] + c.pads[1] >= 3 && c.w + c.pads[2] + c.pads[3] >= 3;
  const x = randomFloats(c.seed, numel(xShape));
  const w = randomFloats(c.seed + 1, numel(wShape));
  const bias = c.bias ? randomFloats(c.seed + 2, wShape[0]) : null;
  return { xShape, wShape, params, fits, x, w, bias };
}

/** Forward and input gradient on the reference and on WebAssembly at 1 and 2 threads: the same bits. */
function sameBits(c: Case): void {
  const { xShape, wShape, params, x, w, bias } = setup(c);
  const expected = ref.conv2dForward(x, xShape, w, wShape, bias, params);
  const gy = randomFloats(c.seed + 3, expected.out.length);
  const gx = ref.conv2dBackwardInput(gy, expected.outShape, w, wShape, xShape, params);
  const calls = wasmCalls();
  for (const threads of [1, 2]) {
    const y = withThreads(threads, () => fast.conv2dForward(x, xShape, w, wShape, bias, params));
    expect(bits(y.out), `y on ${threads} threads`).toEqual(bits(expected.out));
    const g = withThreads(threads, () =>
      fast.conv2dBackwardInput(gy, expected.outShape, w, wShape, xShape, params),
    );
    expect(bits(g), `gx on ${threads} threads`).toEqual(bits(gx));
  }
  expect(wasmCalls(), 'WebAssembly kernel calls').toBeGreaterThanOrEqual(calls + 4);
}

describe('Winograd F(2 x 2, 3 x 3), F(4 x 4, 3 x 3) and F(6 x 6, 3 x 3) conv2d', () => {
  it('gives the same bits on the reference and in WebAssembly, on 1 and 2 threads', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        fc.pre(setup(c).fits);
        sameBits(c);
      }),
      { numRuns: 80, seed: 16 },
    );
  });

  it.each([2, 4, 6] as const)(
    'F(%i): gives the same bits past one block of tiles, past 256 channels and with padding beyond 2',
    (tile) => {
      const base = { n: 1, groups: 1, bias: true, seed: 5, tile };
      // 17 x 17 tiles of 9 channels (F(2)), 15 x 15 (10 x 10) of 40 (F(4), F(6)): more than one
      // work item per image.
      if (tile === 2) sameBits({ ...base, cg: 9, og: 9, h: 33, w: 34, pads: [1, 1, 1, 1] });
      else sameBits({ ...base, cg: 40, og: 40, h: 60, w: 58, pads: [1, 1, 1, 1] });
      // 257 input channels: the GEMM's sums run in two blocks of terms.
      sameBits({ ...base, cg: 257, og: 5, h: 5, w: 6, pads: [1, 1, 1, 1] });
      // Padding 3: the input gradient starts inside gy.
      sameBits({ ...base, groups: 2, cg: 3, og: 4, h: 4, w: 3, pads: [3, 0, 3, 2] });
      // Tile rows of 7 tiles: groups of four tiles across a row.
      sameBits({ ...base, cg: 5, og: 6, h: 14 * tile, w: 7 * tile - 1, pads: [1, 1, 1, 1] });
      // F(4)'s and F(6)'s blocks run over the batch: 6 images of 7 x 7 (5 x 5) tiles in blocks of
      // 144 (80) tiles on one thread, of 76 (2 items for each of 2 threads) on two; blocks start
      // and end mid-image.
      if (tile !== 2) sameBits({ ...base, n: 6, cg: 48, og: 48, h: 28, w: 28, pads: [1, 1, 1, 1] });
    },
  );

  it('is within float32 rounding of the float64 definition', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { xShape, wShape, params, fits, x, w, bias } = setup(c);
        fc.pre(fits);
        const im2col = { ...params, algorithm: 'im2col' as const };
        const { exact, scale } = exactAndScale((v) =>
          ref.conv2dForward(v(x), xShape, v(w), wShape, bias && v(bias), im2col),
        );
        const y = fast.conv2dForward(x, xShape, w, wShape, bias, params).out;
        expectNear(y, exact.out, tileScale(scale.out, exact.outShape, c.tile), 'y', rtol(c.tile));
        const gy = randomFloats(c.seed + 3, exact.out.length);
        const gxDefinition = exactAndScale((v) =>
          ref.conv2dBackwardInput(v(gy), exact.outShape, v(w), wShape, xShape, im2col),
        );
        const gx = fast.conv2dBackwardInput(gy, exact.outShape, w, wShape, xShape, params);
        expectNear(gx, gxDefinition.exact, tileScale(gxDefinition.scale, xShape, c.tile), 'gx', rtol(c.tile));
      }),
      { numRuns: 60, seed: 17 },
    );
  });

  it("is what 'auto' takes for 3 x 3 stride-1 layers with 16 channels per group and a tile per channel", () => {
    const auto = (
      c: number,
      o: number,
      groups: number,
      k: number,
      stride: number,
      dilation: number,
      n = 4,
      h = 8,
    ) => {
      const params = {
        stride: [stride, stride],
        padding: [1, 1, 1, 1],
        dilation: [dilation, dilation],
        groups,
      } as const;
      return convAlgorithm(geometry.conv2dGeometry([n, c, h, h], [o, c / groups, k, k], params), params);
    };
    expect(auto(16, 16, 1, 3, 1, 1)).toBe('winograd');
    expect(auto(64, 32, 2, 3, 1, 1)).toBe('winograd');
    expect(auto(8, 16, 1, 3, 1, 1)).toBe('im2col');
    expect(auto(16, 16, 1, 3, 2, 1)).toBe('im2col');
    expect(auto(16, 16, 1, 3, 1, 2)).toBe('im2col');
    expect(auto(16, 16, 1, 5, 1, 1)).toBe('im2col');
    expect(auto(16, 16, 16, 3, 1, 1)).toBe('direct');
    // 2 x 16 tiles for 64 channels: transforming the kernels would cost more than it saves.
    expect(auto(64, 64, 1, 3, 1, 1, 2, 7)).toBe('im2col');
    expect(auto(64, 64, 1, 3, 1, 1, 4, 7)).toBe('winograd');
  });

  it('takes F(4 x 4) from 32 tiles of 4 x 4 over the batch, F(2 x 2) below, F(6 x 6) where it saves products, or the tile asked for', () => {
    const tile = (h: number, w: number, winogradTile?: WinogradTile, batch = 8, channels = 16) => {
      const params = {
        stride: [1, 1],
        padding: [1, 1, 1, 1],
        dilation: [1, 1],
        groups: 1,
        winogradTile,
      } as const;
      const g = geometry.conv2dGeometry([batch, channels, h, w], [channels, channels, 3, 3], params);
      return tileOf(g, params);
    };
    expect(tile(28, 28, undefined, 1)).toBe(4);
    expect(tile(32, 13, undefined, 1)).toBe(4);
    expect(tile(14, 14, undefined, 1)).toBe(2);
    expect(tile(14, 14, undefined, 2)).toBe(4);
    expect(tile(7, 7)).toBe(4);
    expect(tile(7, 7, undefined, 7)).toBe(2);
    // F(6 x 6) where 6 x 6 tiles need 1.2x fewer products than 4 x 4 ones (24 x 24: 1.27x; 112 x
    // 112: 1.22x), not where its cut last tiles waste them (W4's 56 x 56 and W5's 28 x 28: 1.10x),
    // nor past 128 channels.
    expect(tile(24, 24)).toBe(6);
    expect(tile(48, 48, undefined, 8, 128)).toBe(6);
    expect(tile(112, 112, undefined, 2, 64)).toBe(6);
    expect(tile(56, 56, undefined, 8, 64)).toBe(4);
    expect(tile(28, 28, undefined, 8, 128)).toBe(4);
    expect(tile(24, 24, undefined, 4, 256)).toBe(4);
    expect(tile(14, 14, 4, 1)).toBe(4);
    expect(tile(28, 28, 2)).toBe(2);
    expect(tile(7, 7, 6, 1)).toBe(6);
    expect(() => tile(28, 28, 3 as 2)).toThrow('conv2d: winogradTile must be 2, 4 or 6, got 3');
  });

  it("refuses 'winograd' for a kernel it does not compute, naming what it got", () => {
    const params = {
      stride: [2, 1],
      padding: [0, 0, 0, 0],
      dilation: [1, 1],
      groups: 1,
      algorithm: 'winograd',
    } as const;
    expect(() =>
      ref.conv2dForward(new Float32Array(64), [1, 1, 8, 8], new Float32Array(9), [1, 1, 3, 3], null, params),
    ).toThrow(
      "conv2d: algorithm 'winograd' needs a 3 x 3 kernel with stride 1 and dilation 1, got kernel [3, 3], stride [2, 1], dilation [1, 1]",
    );
  });
});
