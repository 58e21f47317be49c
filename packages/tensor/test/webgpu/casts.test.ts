import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualSeed, randn, setBackend, type Tensor, tensor } from '../../src/index.js';
import { sameOnGpu, testGpu } from './gpu.js';

/**
 * Conversions, clamp, integer sums and max/min's gradient along a dimension on the 'webgpu'
 * backend against the CPU backend on the same values: every kernel runs on the GPU
 * (traceKernels) and the values agree exactly (casts, integer sums, masks) or to float32
 * rounding; float64, which WGSL lacks, fails saying so.
 */

const gpu = await testGpu();

describe.skipIf(gpu === null)('casts, clamp and integer sums on webgpu', () => {
  beforeAll(async () => {
    expect(await setBackend('webgpu')).toBe('webgpu');
  });
  afterAll(() => {
    setBackend('wasm');
  });

  const same = (inputs: Tensor[], f: (...t: Tensor[]) => Tensor, exact = true) =>
    sameOnGpu(inputs, f, exact ? 0 : 1e-6);

  manualSeed(5);
  const x = randn([4, 6]).mul(3);
  const special = tensor([-2.7, -0.5, 0, 0.5, 2.7, Number.NaN, Number.POSITIVE_INFINITY, -3e9]);
  const ints = tensor([-3, 0, 7, 2, 2, -1], { dtype: 'int32' });

  it('converts between float32, int32 and bool, through views too', async () => {
    await same([x], (a) => a.int());
    await same([x], (a) => a.t().int());
    await same([special.slice('0:7')], (a) => a.int());
    await same([special], (a) => a.bool());
    await same([ints], (a) => a.float());
    await same([ints], (a) => a.bool());
    await same([ints.reshape([2, 3])], (a) => a.t().contiguous());
    await same([x], (a) => a.gt(0).int());
    await same([x], (a) => a.gt(0).float());
  });

  it('sums int32 and bool tensors as int32, over all or one dimension', async () => {
    await same([ints], (a) => a.sum());
    await same([ints.reshape([2, 3])], (a) => a.sum(0));
    await same([x], (a) => a.gt(0).sum());
    await same([x], (a) => a.gt(0).sum(1, true));
  });

  it('clamps with both bounds or one, letting NaN through, with its gradient', async () => {
    await same([x], (a) => a.clamp(-1, 2));
    await same([x], (a) => a.clamp(0, null));
    await same([special], (a) => a.clamp(-1, 1));
    await same(
      [x],
      (a) => {
        const leaf = a.detach().requiresGrad_();
        leaf.clamp(-1, 2).mul(leaf).sum().backward();
        return leaf.grad!;
      },
      false,
    );
  });

  it('sends max and min along a dimension their gradient at the positions found', async () => {
    for (const op of ['max', 'min'] as const) {
      await same([x], (a) => {
        const leaf = a.detach().requiresGrad_();
        leaf[op](1)
          .values.mul(tensor([1, 2, 3, 4]).to(leaf.device))
          .sum()
          .backward();
        return leaf.grad!;
      });
    }
  });

  it('refuses float64 on the device: WGSL has no 64-bit float', () => {
    const onGpu = x.to('webgpu');
    expect(() => onGpu.double()).toThrow(
      /to\('float64'\): float64 tensors cannot live on webgpu \(WGSL has no 64-bit float\)/,
    );
  });
});
