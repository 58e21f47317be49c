import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBackend, manualSeed, randn, setBackend, type Tensor, traceKernels } from '../../src/index.js';
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
      "to('webgpu'): only float32 tensors can live on webgpu, got float64",
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

  it('refuses, never silently, an op with no GPU kernel, and a larger host operand', () => {
    const { x, y } = operands();
    const g = x.to('webgpu');
    expect(() => g.exp()).toThrow('exp: the tensor [3, 4] lives on webgpu');
    expect(() => g.gt(0)).toThrow('gt: a bool result of a tensor on webgpu has no kernel there');
    expect(() => g.add(y)).toThrow(
      "add: expected all tensors on the same device, but found one on webgpu and one on cpu ([4]); move it with `t.to('webgpu')`",
    );
    expect(() => g.sum()).toThrow('sum: the tensor [3, 4] lives on webgpu');
  });

  it('runs host tensors through the reference, visibly', () => {
    const { x, y } = operands();
    const { kernels } = traceKernels(() => x.add(y));
    expect(kernels).toEqual([{ kernel: 'zipStrided', backend: 'js', fellBackFrom: 'webgpu' }]);
  });
});
