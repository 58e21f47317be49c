import { noGrad } from '@fovea/autograd';
import { Conv2D, LazyConv2d } from '@fovea/nn';
import { corr2d, ones, setBackend, type Tensor, tensor, traceKernels } from '@fovea/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SGD } from '../../src/index.js';
import { loadGolden } from '../helpers/golden.js';
import { webGpuAvailable } from '../helpers/webgpu.js';

/**
 * The chapter's cells ("Convolutions for Images", /work/shared/CHAPTER.md) with their tensors
 * moved to the 'webgpu' backend: the printed tensors equal the CPU's, corr2d runs on the GPU
 * (traceKernels), and "Learning a Kernel" gives PyTorch's losses (learn_kernel.json) with the
 * chapter's Conv2D, with LazyConv2d and with SGD, every value staying on the device.
 */

interface LearnKernelRun {
  w0: [number, number];
  lr: number;
  losses: number[];
  final_weight: [number, number];
}

const run = loadGolden<{ runs: LearnKernelRun[] }>('learn_kernel.json').runs[0];
const hasGpu = await webGpuAvailable("the chapter's cells");

/** Float32 agreement with PyTorch's float32 run, as the CPU chapter tests ask. */
function expectClose(got: ArrayLike<number>, want: readonly number[], what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i] - want[i]), `${what} ${i}`).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(want[i])));
  }
}

function chapterImage(): Tensor {
  const img = ones([6, 8]);
  img.slice(':', '2:6').fill_(0);
  return img;
}

describe.skipIf(!hasGpu)("the chapter's cells on the 'webgpu' backend", () => {
  beforeAll(async () => {
    await setBackend('webgpu');
  });
  afterAll(() => {
    setBackend('wasm');
  });

  it('the cross-correlation cells print what the CPU prints, computed on the GPU', async () => {
    const X = tensor([
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
    ]);
    const K = tensor([
      [0, 1],
      [2, 3],
    ]);
    const img = chapterImage();
    const edge = tensor([[1, -1]]);
    const cells: [Tensor, Tensor][] = [
      [X, K],
      [img, edge],
      [img.t(), edge],
    ];
    for (const [x, k] of cells) {
      const { result, kernels } = traceKernels(() => corr2d(x.to('webgpu'), k.to('webgpu')));
      expect(kernels.filter((r) => r.kernel === 'corr2d')).toEqual([{ kernel: 'corr2d', backend: 'webgpu' }]);
      expect(result.device).toBe('webgpu');
      expect(String(await result.cpu())).toBe(String(corr2d(x, k)));
    }
  });

  it("corr2d's gradients on the GPU equal the CPU's", async () => {
    const x = chapterImage();
    const k = tensor([[0.3, -0.7, 0.2]]);
    const grads = async (device: 'cpu' | 'webgpu') => {
      const xd = x.to(device).requiresGrad_();
      const kd = k.to(device).requiresGrad_();
      corr2d(xd, kd).square().sum().backward();
      return [await xd.grad!.cpu(), await kd.grad!.cpu()];
    };
    const [cpu, gpu] = [await grads('cpu'), await grads('webgpu')];
    for (let i = 0; i < 2; i++) expectClose(gpu[i].dataSync(), Array.from(cpu[i].dataSync()), `grad ${i}`);
  });

  /** The chapter's loop on the device: ten updates of `lr`, the loss read back each time. */
  async function learn(
    forward: (x: Tensor) => Tensor,
    weight: Tensor,
    step: () => void,
    zeroGrad: () => void,
  ) {
    const img = chapterImage().to('webgpu');
    const Y = corr2d(chapterImage(), tensor([[1, -1]])).to('webgpu');
    const losses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const l = forward(img).sub(Y).pow(2);
      zeroGrad();
      l.sum().backward();
      step();
      losses.push((await l.sum().dataAsync())[0]);
    }
    expect(weight.device).toBe('webgpu');
    return { losses, weight: await weight.dataAsync() };
  }

  it("the chapter's Conv2D learns PyTorch's kernel on the GPU", async () => {
    const layer = new Conv2D([1, 2]);
    noGrad(() => layer.weight.copy_(tensor([run.w0])));
    layer.to('webgpu');
    const result = await learn(
      (x) => layer.forward(x),
      layer.weight,
      () => layer.weight.data.sub_(layer.weight.grad!.mul(run.lr)),
      () => layer.zeroGrad(),
    );
    expectClose(result.losses, run.losses, 'loss');
    expectClose(result.weight, run.final_weight, 'final kernel');
  });

  it('LazyConv2d with SGD learns the same kernel on the GPU', async () => {
    const conv = new LazyConv2d(1, [1, 2], { bias: false });
    conv.forward(ones([1, 1, 6, 8]));
    noGrad(() => conv.weight.copy_(tensor(run.w0).reshape([1, 1, 1, 2])));
    conv.to('webgpu');
    const opt = new SGD(conv.parameters(), { lr: run.lr });
    const result = await learn(
      (x) => conv.forward(x.reshape([1, 1, 6, 8])).reshape([6, 7]),
      conv.weight,
      () => opt.step(),
      () => opt.zeroGrad(),
    );
    expectClose(result.losses, run.losses, 'loss');
    expectClose(result.weight, run.final_weight, 'final kernel');
  });
});
