import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WebGpu } from '../../src/webgpu/index.js';
import { testGpu } from './gpu.js';

/** The device layer: adapter description, errors without an adapter, and a lost device. */

const gpu = await testGpu();

describe.skipIf(gpu === null)('WebGPU device layer', () => {
  it('describes the adapter and says when it is a software one', () => {
    const { architecture, isSoftware, source } = gpu!.adapter;
    expect(source).toBe('webgpu (Node)');
    if (architecture === 'swiftshader') expect(isSoftware).toBe(true);
  });

  it('uploads and reads back float32 and int32 arrays, and zero-fills new ones', async () => {
    const floats = Float32Array.from([1.5, -2, 3e-8, Number.POSITIVE_INFINITY]);
    expect(await gpu!.upload(floats).read()).toEqual(floats);
    const ints = Int32Array.from([7, -1, 2 ** 31 - 1]);
    expect(await gpu!.upload(ints).read()).toEqual(ints);
    expect(await gpu!.zeros(3).read()).toEqual(new Float32Array(3));
  });

  it('refuses arrays larger than a storage binding, naming the limit', () => {
    expect(() => gpu!.zeros(gpu!.maxElements + 1)).toThrow(/exceed this device's largest storage buffer/);
  });

  it('rejects with a clear error, never hangs, once the device is lost', async () => {
    const other = await WebGpu.create();
    const x = other.upload(new Float32Array(4));
    other.destroy();
    await expect(x.read()).rejects.toThrow(/WebGPU: the device was lost/);
    expect(() => other.zeros(1)).toThrow(
      /^WebGpu.zeros: WebGPU: the device was lost \(destroyed: .*\); create a new one with WebGpu.create\(\)$/,
    );
  });
});

it('without an adapter, says what it tried', () => {
  // A separate process whose Vulkan loader finds no driver.
  const script = fileURLToPath(new URL('./no-adapter.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--conditions=@fovea/source', '--import', 'tsx', script], {
    cwd: fileURLToPath(new URL('../../../..', import.meta.url)),
    env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/vk_icd.json', CI: '' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  expect(out).toContain('WebGPU: no GPU adapter found. Tried: navigator.gpu is not available;');
  expect(out).toContain('VK_ICD_FILENAMES');
});
