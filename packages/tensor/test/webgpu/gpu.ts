import { existsSync } from 'node:fs';
import { afterAll } from 'vitest';
import { WebGpu } from '../../src/webgpu/index.js';

/**
 * One GPU device per test file. Without a GPU this machine has SwiftShader, a CPU Vulkan that
 * Debian's chromium ships: the Vulkan loader is pointed at it unless VK_ICD_FILENAMES is set.
 * A file that gets no adapter fails when CI is set (CI installs libvulkan1 and chromium) and
 * is skipped, saying why, elsewhere.
 */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export async function testGpu(): Promise<WebGpu | null> {
  if (process.env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  try {
    const gpu = await WebGpu.create();
    afterAll(() => gpu.destroy());
    return gpu;
  } catch (error) {
    const reason = (error as Error).message;
    if (process.env.CI) throw new Error(`WebGPU tests need a GPU adapter in CI: ${reason}`);
    console.warn(`Skipping the WebGPU tests: ${reason}`);
    return null;
  }
}
