// The backend switch the live cells and the LeNet page share (components/BackendSwitch.vue):
// CPU (WebAssembly) everywhere, WebGPU where the browser finds an adapter.
import { getBackend, type KernelRun, setBackend } from '@fovea/tensor';
import { reactive } from 'vue';
import type { BackendChoice } from './lenet-protocol';

export type { BackendChoice };

export const backendState = reactive({
  choice: 'cpu' as BackendChoice,
  /** Whether `navigator.gpu` gives an adapter here: null until asked. */
  webgpu: null as boolean | null,
  /** The adapter's architecture or vendor, as the browser names it. */
  adapter: '',
  /** Why WebGPU could not be selected, in the package's words; '' when it could. */
  failure: '',
});

let probing: Promise<void> | null = null;

/** Asks the browser for a WebGPU adapter, once per page load. */
export function probeWebGpu(): Promise<void> {
  probing ??= (async () => {
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    try {
      const adapter = gpu ? await gpu.requestAdapter() : null;
      backendState.webgpu = adapter !== null;
      backendState.adapter = adapter ? adapter.info?.architecture || adapter.info?.vendor || '' : '';
    } catch {
      backendState.webgpu = false;
    }
  })();
  return probing;
}

/**
 * Makes this thread's backend the chosen one before a cell runs: 'wasm' for the CPU, 'webgpu'
 * for the GPU. When WebGPU cannot be opened, the choice goes back to the CPU and `failure`
 * says why (setBackend's own error, which keeps the previous backend).
 */
export async function applyBackend(): Promise<void> {
  if (backendState.choice === 'cpu') {
    if (getBackend() === 'webgpu') setBackend('wasm');
    return;
  }
  if (getBackend() === 'webgpu') return;
  try {
    await setBackend('webgpu');
    backendState.failure = '';
  } catch (error) {
    backendState.failure = (error as Error).message;
    backendState.choice = 'cpu';
  }
}

/** Kernel calls of a run, counted by where they ran: on the GPU, or on the CPU instead. */
export function kernelSummary(runs: readonly KernelRun[]): { gpu: string[]; cpu: string[] } {
  const count = (list: readonly KernelRun[]) => {
    const counts = new Map<string, number>();
    for (const run of list) counts.set(run.kernel, (counts.get(run.kernel) ?? 0) + 1);
    return [...counts].map(([kernel, n]) => (n > 1 ? `${kernel} ×${n}` : kernel));
  };
  return {
    gpu: count(runs.filter((run) => run.backend === 'webgpu')),
    cpu: count(runs.filter((run) => run.backend !== 'webgpu')),
  };
}
