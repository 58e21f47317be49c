import { setBackend, tensor, traceKernels } from '@fovea/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTrace, loadOptimTraces, makeOptimizer } from '../helpers/golden.js';
import { webGpuAvailable } from '../helpers/webgpu.js';

/**
 * torch.optim's traces (optim.json, float64) through @fovea/optim's SGD, Adam and AdamW on a
 * float32 parameter on the 'webgpu' backend: each step is one fused kernel (traceKernels lists
 * `sgdStep` or `adamStep` and nothing else) and the parameters after every step agree with
 * PyTorch's to float32 rounding over the trace, |a - b| <= 1e-5 + 1e-5 |b|.
 */

const hasGpu = await webGpuAvailable("the optimizers' traces");
const FUSED = { SGD: 'sgdStep', Adam: 'adamStep', AdamW: 'adamStep' } as const;

describe.skipIf(!hasGpu)("the optimizers' traces on webgpu, one kernel per step", () => {
  beforeAll(async () => {
    await setBackend('webgpu');
  });
  afterAll(() => {
    setBackend('wasm');
  });

  for (const trace of loadOptimTraces()) {
    if (!(trace.optimizer in FUSED)) continue;
    it(describeTrace(trace), async () => {
      const p = tensor(trace.p0).to('webgpu').requiresGrad_();
      const opt = makeOptimizer(trace.optimizer, [p], trace.options);
      for (const [k, grad] of trace.grads.entries()) {
        p.grad = tensor(grad).to('webgpu');
        const { kernels } = traceKernels(() => opt.step());
        expect(kernels).toEqual([
          { kernel: FUSED[trace.optimizer as keyof typeof FUSED], backend: 'webgpu' },
        ]);
        const got = await p.dataAsync();
        trace.params_after_each_step[k].forEach((want, i) => {
          expect(Math.abs(got[i] - want), `step ${k + 1}, element ${i}`).toBeLessThanOrEqual(
            1e-5 + 1e-5 * Math.abs(want),
          );
        });
      }
    });
  }
});
