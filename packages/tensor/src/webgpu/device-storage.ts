import type { TypedArray } from '../dtype.js';
import type { DeviceBuffer } from '../storage.js';
import type { GpuMemoryStats } from './buffer-pool.js';
import type { GpuArray, WebGpu } from './runtime.js';

/**
 * A tensor's storage on the 'webgpu' backend's device, and the test every registered webgpu
 * kernel makes before taking a call: its operands are storages of that device.
 *
 * WebGPU has no f64 and no byte-sized storage: float32 tensors are f32 arrays, int32 ones
 * (max pooling's indices) i32 arrays, and bool ones (comparisons, masks) f32 arrays of 0 and 1,
 * read back as bytes.
 */
export class GpuStorage implements DeviceBuffer {
  readonly device = 'webgpu';
  constructor(readonly array: GpuArray) {}

  get length(): number {
    return this.array.length;
  }

  read(): Promise<TypedArray> {
    return this.array.read();
  }

  dispose(): void {
    this.array.destroy();
  }
}

let current: WebGpu | null = null;

/** @internal Makes `gpu` the device whose storages kernels take (backend.ts, once opened). */
export function setCurrentDevice(gpu: WebGpu): void {
  current = gpu;
}

/** The device the backend opened, or null before `setBackend('webgpu')` succeeded. */
export function currentDevice(): WebGpu | null {
  return current;
}

/**
 * Device memory of the 'webgpu' backend's device in bytes (live arrays, idle pooled buffers),
 * or null before `setBackend('webgpu')` opened one.
 */
export function webGpuMemory(): GpuMemoryStats | null {
  return current === null ? null : current.memory();
}

/** The GPU array behind a kernel argument when it is a storage of the current device, else null. */
export function onDevice(array: unknown, dtype: GpuArray['dtype'] = 'float32'): GpuArray | null {
  return array instanceof GpuStorage && array.array.gpu === current && array.array.dtype === dtype
    ? array.array
    : null;
}
