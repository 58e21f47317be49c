import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adaptiveAvgPool2d,
  argmax,
  conv2d,
  manualSeed,
  randn,
  setBackend,
  type Tensor,
  tensor,
  where,
  zeros,
  zerosLike,
} from '../../src/index.js';

/** nn's `F.mse_loss` with 'mean', written out: @fovea/tensor cannot import @fovea/nn. */
const mseLoss = (input: Tensor, target: Tensor) => input.sub(target).square().mean();

import { sameOnGpu, testGpu } from './gpu.js';

/**
 * The ops a model and its optimizer reach beyond conv2d and matmul, on the 'webgpu' backend
 * against the CPU backend on the same values: each runs every kernel on the GPU (traceKernels)
 * and agrees to |gpu - cpu| <= 1e-5 (1 + |cpu|); bools and indices exactly.
 */

const gpu = await testGpu();

describe.skipIf(gpu === null)("the training path's other ops on webgpu", () => {
  beforeAll(async () => {
    expect(await setBackend('webgpu')).toBe('webgpu');
  });
  afterAll(() => {
    setBackend('wasm');
  });

  const same = (inputs: Tensor[], f: (...t: Tensor[]) => Tensor, exact = false) =>
    sameOnGpu(inputs, f, exact ? 0 : 1e-5);

  manualSeed(3);
  const x = randn([3, 5]);
  const y = randn([5]);
  const positive = x.abs().add(0.5);

  it('comparisons and logical ops give bool tensors that read back as bytes', async () => {
    for (const op of ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const)
      await same([x, y], (a, b) => a[op](b), true);
    await same([x], (a) => a.gt(0).logicalAnd(a.lt(0.5)).logicalOr(a.eq(a)).logicalNot(), true);
    expect(await x.to('webgpu').gt(0).toArrayAsync()).toEqual(x.gt(0).toArray());
  });

  it('where over broadcast operands and scalars, with its gradient', async () => {
    await same([x, y], (a, b) => where(a.gt(b), a, b));
    await same([x], (a) => where(a.gt(0), a, 0));
    await same([x], (a) => {
      const leaf = a.detach().requiresGrad_();
      where(leaf.gt(0), leaf.mul(2), leaf).sum().backward();
      return leaf.grad!;
    });
  });

  it('exp, log, tanh, sign, relu and sigmoid with their gradients', async () => {
    await same([x], (a) => a.exp().add(a.tanh()).add(a.sign()).add(a.relu()).add(a.sigmoid()));
    await same([positive], (a) => a.log());
    for (const f of ['exp', 'tanh', 'relu', 'sigmoid', 'log'] as const) {
      await same([positive.sub(1)], (a) => {
        const leaf = a.detach().requiresGrad_();
        (f === 'log' ? leaf.add(1)[f]() : leaf[f]()).sum().backward();
        return leaf.grad!;
      });
    }
  });

  it('pow with negative bases and integer exponents, 0^0, and the MSE loss', async () => {
    await same([x], (a) => a.pow(2).add(a.pow(3)).add(a.pow(0)).add(a.mul(0).pow(0)));
    await same([positive], (a) => a.pow(0.5));
    await same([x, y], (a, b) => mseLoss(a, b));
  });

  it("conv2d with activation 'sigmoid' and its gradients", async () => {
    const images = randn([2, 3, 6, 6]);
    const filters = randn([4, 3, 3, 3]);
    await same([images, filters], (a, w) => conv2d(a, w, null, { padding: 1, activation: 'sigmoid' }));
    await same([images, filters], (a, w) => {
      const leaf = w.detach().requiresGrad_();
      conv2d(a, leaf, null, { padding: 1, activation: 'sigmoid' }).sum().backward();
      return leaf.grad!;
    });
  });

  it('mean, max and min, over all or one dimension, with indices and gradients', async () => {
    await same([x], (a) => a.mean());
    await same([x], (a) => a.mean(1, true));
    await same([x], (a) => a.max(1).values);
    await same([x], (a) => a.min(0).values);
    await same([x], (a) => a.max(1).indices, true);
    await same([x], (a) => a.argmax(1), true);
    await same([x], (a) => a.argmin(), true);
    await same([x], (a) => argmax(a, undefined, true), true);
    await same([x], (a) => {
      const leaf = a.detach().requiresGrad_();
      leaf.max().add(leaf.min()).backward();
      return leaf.grad!;
    });
  });

  it('broadcast matmul and its backward (batched against a matrix, both ways)', async () => {
    const batched = randn([2, 5, 3]);
    const matrix = randn([3, 4]);
    for (const [p, q] of [
      [batched, matrix],
      [randn([4, 5]), batched],
    ]) {
      await same([p, q], (a, b) => a.matmul(b));
      for (const which of [0, 1]) {
        await same([p, q], (a, b) => {
          const leaves = [a, b].map((t) => t.detach().requiresGrad_());
          leaves[0].matmul(leaves[1]).sum().backward();
          return leaves[which].grad!;
        });
      }
    }
  });

  it('adaptive average pooling and its gradient', async () => {
    const image = randn([2, 3, 7, 5]);
    await same([image], (a) => adaptiveAvgPool2d(a, [3, 2]));
    await same([image], (a) => {
      const leaf = a.detach().requiresGrad_();
      adaptiveAvgPool2d(leaf, [4, 3])
        .mul(adaptiveAvgPool2d(leaf, [4, 3]))
        .sum()
        .backward();
      return leaf.grad!;
    });
  });

  it('in-place writes an optimizer makes: copy_, fill_, zero_, add_ with alpha, mul_, through a view', async () => {
    await same([x, y], (a, b) => a.clone().add_(a, { alpha: -0.1 }).mul_(b).sub_(1));
    await same([x, y], (a, b) => {
      const t = a.clone();
      t.select(0, 1).copy_(b);
      t.select(1, 4).fill_(2);
      t.slice([0, 1]).zero_();
      return t;
    });
    await same([x], (a) => a.clone().copy_(x));
  });

  it('creates tensors on the device it is told, and *Like where its input lives', async () => {
    const z = zeros([2, 3], { device: 'webgpu' });
    expect(z.device).toBe('webgpu');
    expect(zerosLike(z).device).toBe('webgpu');
    expect(zerosLike(x).device).toBe('cpu');
    expect(tensor([1, 2], { device: 'webgpu', requiresGrad: true }).requiresGrad).toBe(true);
    expect(await tensor([[true, false]], { device: 'webgpu' }).toArrayAsync()).toEqual([[true, false]]);
    expect(await x.to('webgpu').gt(0).float().toArrayAsync()).toEqual(x.gt(0).float().toArray());
    expect(() => zeros([2], { device: 'cuda' as never })).toThrow(
      "zeros: argument 'device' must be 'cpu' or 'webgpu', got string 'cuda'",
    );
  });
});
