import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/index.js';
import { BACKENDS, randomFloats, useBackend } from '../wasm/setup.js';

/**
 * matmul reads a transposed matrix (linear's `weight.t()`) in place instead of copying it: the
 * product and both gradients must be the same bits as with a contiguous copy, on every backend,
 * at sizes on both sides of the WebAssembly threshold.
 */

describe.each(BACKENDS)('matmul of a transposed view (%s)', (backend) => {
  useBackend(backend);

  it.each([
    [3, 5, 4],
    [64, 400, 120],
  ])('x [%i, %i] @ w.t() (w with %i rows) equals the contiguous copy bit for bit', (n, k, m) => {
    const x = tensor(randomFloats(1, n * k))
      .reshape([n, k])
      .requiresGrad_();
    const w = tensor(randomFloats(2, m * k))
      .reshape([m, k])
      .requiresGrad_();
    const viewed = x.matmul(w.t());
    viewed.sum().backward();
    const [gx, gw] = [x.grad!.dataSync(), w.grad!.dataSync()];
    x.grad = null;
    w.grad = null;
    const copied = x.matmul(w.t().contiguous());
    copied.sum().backward();
    expect(viewed.dataSync()).toEqual(copied.dataSync());
    expect(gx).toEqual(x.grad!.dataSync());
    expect(gw).toEqual(w.grad!.dataSync());
  });
});
