import { setBackend, tensor, traceKernels } from '@fovea/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTrace, loadOptimTraces, makeOptimizer } from './helpers/golden.js';
import { webGpuAvailable } from './helpers/webgpu.js';

/*
 * torch.optim (PyTorch 2.11, float64, the single-tensor path) was fed a fixed gradient at each
 * step; Fovea must land on the same parameters. Operations follow PyTorch's order, so the only
 * differences are in the last bits (ATen may fuse a multiply-add; pow differs between libms):
 * the tolerance is 1e-9 relative, |a - b| <= 1e-9 · max(1, |b|).
 */
const traces = loadOptimTraces();

function expectClose(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= 1e-9 * Math.max(1, Math.abs(expected[i])))) {
      expect.fail(`${what}[${i}]: got ${actual[i]}, PyTorch has ${expected[i]} (error ${err})`);
    }
  }
}

describe('optimizer traces match torch.optim in float64', () => {
  it('has the 14 traces', () => {
    expect(traces.length).toBe(14);
  });

  for (const [n, trace] of traces.entries()) {
    it(`#${n} ${describeTrace(trace)}`, () => {
      const p = tensor(trace.p0, { dtype: 'float64', requiresGrad: true });
      const opt = makeOptimizer(trace.optimizer, [p], trace.options);
      trace.grads.forEach((g, step) => {
        p.grad = tensor(g, { dtype: 'float64' });
        opt.step();
        expectClose(p.dataSync(), trace.params_after_each_step[step], `after step ${step + 1}`);
      });
      expect(p.dtype).toBe('float64');
      expect(p.isLeaf).toBe(true);
      expect(p.gradFn).toBeNull();
    });
  }
});

/*
 * The same traces on the 'webgpu' backend, in float32 (WebGPU has no f64): the parameter and
 * each step's gradient live on the GPU, every kernel of a step runs there, and the parameters
 * read back agree with PyTorch's to |a - b| <= 1e-5 + 1e-5 |b| (float32 rounding over the steps).
 */
const hasGpu = await webGpuAvailable('the optimizer traces');

describe.skipIf(!hasGpu)('optimizer traces match torch.optim on webgpu in float32', () => {
  beforeAll(async () => {
    await setBackend('webgpu');
  });
  afterAll(() => {
    setBackend('wasm');
  });

  for (const [n, trace] of traces.entries()) {
    it(`#${n} ${describeTrace(trace)}`, async () => {
      const p = tensor(trace.p0, { device: 'webgpu', requiresGrad: true });
      const opt = makeOptimizer(trace.optimizer, [p], trace.options);
      for (const [step, g] of trace.grads.entries()) {
        p.grad = tensor(g, { device: 'webgpu' });
        const { kernels } = traceKernels(() => opt.step());
        expect(kernels.filter((k) => k.backend !== 'webgpu')).toEqual([]);
        const got = await p.dataAsync();
        const want = trace.params_after_each_step[step];
        for (let i = 0; i < want.length; i++) {
          const err = Math.abs(got[i] - want[i]);
          if (!(err <= 1e-5 + 1e-5 * Math.abs(want[i]))) {
            expect.fail(
              `after step ${step + 1}, [${i}]: got ${got[i]}, PyTorch has ${want[i]} (error ${err})`,
            );
          }
        }
      }
      expect(p.device).toBe('webgpu');
    });
  }
});
