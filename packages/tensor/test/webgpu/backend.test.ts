import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conv2d,
  getBackend,
  manualSeed,
  randn,
  setBackend,
  type Tensor,
  traceKernels,
} from '../../src/index.js';
import { runWithoutAdapter, testGpu } from './gpu.js';

it("setBackend('webgpu') without an adapter throws clearly and keeps the previous backend", () => {
  const out = runWithoutAdapter('./no-adapter-backend.ts');
  expect(out).toContain(
    "setBackend('webgpu'): WebGPU: no GPU adapter found. Tried: navigator.gpu is not available;",
  );
  expect(out).toContain("The backend stays 'wasm'.");
  expect(out).toContain('backend after: wasm');
});

// testGpu makes the adapter findable (SwiftShader) and fails under CI without one.
const gpu = await testGpu();

describe.skipIf(gpu === null)("the 'webgpu' backend", () => {
  beforeAll(async () => {
    expect(await setBackend('webgpu')).toBe('webgpu');
  });
  afterAll(() => {
    setBackend('wasm');
  });

  function operands(): { x: Tensor; y: Tensor } {
    manualSeed(0);
    return { x: randn([3, 4]), y: randn([4]) };
  }

  it('is the backend in effect and keeps host tensors on the cpu', () => {
    expect(getBackend()).toBe('webgpu');
    expect(operands().x.device).toBe('cpu');
  });

  it("moves a tensor explicitly with to('webgpu') and back with await cpu(); dataSync says to await", async () => {
    const { x } = operands();
    const g = x.to('webgpu');
    expect(g.device).toBe('webgpu');
    expect(() => g.dataSync()).toThrow(
      'dataSync: the tensor [3, 4] lives on webgpu, whose data cannot be read synchronously; use `await t.dataAsync()` to read it, or `await t.cpu()` for a copy in host memory',
    );
    expect(() => g.to('cpu')).toThrow("to('cpu'): the tensor [3, 4] lives on webgpu");
    expect(Array.from(await g.dataAsync())).toEqual(Array.from(x.dataSync()));
    expect(await g.toArrayAsync()).toEqual(x.toArray());
    expect((await g.cpu()).device).toBe('cpu');
    expect(() => x.double().to('webgpu')).toThrow(
      "to('webgpu'): only float32, int32 and bool tensors can live on webgpu, got float64",
    );
  });

  it('runs elementwise ops on the GPU, results staying there, equal to the CPU backend', async () => {
    const { x, y } = operands();
    const expected = x.mul(y).add(x.t().t()).relu().sub(1);
    const { result, kernels } = traceKernels(() =>
      x.to('webgpu').mul(y.to('webgpu')).add(x.to('webgpu').t().t()).relu().sub(1),
    );
    expect(result.device).toBe('webgpu');
    expect(kernels.map((k) => `${k.kernel}@${k.backend}`)).toEqual([
      'zipStrided@webgpu',
      'zipStrided@webgpu',
      'mapStrided@webgpu',
      'zipStrided@webgpu',
    ]);
    const got = await result.dataAsync();
    const want = expected.dataSync();
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
  });

  async function expectClose(gpuTensor: Tensor, cpuTensor: Tensor): Promise<void> {
    expect(gpuTensor.device).toBe('webgpu');
    expect(gpuTensor.shape).toEqual(cpuTensor.shape);
    const got = await gpuTensor.dataAsync();
    const want = cpuTensor.dataSync();
    let worst = 0;
    for (let i = 0; i < want.length; i++)
      worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
    expect(worst).toBeLessThan(1e-5);
  }

  it('runs conv2d forward and its backward through autograd on the GPU, equal to the CPU', async () => {
    manualSeed(1);
    const [x, w, b] = [randn([2, 3, 9, 9]), randn([4, 3, 3, 3]), randn([4])];
    const options = { padding: 1, stride: 2 };
    const [xc, wc, bc] = [x, w, b].map((t) => t.clone().requiresGrad_());
    const yc = conv2d(xc, wc, bc, options);
    const gy = randn(yc.shape);
    yc.backward(gy);
    const [xg, wg, bg] = [x, w, b].map((t) => t.to('webgpu').requiresGrad_());
    const { result: yg, kernels } = traceKernels(() => {
      const y = conv2d(xg, wg, bg, options);
      y.backward(gy.to('webgpu'));
      return y;
    });
    // Every kernel ran on the GPU: the four conv2d ones, and copies of the gradients into the leaves' .grad.
    expect(new Set(kernels.map((k) => `${k.kernel}@${k.backend}`))).toEqual(
      new Set([
        'conv2dForward@webgpu',
        'conv2dBackwardInput@webgpu',
        'conv2dBackwardWeight@webgpu',
        'conv2dBackwardBias@webgpu',
        'mapStrided@webgpu',
      ]),
    );
    await expectClose(yg, yc);
    await expectClose(xg.grad!, xc.grad!);
    await expectClose(wg.grad!, wc.grad!);
    await expectClose(bg.grad!, bc.grad!);
  });

  it('runs matmul forward and backward on the GPU (a transposed operand, and a batched forward), equal to the CPU', async () => {
    manualSeed(2);
    const [a, b] = [randn([5, 3]), randn([4, 3])];
    const [ac, bc] = [a, b].map((t) => t.clone().requiresGrad_());
    const yc = ac.matmul(bc.t());
    const gy = randn(yc.shape);
    yc.backward(gy);
    const [ag, bg] = [a, b].map((t) => t.to('webgpu').requiresGrad_());
    const { result: yg, kernels } = traceKernels(() => {
      const y = ag.matmul(bg.t());
      y.backward(gy.to('webgpu'));
      return y;
    });
    expect(kernels.filter((k) => k.kernel === 'gemm').length).toBeGreaterThan(0);
    expect(kernels.every((k) => k.backend === 'webgpu')).toBe(true);
    await expectClose(yg, yc);
    await expectClose(ag.grad!, ac.grad!);
    await expectClose(bg.grad!, bc.grad!);
    const [p, q] = [randn([2, 5, 3]), randn([2, 3, 4])];
    await expectClose(p.to('webgpu').matmul(q.to('webgpu')), p.matmul(q));
  });

  it('sums on the GPU, over all or some dimensions, with its backward, equal to the CPU', async () => {
    const { x } = operands();
    const xc = x.clone().requiresGrad_();
    const xg = x.to('webgpu').requiresGrad_();
    const weights = randn([4]);
    xc.sum(0, true).mul(weights).sum().backward();
    const { result, kernels } = traceKernels(() => {
      const total = xg.sum(0, true).mul(weights.to('webgpu')).sum();
      total.backward();
      return total;
    });
    expect(kernels.filter((k) => k.kernel === 'sumBlocks').length).toBe(2);
    expect(kernels.every((k) => k.backend === 'webgpu')).toBe(true);
    await expectClose(result, xc.sum(0, true).mul(weights).sum());
    await expectClose(xg.t().sum(1), x.t().sum(1));
    await expectClose(xg.grad!, xc.grad!);
  });

  it('refuses, never silently, an op with no GPU kernel, a larger host operand, and another backend', async () => {
    const { x, y } = operands();
    const g = x.to('webgpu');
    expect(() => g.double()).toThrow("to('float64'): float64 tensors cannot live on webgpu");
    expect(() => g.int().add(1)).toThrow(
      'add: a int32 result of a int32 tensor on webgpu has no kernel there; move the tensor to host memory',
    );
    expect(() => g.add(y)).toThrow(
      "add: expected all tensors on the same device, but found one on webgpu and one on cpu ([4]); move it with `t.to('webgpu')`",
    );
    setBackend('wasm');
    try {
      expect(() => g.add(g)).toThrow(
        "add: the tensor [3, 4] lives on webgpu but the backend is 'wasm'; select it with `await setBackend('webgpu')`, or move the tensor with `await t.cpu()`",
      );
      expect(() => g.sum()).toThrow("sum: the tensor [3, 4] lives on webgpu but the backend is 'wasm'");
    } finally {
      await setBackend('webgpu');
    }
    expect(() => conv2d(g.reshape([1, 1, 3, 4]), randn([1, 1, 2, 2]))).toThrow(
      'conv2dForward: no webgpu kernel takes this call and an operand lives on webgpu; move the tensors to host memory with `await t.cpu()` first',
    );
  });

  it('runs host tensors through the reference, visibly', () => {
    const { x, y } = operands();
    const { kernels } = traceKernels(() => x.add(y));
    expect(kernels).toEqual([{ kernel: 'zipStrided', backend: 'js', fellBackFrom: 'webgpu' }]);
  });
});
