import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, expect } from 'vitest';
import { type Tensor, traceKernels } from '../../src/index.js';
import { type Backend, getBackend, setBackend } from '../../src/kernels/backend.js';
import { WebGpu } from '../../src/webgpu/index.js';

/**
 * One GPU device per test file. Without a GPU this machine has SwiftShader, a CPU Vulkan that
 * Debian's chromium ships: the Vulkan loader is pointed at it unless VK_ICD_FILENAMES is set.
 * A file that gets no adapter fails when CI is set (CI installs libvulkan1 and chromium) and
 * is skipped, saying why, elsewhere.
 */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export function findSwiftShader(): void {
  if (process.env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
}

/** Without an adapter: fails under CI, else warns that `what` is skipped. */
function noAdapter(what: string, error: unknown): void {
  const reason = (error as Error).message;
  if (process.env.CI) throw new Error(`WebGPU tests need a GPU adapter in CI: ${reason}`);
  console.warn(`Skipping ${what} on webgpu: ${reason}`);
}

/**
 * The backends a spec runs on: 'js', 'wasm', and 'webgpu' where `setBackend('webgpu')` finds an
 * adapter (under CI it must). The backend in effect is left as it was.
 */
export async function specBackends(what: string): Promise<Backend[]> {
  findSwiftShader();
  const before = getBackend();
  try {
    await setBackend('webgpu');
    return ['js', 'wasm', 'webgpu'];
  } catch (error) {
    noAdapter(what, error);
    return ['js', 'wasm'];
  } finally {
    if (before !== 'webgpu') setBackend(before);
  }
}

export async function testGpu(): Promise<WebGpu | null> {
  findSwiftShader();
  try {
    const gpu = await WebGpu.create();
    afterAll(() => gpu.destroy());
    return gpu;
  } catch (error) {
    noAdapter('the WebGPU tests', error);
    return null;
  }
}

/** Runs `script` (a file beside this one) in a process whose Vulkan loader finds no driver; its output. */
export function runWithoutAdapter(script: string): string {
  return execFileSync(
    process.execPath,
    ['--conditions=@fovea/source', '--import', 'tsx', fileURLToPath(new URL(script, import.meta.url))],
    {
      cwd: fileURLToPath(new URL('../../../..', import.meta.url)),
      env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/vk_icd.json', CI: '' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
}

/**
 * Runs `f` on the host tensors and on their copies on the GPU: every kernel ran on the GPU, and
 * the results agree to |gpu - cpu| <= tolerance (1 + |cpu|) (0: exactly), NaN where the CPU's is.
 */
export async function sameOnGpu(
  inputs: Tensor[],
  f: (...t: Tensor[]) => Tensor,
  tolerance: number,
): Promise<void> {
  const want = f(...inputs);
  const { result, kernels } = traceKernels(() => f(...inputs.map((t) => t.to('webgpu'))));
  expect(kernels.filter((k) => k.backend !== 'webgpu')).toEqual([]);
  expect(result.device).toBe('webgpu');
  expect(result.dtype).toBe(want.dtype);
  expect(result.shape).toEqual(want.shape);
  const got = Array.from(await result.dataAsync(), Number);
  Array.from(want.dataSync(), Number).forEach((v, i) => {
    if (Number.isNaN(v)) expect(got[i], `element ${i}`).toBeNaN();
    else expect(Math.abs(got[i] - v), `element ${i}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(v)));
  });
}
