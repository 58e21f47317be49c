import { existsSync } from 'node:fs';
import { getBackend, setBackend } from '@fovea/tensor';

/**
 * Whether `setBackend('webgpu')` finds an adapter: this machine has SwiftShader, a CPU Vulkan
 * that Debian's chromium ships, which the Vulkan loader is pointed at unless VK_ICD_FILENAMES
 * is set. Under CI (which installs libvulkan1 and chromium) no adapter is a failure; elsewhere
 * the caller skips `what`, saying why. The backend in effect is left as it was.
 */
export async function webGpuAvailable(what: string): Promise<boolean> {
  const icd = '/usr/lib/chromium/vk_swiftshader_icd.json';
  if (process.env.VK_ICD_FILENAMES === undefined && existsSync(icd)) process.env.VK_ICD_FILENAMES = icd;
  const before = getBackend();
  try {
    await setBackend('webgpu');
    return true;
  } catch (error) {
    const reason = (error as Error).message;
    if (process.env.CI) throw new Error(`WebGPU tests need a GPU adapter in CI: ${reason}`);
    console.warn(`Skipping ${what} on webgpu: ${reason}`);
    return false;
  } finally {
    if (before !== 'webgpu') setBackend(before);
  }
}
