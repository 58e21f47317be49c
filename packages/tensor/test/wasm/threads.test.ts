import { afterAll, describe, expect, it } from 'vitest';
import { setNumThreads, threadPool, wasmRuntime } from '../../src/kernels/backend.js';
import { type Conv2dParams, conv2dGeometry } from '../../src/kernels/conv2d-geometry.js';
import { gemm } from '../../src/kernels/registered/gemm.js';
import * as fast from '../../src/kernels/registered/index.js';
import { convFlops } from '../../src/kernels/wasm/conv2d.js';
import { limits } from '../../src/kernels/wasm/limits.js';
import { threadsFor } from '../../src/kernels/wasm/run.js';
import { defaultLimits, forceWasm, randomFloats } from './setup.js';

/**
 * Results do not depend on the thread count: every output element is summed in the same order
 * whichever thread computes it, so 1, 2 and 3 threads agree bit for bit.
 */

forceWasm(2);

afterAll(() => setNumThreads(1));

function expectIdentical(a: ArrayLike<number>, b: ArrayLike<number>, label: string): void {
  expect(a.length, label).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) expect.fail(`${label}: element ${i}: ${a[i]} vs ${b[i]}`);
  }
}

function run<T>(threads: number, f: () => T): T {
  setNumThreads(threads);
  return f();
}

const cases: Array<{ name: string; xShape: number[]; wShape: number[]; params: Conv2dParams }> = [
  {
    name: 'im2col, 3 x 3, batch 3',
    xShape: [3, 8, 19, 17],
    wShape: [12, 8, 3, 3],
    params: { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 },
  },
  {
    name: 'im2col, batch 1, strided, grouped',
    xShape: [1, 6, 23, 21],
    wShape: [12, 3, 3, 3],
    params: { stride: [2, 1], padding: [1, 0, 2, 1], dilation: [1, 2], groups: 2 },
  },
  {
    name: "LeNet's first convolution, batch 20 (implicit GEMM forward and weight gradient)",
    xShape: [20, 1, 28, 28],
    wShape: [6, 1, 5, 5],
    params: { stride: [1, 1], padding: [2, 2, 2, 2], dilation: [1, 1], groups: 1 },
  },
  {
    name: "LeNet's second convolution, batch 20",
    xShape: [20, 6, 14, 14],
    wShape: [16, 6, 5, 5],
    params: { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 },
  },
  {
    name: 'depthwise (direct)',
    xShape: [2, 5, 17, 18],
    wShape: [5, 1, 3, 3],
    params: { stride: [1, 1], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 5 },
  },
];

/**
 * Thread counts of the runs compared, several of each: which thread takes which chunk of a call
 * changes from run to run (wasm/threads.ts), and must not change a bit.
 */
const SCHEDULES = [1, 2, 2, 2, 2, 3, 3, 3];

describe('thread-count independence', () => {
  it('starts workers', () => {
    setNumThreads(2);
    const pool = threadPool(wasmRuntime()!);
    expect(pool).not.toBeNull();
    expect(pool!.ready).toBe(1);
  });

  for (const c of cases) {
    it(`conv2d forward and gradients: ${c.name}`, () => {
      const x = randomFloats(
        1,
        c.xShape.reduce((a, b) => a * b, 1),
      );
      const w = randomFloats(
        2,
        c.wShape.reduce((a, b) => a * b, 1),
      );
      const bias = randomFloats(3, c.wShape[0]);
      const results = SCHEDULES.map((threads) =>
        run(threads, () => {
          const y = fast.conv2dForward(x, c.xShape, w, c.wShape, bias, c.params);
          const gy = randomFloats(4, y.out.length);
          return {
            y: y.out,
            gx: fast.conv2dBackwardInput(gy, y.outShape, w, c.wShape, c.xShape, c.params),
            gw: fast.conv2dBackwardWeight(x, c.xShape, gy, y.outShape, c.wShape, c.params),
          };
        }),
      );
      for (const r of results.slice(1)) {
        expectIdentical(r.y, results[0].y, 'y');
        expectIdentical(r.gx, results[0].gx, 'gx');
        expectIdentical(r.gw, results[0].gw, 'gw');
      }
    });
  }

  it('gemm', () => {
    const [M, N, K] = [37, 133, 300];
    const A = randomFloats(5, M * K);
    const B = randomFloats(6, K * N);
    const results = SCHEDULES.map((threads) =>
      run(threads, () => {
        const C = new Float32Array(M * N);
        gemm(false, true, M, N, K, 1, A, 0, K, B, 0, K, 0, C, 0, N);
        return C;
      }),
    );
    for (const [i, C] of results.entries()) expectIdentical(C, results[0], `C (${SCHEDULES[i]} threads)`);
  });

  it('pooling', () => {
    const x = randomFloats(7, 4 * 6 * 20 * 20);
    const params = { kernel: 3, stride: 2, padding: 1, dilation: 1, ceilMode: true };
    const results = [1, 2].map((threads) =>
      run(threads, () => fast.maxPool2dForward(x, [4, 6, 20, 20], params)),
    );
    expectIdentical(results[1].out, results[0].out, 'y');
    expectIdentical(results[1].indices, results[0].indices, 'indices');
  });
});

describe('which calls use threads', () => {
  it("with the package's limits, sends LeNet's convolutions from batch 16 to two threads and tiny calls to one", () => {
    const saved = { ...limits };
    try {
      setNumThreads(2);
      Object.assign(limits, defaultLimits);
      const rt = wasmRuntime()!;
      const conv2 = (batch: number) => {
        const g = conv2dGeometry([batch, 6, 14, 14], [16, 6, 5, 5], {
          stride: [1, 1],
          padding: [0, 0, 0, 0],
          dilation: [1, 1],
          groups: 1,
        });
        return { flops: convFlops(g), outputs: batch * 16 * 10 * 10, inputs: batch * 6 * 14 * 14 };
      };
      // At batch 16 (7.7 Mflop a call) the pool still made the 2-thread step about 4% faster
      // than keeping these calls on one thread (limits.ts): forward, input and weight gradients.
      const b16 = conv2(16);
      expect(threadsFor(rt, b16.flops, b16.outputs)).toBe(2);
      expect(threadsFor(rt, b16.flops, b16.inputs)).toBe(2);
      expect(threadsFor(rt, b16.flops, 16 * 6 * 25)).toBe(2);
      // At batch 1 (0.5 Mflop) a hand-off costs more than the call.
      const b1 = conv2(1);
      expect(threadsFor(rt, b1.flops, b1.outputs)).toBe(1);
      const b32 = conv2(32);
      expect(threadsFor(rt, b32.flops, b32.outputs)).toBe(2);
      const b64 = conv2(64);
      expect(threadsFor(rt, b64.flops, b64.outputs)).toBe(2);
      expect(threadsFor(rt, b64.flops, b64.inputs)).toBe(2);
      expect(threadsFor(rt, b64.flops, 16 * 6 * 25)).toBe(2);
    } finally {
      Object.assign(limits, saved);
    }
  });

  it('keeps calls with little arithmetic per output element on one thread', () => {
    const saved = { ...limits };
    try {
      setNumThreads(2);
      limits.parallelFlops = defaultLimits.parallelFlops;
      limits.parallelFlopsPerOutput = defaultLimits.parallelFlopsPerOutput;
      const rt = wasmRuntime()!;
      // LeNet's second convolution, batch 256: 300 flops per output element.
      expect(threadsFor(rt, 122_880_000, 409_600)).toBe(2);
      // Its first convolution: 50 flops per output element.
      expect(threadsFor(rt, 60_211_200, 1_204_224)).toBe(2);
      // A 3 x 3 depthwise layer (ResNet-sized, batch 8): 18.
      expect(threadsFor(rt, 18 * 8 * 128 * 56 * 56, 8 * 128 * 56 * 56)).toBe(1);
      // Small calls stay on one thread whatever their arithmetic.
      expect(threadsFor(rt, 1_000_000, 10)).toBe(1);
      // Without an output count only the total counts.
      expect(threadsFor(rt, 60_211_200)).toBe(2);
    } finally {
      Object.assign(limits, saved);
    }
  });
});
