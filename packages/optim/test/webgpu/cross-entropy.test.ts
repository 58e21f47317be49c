import { functional as F } from '@fovea/nn';
import { manualSeed, randn, setBackend, type Tensor, tensor, traceKernels } from '@fovea/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webGpuAvailable } from '../helpers/webgpu.js';

/**
 * @fovea/nn's crossEntropy on class indices with the logits on the 'webgpu' backend: the loss
 * and the logits' gradient come from the registry's cross-entropy kernels alone, the webgpu ones
 * (log-softmax and NLL shaders; traceKernels), and
 * agree with the CPU's composed computation to float32 rounding, for every reduction, class
 * weights and an ignored index; a label out of range fails as in PyTorch.
 */

const hasGpu = await webGpuAvailable('cross-entropy on webgpu');

describe.skipIf(!hasGpu)("crossEntropy's kernels on webgpu", () => {
  beforeAll(async () => {
    await setBackend('webgpu');
  });
  afterAll(() => {
    setBackend('wasm');
  });

  manualSeed(11);
  const logits = randn([6, 5]).mul(3);
  const target = tensor([0, 4, 2, -100, 1, 4], { dtype: 'int32' });
  const weight = tensor([0.5, 1, 2, 1.5, 0.25]);

  async function expectClose(got: Tensor, want: Tensor, what: string): Promise<void> {
    expect(got.shape).toEqual(want.shape);
    const values = await got.dataAsync();
    want.dataSync().forEach((v, i) => {
      expect(Math.abs(values[i] - v), `${what} ${i}`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(v)));
    });
  }

  for (const reduction of ['mean', 'sum', 'none'] as const) {
    for (const weighted of [false, true]) {
      it(`reduction '${reduction}'${weighted ? ', class weights' : ''}, ignoreIndex, and the gradient`, async () => {
        const options = { reduction, ignoreIndex: -100, weight: weighted ? weight : undefined };
        const run = (device: 'cpu' | 'webgpu') => {
          const x = logits.clone().to(device).requiresGrad_();
          const w = weighted ? weight.to(device) : undefined;
          const loss = F.crossEntropy(x, target, { ...options, weight: w });
          loss.sum().backward();
          return { loss, grad: x.grad! };
        };
        const cpu = run('cpu');
        const { result: gpu, kernels } = traceKernels(() => run('webgpu'));
        const lossKernels = kernels.map((k) => k.kernel).filter((k) => /crossEntropy|Softmax|nll/.test(k));
        expect(lossKernels).toEqual(['crossEntropyForward', 'crossEntropyBackward']);
        expect(kernels.filter((k) => k.backend !== 'webgpu')).toEqual([]);
        await expectClose(gpu.loss, cpu.loss, 'loss');
        await expectClose(gpu.grad, cpu.grad, 'grad');
      });
    }
  }

  it('a label out of range fails as in PyTorch', () => {
    expect(() => F.crossEntropy(logits.to('webgpu'), tensor([0, 1, 5, 0, 0, 0], { dtype: 'int32' }))).toThrow(
      'Target 5 is out of bounds.',
    );
  });
});
