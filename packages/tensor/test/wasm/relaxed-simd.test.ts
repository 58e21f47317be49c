import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tensor } from '../../src/index.js';
import { getBackend, setBackend, setNumThreads, wasmRuntime } from '../../src/kernels/backend.js';
import * as ref from '../../src/kernels/conv2d.js';
import type { Conv2dParams, WinogradTile } from '../../src/kernels/conv2d-geometry.js';
import * as fast from '../../src/kernels/registered/index.js';
import { WASM_RELAXED_BASE64 } from '../../src/kernels/wasm/binary.generated.js';
import { numel } from '../../src/shape.js';
import { rtol, tileScale } from '../kernels/winograd-tolerance.js';
import {
  bits,
  exactAndScale,
  expectNear,
  forceWasm,
  randomFloats,
  relaxedSimdBehindFlag,
  wasmCalls,
  withThreads,
} from './setup.js';

/**
 * The relaxed-SIMD build (kernels/wasm/embedded.ts): where it loads, its conv kernels fuse their
 * multiply-adds (assembly/gemm.ts, `madd`, also in the implicit GEMMs of assembly/implicit*.ts).
 * They are then no longer the reference's bits, so this suite checks what still holds: each
 * algorithm is within float32 rounding of the float64 definition, gives the same bits on 1 and
 * 2 threads and call after call, really fuses on a CPU with FMA, and matmul (which runs the
 * reference before the module loads) keeps the reference's bits. The other suites run the plain
 * build (FOVEA_RELAXED_SIMD=0, vitest.config.ts); this file's process asks for the relaxed one
 * before anything loads.
 */

process.env.FOVEA_RELAXED_SIMD = '1';
forceWasm(2);
afterAll(() => setNumThreads(1));

/** Whether the CPU has FMA, where Linux says; undefined elsewhere. */
function cpuHasFma(): boolean | undefined {
  try {
    return /^flags\s*:.*\bfma\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return undefined;
  }
}

describe('the relaxed-SIMD build', () => {
  it('loads, in V8 11.3 (Node 20) with its flag set for the compile only', () => {
    expect(getBackend()).toBe('wasm');
    expect(wasmRuntime()!.relaxedSimd).toBe(true);
    const bytes = Uint8Array.from(atob(WASM_RELAXED_BASE64), (c) => c.charCodeAt(0));
    expect(WebAssembly.validate(bytes), 'relaxed SIMD validates after the compile').toBe(
      !relaxedSimdBehindFlag(),
    );
  });

  it('fuses the conv GEMM: (1 + 2^-12)^2 - 1 keeps its 2^-24 on a CPU with FMA', () => {
    const fma = cpuHasFma();
    if (fma === undefined) return;
    // A 1 x 1 conv over two channels, whose sum runs -1 first: acc = -1, then acc + a a.
    const a = 1 + 2 ** -12;
    const params: Conv2dParams = {
      stride: [1, 1],
      padding: [0, 0, 0, 0],
      dilation: [1, 1],
      groups: 1,
      algorithm: 'im2col',
    };
    const x = Float32Array.of(1, a);
    const w = Float32Array.of(-1, a);
    const y = fast.conv2dForward(x, [1, 2, 1, 1], w, [1, 2, 1, 1], null, params).out;
    expect(y[0]).toBe(fma ? 2 ** -11 + 2 ** -24 : 2 ** -11);
  });

  // 3 x 3 kernels at 17 x 19 (padding 1): the implicit forward, im2col's input and weight
  // gradients, and Winograd. LeNet's second conv at 16 x 16: the implicit forward and the
  // implicit weight gradient (assembly/implicit*.ts), which fuse too.
  const winogradCase = { xShape: [3, 24, 17, 19], wShape: [20, 24, 3, 3], padding: 1 };
  const algorithms: {
    name: string;
    params: Partial<Conv2dParams>;
    tile: WinogradTile;
    shapes: { xShape: number[]; wShape: number[]; padding: number };
  }[] = [
    { name: 'im2col', params: { algorithm: 'im2col' }, tile: 2, shapes: winogradCase },
    {
      name: 'im2col, 5 x 5',
      params: { algorithm: 'im2col' },
      tile: 2,
      shapes: { xShape: [4, 6, 16, 16], wShape: [16, 6, 5, 5], padding: 0 },
    },
    {
      name: 'Winograd F(2 x 2)',
      params: { algorithm: 'winograd', winogradTile: 2 },
      tile: 2,
      shapes: winogradCase,
    },
    {
      name: 'Winograd F(4 x 4)',
      params: { algorithm: 'winograd', winogradTile: 4 },
      tile: 4,
      shapes: winogradCase,
    },
    {
      name: 'Winograd F(6 x 6)',
      params: { algorithm: 'winograd', winogradTile: 6 },
      tile: 6,
      shapes: winogradCase,
    },
  ];

  it.each(algorithms)(
    '$name: within float32 rounding of float64, the same bits on 1 and 2 threads and again',
    (a) => {
      const { xShape, wShape } = a.shapes;
      const pad = a.shapes.padding;
      const params: Conv2dParams = {
        stride: [1, 1],
        padding: [pad, pad, pad, pad],
        dilation: [1, 1],
        groups: 1,
        ...a.params,
      };
      const x = randomFloats(41, numel(xShape));
      const w = randomFloats(42, numel(wShape));
      const bias = randomFloats(43, wShape[0]);
      const definition = { ...params, algorithm: 'im2col' as const };
      const { exact, scale } = exactAndScale((v) =>
        ref.conv2dForward(v(x), xShape, v(w), wShape, v(bias), definition),
      );
      const gy = randomFloats(44, exact.out.length);
      const gx = exactAndScale((v) =>
        ref.conv2dBackwardInput(v(gy), exact.outShape, v(w), wShape, xShape, definition),
      );
      const gw = exactAndScale((v) =>
        ref.conv2dBackwardWeight(v(x), xShape, v(gy), exact.outShape, wShape, definition),
      );
      const calls = wasmCalls();
      const run = () => ({
        y: fast.conv2dForward(x, xShape, w, wShape, bias, params).out,
        gx: fast.conv2dBackwardInput(gy, exact.outShape, w, wShape, xShape, params),
        gw: fast.conv2dBackwardWeight(x, xShape, gy, exact.outShape, wShape, params),
      });
      const one = withThreads(1, run);
      expectNear(one.y, exact.out, tileScale(scale.out, exact.outShape, a.tile), 'y', rtol(a.tile));
      expectNear(one.gx, gx.exact, tileScale(gx.scale, xShape, a.tile), 'gx', rtol(a.tile));
      expectNear(one.gw, gw.exact, gw.scale, 'gw');
      if (cpuHasFma()) {
        // Fused: not the reference kernels' bits, which the plain build gives.
        const reference = {
          y: ref.conv2dForward(x, xShape, w, wShape, bias, params).out,
          gx: ref.conv2dBackwardInput(gy, exact.outShape, w, wShape, xShape, params),
          gw: ref.conv2dBackwardWeight(x, xShape, gy, exact.outShape, wShape, params),
        };
        for (const key of ['y', 'gx', 'gw'] as const) {
          expect(bits(one[key]), `${key} fused`).not.toEqual(bits(reference[key]));
        }
      }
      for (const [label, again] of [
        ['2 threads', withThreads(2, run)],
        ['again on 1 thread', withThreads(1, run)],
      ] as const) {
        expect(bits(again.y), `y, ${label}`).toEqual(bits(one.y));
        expect(bits(again.gx), `gx, ${label}`).toEqual(bits(one.gx));
        expect(bits(again.gw), `gw, ${label}`).toEqual(bits(one.gw));
      }
      expect(wasmCalls(), 'WebAssembly kernel calls').toBeGreaterThanOrEqual(calls + 9);
    },
  );

  it("keeps matmul the reference's bits (it runs the reference before the module loads)", () => {
    const a = tensor(Array.from(randomFloats(51, 37 * 70)), { dtype: 'float32' }).reshape([37, 70]);
    const b = tensor(Array.from(randomFloats(52, 70 * 45)), { dtype: 'float32' }).reshape([70, 45]);
    const calls = wasmCalls();
    const onWasm = a.matmul(b).dataSync() as Float32Array;
    expect(wasmCalls()).toBeGreaterThan(calls);
    setBackend('js');
    try {
      const onReference = a.matmul(b).dataSync() as Float32Array;
      expect(bits(onWasm)).toEqual(bits(onReference));
    } finally {
      setBackend('wasm');
    }
  });
});
