import { BatchNorm2d, Linear, Sequential } from '@fovea/nn';
import { ones, setBackend, traceKernels } from '@fovea/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { webGpuAvailable } from '../helpers/webgpu.js';
import { STEPS, train, VARIANTS } from './lenet.js';

/**
 * LeNet through @fovea/nn and @fovea/optim with `setBackend('webgpu')` and `model.to('webgpu')`,
 * on SwiftShader here: every kernel of every step runs on the GPU (none falls back), parameters
 * and gradients stay there, and the losses of the first steps agree with the CPU backend's to
 * float32 tolerance, |gpu - cpu| <= 1e-5 + 1e-4 |cpu|. CI (which installs libvulkan1 and
 * chromium's SwiftShader driver) fails without an adapter; elsewhere the suite is skipped.
 */

const hasGpu = await webGpuAvailable('the LeNet training test');

const SHARED_KERNELS = [
  'conv2dForward',
  'conv2dBackwardInput',
  'conv2dBackwardWeight',
  'conv2dBackwardBias',
  'gemm',
  'zipStrided',
  'mapStrided',
  'sumBlocks',
  'extremumBlocks',
];
const VARIANT_KERNELS = {
  'sigmoid-avg-sgd': [
    'sigmoidForward',
    'sigmoidBackward',
    'avgPool2dForward',
    'avgPool2dBackward',
    'addScaledInPlace',
  ],
  'relu-max-adam': ['maxPool2dForward', 'maxPool2dBackward', 'whereStrided', 'scatterStrided'],
};

describe.skipIf(!hasGpu)("LeNet on the 'webgpu' backend", () => {
  afterAll(() => {
    setBackend('wasm');
  });

  it('Module.to moves parameters, their gradients and buffers, keeping shared parameters shared', async () => {
    await setBackend('webgpu');
    const shared = new Linear(3, 2);
    const tied = new Linear(3, 2);
    tied.weight = shared.weight;
    const model = new Sequential(shared, new BatchNorm2d(2), tied);
    shared.weight.grad = ones([2, 3]);
    const before = await shared.weight.dataAsync();
    expect(model.to('webgpu')).toBe(model);
    const first = shared;
    expect(tied.weight).toBe(first.weight);
    expect(first.weight.device).toBe('webgpu');
    expect(first.weight.requiresGrad).toBe(true);
    expect(first.weight.grad?.device).toBe('webgpu');
    expect(Array.from(await first.weight.dataAsync())).toEqual(Array.from(before));
    expect(new Set(model.buffers().map((b) => b.device))).toEqual(new Set(['webgpu']));
    expect(model.parameters().length).toBe(5);
    expect(() => model.to('cuda' as never)).toThrow("Module.to: expected 'cpu' or 'webgpu', got \"cuda\"");
    setBackend('wasm');
  });

  for (const variant of VARIANTS) {
    it(`${variant}: the CPU's losses over ${STEPS} steps, every kernel on the GPU`, async () => {
      setBackend('wasm');
      const cpu = await train(variant, 'cpu');
      await setBackend('webgpu');
      // traceKernels takes a synchronous function: the steps run inside it, the reads after.
      let pending: ReturnType<typeof train> | null = null;
      const { kernels } = traceKernels(() => {
        pending = train(variant, 'webgpu');
      });
      const gpu = await pending!;
      console.info(
        `${variant} losses (GPU, CPU): ${gpu.losses.map((l, i) => `${l.toFixed(6)} ${cpu.losses[i].toFixed(6)}`).join('; ')}`,
      );
      // The first step's kernels (the trace ends at the first await): all on the GPU.
      expect(kernels.filter((k) => k.backend !== 'webgpu')).toEqual([]);
      for (const name of [...SHARED_KERNELS, ...VARIANT_KERNELS[variant]]) {
        expect(kernels.map((k) => k.kernel)).toContain(name);
      }
      expect(new Set(gpu.devices)).toEqual(new Set(['webgpu']));
      gpu.losses.forEach((loss, step) => {
        expect(Math.abs(loss - cpu.losses[step])).toBeLessThanOrEqual(
          1e-5 + 1e-4 * Math.abs(cpu.losses[step]),
        );
      });
      expect(cpu.losses[STEPS - 1]).toBeLessThan(cpu.losses[0]);
    });
  }
});
