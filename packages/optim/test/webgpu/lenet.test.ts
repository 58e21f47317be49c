import { BatchNorm2d, Conv2d, Dropout, Flatten, LazyLinear, Linear, ReLU, Sequential } from '@fovea/nn';
import { manualSeed, ones, randn, setBackend, type Tensor, traceKernels } from '@fovea/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { SGD } from '../../src/index.js';
import { webGpuAvailable } from '../helpers/webgpu.js';
import { STEPS, train, VARIANTS } from './lenet.js';

/**
 * LeNet through @fovea/nn and @fovea/optim with `setBackend('webgpu')` and `model.to('webgpu')`,
 * on SwiftShader here: every kernel of the first step runs on the GPU (none falls back), parameters
 * and gradients stay there, and the losses of the first steps agree with the CPU backend's to
 * float32 tolerance, |gpu - cpu| <= 1e-5 + 1e-4 |cpu|. CI (which installs libvulkan1 and
 * chromium's SwiftShader driver) fails without an adapter; elsewhere the suite is skipped.
 * Beside it: `Module.to`, and layers beyond LeNet (batch norm, dropout, a lazy layer).
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
  // Cross-entropy: the registry's kernels of sparseSoftmaxCrossEntropy (log-softmax and NLL shaders).
  'crossEntropyForward',
  'crossEntropyBackward',
];
const VARIANT_KERNELS = {
  'sigmoid-avg-sgd': [
    'sigmoidForward',
    'sigmoidBackward',
    'avgPool2dForward',
    'avgPool2dBackward',
    'sgdStep',
  ],
  'relu-max-adam': ['maxPool2dForward', 'maxPool2dBackward', 'whereStrided', 'adamStep'],
};
/** The optimizer's update: one fused kernel per parameter (ops/fused-steps.ts in @fovea/tensor). */
const STEP_KERNEL = { 'sigmoid-avg-sgd': 'sgdStep', 'relu-max-adam': 'adamStep' } as const;

describe.skipIf(!hasGpu)("@fovea/nn and @fovea/optim on the 'webgpu' backend", () => {
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
    // The running statistics move; the int32 step count stays on the host, where it is read.
    expect(model.buffers().map((b) => `${b.dtype}@${b.device}`)).toEqual([
      'float32@webgpu',
      'float32@webgpu',
      'int32@cpu',
    ]);
    expect(model.parameters().length).toBe(5);
    expect(() => model.to('cuda' as never)).toThrow(
      "Sequential.to: expected 'cpu' or 'webgpu', got \"cuda\"",
    );
    setBackend('wasm');
  });

  it("BatchNorm2d's running statistics, seeded Dropout and LazyLinear give the CPU's values", async () => {
    async function run(device: 'cpu' | 'webgpu') {
      manualSeed(5);
      const net = new Sequential(
        new Conv2d(1, 3, 3),
        new BatchNorm2d(3),
        new ReLU(),
        new Flatten(),
        new Dropout(0.3),
        new LazyLinear(4),
      ).to(device);
      const x = randn([2, 1, 5, 5]).to(device);
      const first = net.forward(x) as Tensor;
      const opt = new SGD(net.parameters(), { lr: 0.1 });
      first.square().sum().backward();
      opt.step();
      const second = net.forward(x) as Tensor;
      return Promise.all([second, ...net.buffers()].map(async (t) => Array.from(await t.dataAsync())));
    }
    setBackend('wasm');
    const cpu = await run('cpu');
    await setBackend('webgpu');
    const gpu = await run('webgpu');
    gpu.forEach((values, k) =>
      values.forEach((v, i) =>
        expect(Math.abs(v - cpu[k][i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(cpu[k][i]))),
      ),
    );
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
      const parameters = gpu.devices.length / 2;
      expect(kernels.filter((k) => k.kernel === STEP_KERNEL[variant])).toHaveLength(parameters);
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
