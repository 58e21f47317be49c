// Bundled by chromium.test.ts for a page: trains the LeNet variants with setBackend('webgpu') on navigator.gpu.
import { getBackend, setBackend, traceKernels } from '@fovea/tensor';
import { train, type Variant } from './lenet.js';

export interface LenetPageApi {
  train(
    variant: Variant,
  ): Promise<{ backend: string; losses: number[]; devices: string[]; offGpu: string[] }>;
}

const api: LenetPageApi = {
  async train(variant) {
    await setBackend('webgpu');
    let pending: ReturnType<typeof train> | null = null;
    const { kernels } = traceKernels(() => {
      pending = train(variant, 'webgpu');
    });
    const { losses, devices } = await pending!;
    const offGpu = kernels.filter((k) => k.backend !== 'webgpu').map((k) => k.kernel);
    return { backend: getBackend(), losses, devices, offGpu };
  },
};

(globalThis as { fovea?: LenetPageApi }).fovea = api;
