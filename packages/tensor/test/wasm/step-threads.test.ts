import { afterAll, expect, it } from 'vitest';
import { setNumThreads, threadPool, wasmRuntime } from '../../src/kernels/backend.js';
import { sigmoidBackward, sigmoidForward } from '../../src/kernels/registered/activation.js';
import { addScaledInPlace } from '../../src/kernels/registered/add-scaled.js';
import { conv2dBackwardBias } from '../../src/kernels/registered/conv2d.js';
import { avgPool2dBackward, avgPool2dForward } from '../../src/kernels/registered/pool2d.js';
import { expectSameBits, forceWasm, LENET_POOL as POOL, randomFloats } from './setup.js';

/**
 * The kernels of a LeNet step besides convolution and GEMM (sigmoid and its backward, average
 * pooling and its backward, conv2d's bias gradient, add_ with alpha) give the same bits on 1, 2
 * and 3 threads, with the pool forced on from the smallest call: they run on the calling thread
 * at every count (wasm/activation.ts and wasm/pool2d.ts say why), in the reference's order.
 */

forceWasm(2);

afterAll(() => setNumThreads(1));

function stepKernels(): Float32Array[] {
  const shape = [5, 6, 28, 28];
  const n = 5 * 6 * 28 * 28;
  const x = randomFloats(1, n).map((v) => v * 9);
  const y = new Float32Array(n);
  sigmoidForward(x, y);
  const pooled = avgPool2dForward(y, shape, POOL).out;
  const gy = avgPool2dBackward(randomFloats(2, pooled.length), [5, 6, 14, 14], shape, POOL);
  const g = new Float32Array(n);
  sigmoidBackward(gy, y, g);
  const weight = randomFloats(3, n);
  addScaledInPlace(weight, g, -0.9);
  return [y, pooled, gy, g, conv2dBackwardBias(g, shape), weight];
}

it('sigmoid, average pooling, the bias gradient and add_ agree bit for bit on 1, 2 and 3 threads', () => {
  setNumThreads(2);
  expect(threadPool(wasmRuntime()!)).not.toBeNull();
  setNumThreads(1);
  const one = stepKernels();
  for (const threads of [2, 3]) {
    setNumThreads(threads);
    stepKernels().forEach((result, i) => {
      expectSameBits(result, one[i], `result ${i} on ${threads} threads`);
    });
  }
});
