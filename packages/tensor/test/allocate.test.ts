import { describe, expect, it } from 'vitest';
import { allocateForOverwrite } from '../src/dtype.js';
import { avgPool2d, maxPool2d, sigmoid, tensor } from '../src/index.js';
import { sigmoidBackward, sigmoidForward } from '../src/kernels/activation.js';
import { avgPool2dBackward, avgPool2dForward } from '../src/kernels/pool2d.js';
import { withShapesOnly } from '../src/shapes-only.js';
import { BACKENDS, LENET_POOL as POOL, randomFloats, useBackend } from './wasm/setup.js';

/**
 * Results that their kernels overwrite entirely are allocated without a zero fill in Node
 * (`allocateForOverwrite`): each in an ArrayBuffer of its own, and every element written, so the
 * values never depend on what the memory held before. The ops are run many times on large
 * inputs (each result's memory then comes from freed results of earlier calls) and compared with
 * the reference kernels writing into zeroed arrays.
 */

describe('allocateForOverwrite', () => {
  it('gives small arrays zeroed, large ones in a buffer of their own, none in shapes-only mode', () => {
    expect(Array.from(allocateForOverwrite(5))).toEqual([0, 0, 0, 0, 0]);
    const large = allocateForOverwrite(1 << 16);
    expect(large).toBeInstanceOf(Float32Array);
    expect(large.length).toBe(1 << 16);
    expect(large.byteOffset).toBe(0);
    expect(large.buffer.byteLength).toBe(4 << 16);
    expect(withShapesOnly(() => allocateForOverwrite(1 << 16)).length).toBe(0);
  });
});

describe.each(BACKENDS)('results written in full, %s backend', (backend) => {
  useBackend(backend);

  it('sigmoid, average and max pooling and their gradients', () => {
    const shape = [4, 6, 28, 28];
    const n = 4 * 6 * 28 * 28;
    for (let round = 0; round < 6; round++) {
      const values = randomFloats(round, n).map((v) => v * 8);
      const x = tensor(values).reshape(shape).requiresGrad_();
      const y = sigmoid(x);
      const pooled = avgPool2d(y, 2);
      const peak = maxPool2d(y, 2);
      pooled.add(peak).sum().backward();

      const expectedY = new Float32Array(n);
      sigmoidForward(values, expectedY);
      expect(Array.from(y.dataSync() as Float32Array)).toEqual(Array.from(expectedY));
      const expectedPooled = avgPool2dForward(expectedY, shape, POOL).out;
      expect(Array.from(pooled.dataSync() as Float32Array)).toEqual(Array.from(expectedPooled));
      // The gradient reaching y: a quarter from every window, plus 1 at each window's maximum.
      const gy = avgPool2dBackward(
        new Float32Array(expectedPooled.length).fill(1),
        [4, 6, 14, 14],
        shape,
        POOL,
      );
      const ySaved = expectedY;
      for (let plane = 0; plane < 24; plane++) {
        for (let oh = 0; oh < 14; oh++) {
          for (let ow = 0; ow < 14; ow++) {
            let best = -1;
            for (let i = 0; i < 2; i++) {
              for (let j = 0; j < 2; j++) {
                const at = plane * 784 + (2 * oh + i) * 28 + 2 * ow + j;
                if (best < 0 || ySaved[at] > ySaved[best]) best = at;
              }
            }
            gy[best] += 1;
          }
        }
      }
      const expectedGrad = new Float32Array(n);
      sigmoidBackward(gy, expectedY, expectedGrad);
      expect(Array.from(x.grad!.dataSync() as Float32Array)).toEqual(Array.from(expectedGrad));
    }
  });
});
