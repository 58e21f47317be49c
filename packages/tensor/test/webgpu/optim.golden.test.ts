import { describe, it } from 'vitest';
import { adamStep, sgdStep } from '../../src/webgpu/index.js';
import { expectClose, loadGolden } from '../kernels/helpers.js';
import { testGpu } from './gpu.js';

/**
 * torch.optim's traces (optim.json, float64) through the WGSL SGD and Adam/AdamW steps in
 * float32: each step's gradient is uploaded, the parameters read back and compared with
 * |a - b| <= 1e-5 + 1e-5 |b| (float32 rounding over 8 steps).
 */

interface Trace {
  optimizer: string;
  options: Record<string, number | boolean | number[]>;
  p0: number[];
  grads: number[][];
  params_after_each_step: number[][];
}

const { traces } = loadGolden<{ traces: Trace[] }>('optim.json');
const gpu = await testGpu();

describe.skipIf(gpu === null)('SGD and Adam WGSL steps against torch.optim (optim.json)', () => {
  for (const trace of traces.filter((t) => ['SGD', 'Adam', 'AdamW'].includes(t.optimizer))) {
    it(`${trace.optimizer} ${JSON.stringify(trace.options)}`, async () => {
      const o = trace.options;
      const n = trace.p0.length;
      const param = gpu!.upload(Float32Array.from(trace.p0));
      const state = [gpu!.zeros(n), gpu!.zeros(n), gpu!.zeros(n)];
      for (let step = 0; step < trace.grads.length; step++) {
        const grad = gpu!.upload(Float32Array.from(trace.grads[step]));
        if (trace.optimizer === 'SGD') {
          const options = {
            lr: o.lr as number,
            momentum: (o.momentum as number) ?? 0,
            dampening: (o.dampening as number) ?? 0,
            weightDecay: (o.weight_decay as number) ?? 0,
            nesterov: (o.nesterov as boolean) ?? false,
            maximize: (o.maximize as boolean) ?? false,
          };
          sgdStep(param, grad, state[0], options, step === 0);
        } else {
          const decoupled = trace.optimizer === 'AdamW';
          const options = {
            lr: o.lr as number,
            betas: (o.betas as [number, number]) ?? [0.9, 0.999],
            eps: (o.eps as number) ?? 1e-8,
            // torch.optim.AdamW's default weight decay is 0.01, Adam's 0.
            weightDecay: (o.weight_decay as number) ?? (decoupled ? 0.01 : 0),
            amsgrad: (o.amsgrad as boolean) ?? false,
            decoupledWeightDecay: decoupled,
          };
          adamStep(param, grad, state[0], state[1], state[2], options, step + 1);
        }
        expectClose(
          await param.read(),
          trace.params_after_each_step[step],
          `after step ${step + 1}`,
          1e-5,
          1e-5,
        );
      }
    });
  }
});
