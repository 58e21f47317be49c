import { beforeAll, expect, it, vi } from 'vitest';
import * as reference from '../../src/kernels/activation.js';
import * as pooling from '../../src/kernels/pool2d.js';
import { sigmoidBackward, sigmoidForward } from '../../src/kernels/registered/activation.js';
import { avgPool2dBackward, avgPool2dForward } from '../../src/kernels/registered/pool2d.js';
import { limits } from '../../src/kernels/wasm/limits.js';
import { ThreadPool } from '../../src/kernels/wasm/threads.js';
import { bits, forceWasm, LENET_POOL, randomFloats } from './setup.js';

/**
 * On two threads, the sigmoid and average-pooling kernels split a call whose inputs WebAssembly
 * memory still holds from the calls that made them (resident-ring.ts) over the threads, and give
 * the reference's bits.
 */

forceWasm(2);

beforeAll(() => {
  limits.parallelActivationElements = 0;
});

/** The kernels the thread pool ran during `run`. */
function pooled(run: () => void): string[] {
  const spy = vi.spyOn(ThreadPool.prototype, 'run');
  try {
    run();
    return spy.mock.calls.map((call) => call[0]);
  } finally {
    spy.mockRestore();
  }
}

// Large enough that the pooled result (16 KB and more) is kept too.
const shape = [4, 6, 28, 28];
const n = 4 * 6 * 28 * 28;

it('split sigmoid forward and backward over the threads, with the reference bits', () => {
  const x = randomFloats(2, n).map((v) => 12 * v - 6);
  const y = new Float32Array(n);
  expect(pooled(() => sigmoidForward(x, y))).toEqual([]);
  const z = new Float32Array(n);
  expect(pooled(() => sigmoidForward(y, z))).toEqual(['sigmoidItems']);
  const expectedZ = new Float32Array(n);
  reference.sigmoidForward(y, expectedZ);
  expect(bits(z)).toEqual(bits(expectedZ));

  const gx = new Float32Array(n);
  expect(pooled(() => sigmoidBackward(y, z, gx))).toEqual(['sigmoidBackwardItems']);
  const expectedGx = new Float32Array(n);
  reference.sigmoidBackward(y, z, expectedGx);
  expect(bits(gx)).toEqual(bits(expectedGx));
});

it('split average pooling forward and backward over the threads, with the reference bits', () => {
  const x = randomFloats(3, n);
  const held = new Float32Array(n);
  sigmoidForward(x, held);
  let pooledOut: { out: Float32Array; outShape: number[] } | undefined;
  expect(pooled(() => (pooledOut = avgPool2dForward(held, shape, LENET_POOL) as typeof pooledOut))).toEqual([
    'avgPoolForward',
  ]);
  const expected = pooling.avgPool2dForward(held, shape, LENET_POOL);
  expect(bits(pooledOut!.out)).toEqual(bits(expected.out as Float32Array));

  let gx: Float32Array | undefined;
  expect(
    pooled(() => (gx = avgPool2dBackward(pooledOut!.out, expected.outShape, shape, LENET_POOL))),
  ).toEqual(['avgPoolBackward']);
  expect(bits(gx!)).toEqual(
    bits(pooling.avgPool2dBackward(expected.out, expected.outShape, shape, LENET_POOL)),
  );
});
